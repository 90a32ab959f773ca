import Foundation
import LatentTensor
import LatentOutput
// Foundation has a Progress too; this file means the library's.
import class LatentOutput.Progress

/// Annealed importance sampling for an RBM's log partition function
/// (Salakhutdinov & Murray 2008). The path runs from a base-rate model A —
/// no hidden coupling, visible biases fitted to the data's pixel means — to
/// the RBM B through p_β(v) ∝ e^{(1−β) b_Aᵀv} · e^{β b_Bᵀv} · Πⱼ(1 + e^{β(Wⱼv + cⱼ)}),
/// with one Gibbs transition per β; log Z_B = log Z_A + log mean(w).
///
/// ```swift
/// let ais = AIS.estimate(rbm, baseFrom: trainImages, betas: AIS.schedule(.paper), chains: 100, rng: &rng)
/// print(ais.logPartition, ais.lower, ais.upper)
/// ```
public enum AIS {
    public struct Estimate: Sendable {
        /// The estimate of log Z.
        public let logPartition: Double
        /// log(mean w ∓ 3 standard errors) + log Z_A: the spread of the estimate (lower is −∞ when 3σ exceeds the mean).
        public let lower: Double
        public let upper: Double
        public let chains: Int
        public let steps: Int
    }

    public enum Schedule: Sendable {
        /// Salakhutdinov & Murray's: 0→0.5 by 10⁻³, 0.5→0.9 by 10⁻⁴, 0.9→1 by 10⁻⁵ (14,500 steps).
        case paper
        /// `n` evenly spaced β from 0 to 1.
        case linear(Int)
    }

    public static func schedule(_ s: Schedule) -> [Double] {
        switch s {
        case .paper:
            // By index, so that no rounding drift accumulates over 14,500 additions.
            let first = (0..<500).map { Double($0) * 1e-3 }
            let second = (0..<4_000).map { 0.5 + Double($0) * 1e-4 }
            let third = (0..<10_000).map { 0.9 + Double($0) * 1e-5 }
            return first + second + third + [1]
        case .linear(let n):
            return (0..<Swift.max(n, 2)).map { Double($0) / Double(Swift.max(n, 2) - 1) }
        }
    }

    /// Base-rate visible biases: log(p/(1−p)) of the pixel means, p clipped to [0.001, 0.999].
    public static func baseRateBiases(_ data: Tensor) -> [Double] {
        data.mean(axis: 0).scalars.map { m in
            let p = Swift.min(Swift.max(Double(m), 1e-3), 1 - 1e-3)
            return Foundation.log(p / (1 - p))
        }
    }

    /// log Z = log Z_A + log mean(w), with the band log(mean w ∓ 3 standard errors).
    static func summarize(logWeights logW: [Double], logBasePartition logZA: Double, steps: Int) -> Estimate {
        let m = logW.max()!
        let scaled = logW.map { Foundation.exp($0 - m) }
        let count = Double(logW.count)
        let mean = scaled.reduce(0, +) / count
        let variance = scaled.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Swift.max(count - 1, 1)
        let se = (variance / count).squareRoot()
        return Estimate(logPartition: logZA + m + Foundation.log(mean),
                        lower: mean - 3 * se > 0 ? logZA + m + Foundation.log(mean - 3 * se) : -.infinity,
                        upper: logZA + m + Foundation.log(mean + 3 * se), chains: logW.count, steps: steps)
    }

    public static func estimate(_ rbm: RBM, baseFrom data: Tensor, betas: [Double], chains: Int,
                                rng: inout RandomGenerator, progress: Progress? = nil) -> Estimate {
        let (h, d) = (rbm.hiddenCount, rbm.visibleCount)
        let baseBias = baseRateBiases(data)
        let bA = Tensor(baseBias.map(Float.init)), bB = rbm.visibleBias.value.detached()
        let w = rbm.weights.value.detached(), c = rbm.hiddenBias.value.detached()
        let logZA = Double(h) * Foundation.log(2) + baseBias.map(softplus).reduce(0, +)
        // Unnormalised log p_β(v) for each chain (Double accumulation of the weights).
        func logF(_ v: Tensor, _ beta: Double) -> [Double] {
            let visible = v.matmul(((bA * Float(1 - beta)) + bB * Float(beta)).reshaped([d, 1])).scalars
            let hidden = (v.linear(weight: w, bias: c) * Float(beta)).softplus().sum(axis: 1).scalars
            return zip(visible, hidden).map { Double($0) + Double($1) }
        }
        var v = withoutGradient { Tensor.bernoulli(bA.sigmoid().reshaped([1, d]).broadcasted(to: [chains, d]), rng: &rng) }
        var logW = [Double](repeating: 0, count: chains)
        withoutGradient {
            for k in 1..<betas.count {
                let (previous, beta) = (betas[k - 1], betas[k])
                let up = logF(v, beta), down = logF(v, previous)
                for i in 0..<chains { logW[i] += up[i] - down[i] }
                // Gibbs transition that leaves p_β invariant.
                let hidden = Tensor.bernoulli((v.linear(weight: w, bias: c) * Float(beta)).sigmoid(), rng: &rng)
                let field = hidden.matmul(w) * Float(beta) + bA * Float(1 - beta) + bB * Float(beta)
                v = Tensor.bernoulli(field.sigmoid(), rng: &rng)
                progress?.advance(by: 1)
            }
        }
        return summarize(logWeights: logW, logBasePartition: logZA, steps: betas.count - 1)
    }
}

import Foundation

extension RBM {
    /// scikit-learn's `score_samples`: for each image flip one randomly chosen
    /// pixel (v → 1 − v) and return D · log σ(F(v̄) − F(v)), a stochastic
    /// estimate of the pseudo-likelihood Σᵢ log p(vᵢ | v₋ᵢ): [N].
    public func pseudoLikelihood(_ v: Tensor, rng: inout RandomGenerator) -> Tensor {
        let (n, d) = (v.shape[0], v.shape[1])
        var flipped = v.detached()
        flipped.withMutableData { p in
            for i in 0..<n {
                let j = Int(rng.next() % UInt64(d))
                p[i * d + j] = 1 - p[i * d + j]
            }
        }
        return withoutGradient { (freeEnergy(flipped) - freeEnergy(v)).logSigmoid() * Float(d) }
    }

    /// The full pseudo-likelihood Σᵢ log σ(F(v̄ⁱ) − F(v)), every pixel flipped
    /// in turn: [N]. Flipping pixel i by δ = 1 − 2vᵢ changes F by
    /// −bᵢδ − Σⱼ[softplus(aⱼ + δWⱼᵢ) − softplus(aⱼ)] with aⱼ the hidden
    /// pre-activations, so each flip costs O(H) instead of a new free energy.
    public func fullPseudoLikelihood(_ v: Tensor) -> Tensor {
        let (n, d, h) = (v.shape[0], v.shape[1], hiddenCount)
        let pre = withoutGradient { v.linear(weight: weights.value.detached(), bias: hiddenBias.value.detached()) }.scalars
        let w = weights.value.scalars, b = visibleBias.value.scalars, vs = v.scalars
        var out = [Float](repeating: 0, count: n)
        for r in 0..<n {
            let a = pre[(r * h)..<((r + 1) * h)].map(Double.init)
            let baseHidden = a.map(softplus).reduce(0, +)
            var acc = 0.0
            for i in 0..<d {
                let delta = 1 - 2 * Double(vs[r * d + i])
                var flippedHidden = 0.0
                for j in 0..<h { flippedHidden += softplus(a[j] + delta * Double(w[j * d + i])) }
                let energyChange = -Double(b[i]) * delta - (flippedHidden - baseHidden)   // F(v̄) − F(v)
                acc += logSigmoid(energyChange)
            }
            out[r] = Float(acc)
        }
        return Tensor(out)
    }

    /// log p(v) = −F(v) − log Z per image for a given log Z: [N] in Double.
    public func logLikelihood(_ v: Tensor, logPartition: Double) -> [Double] {
        freeEnergy(v).scalars.map { -Double($0) - logPartition }
    }

    /// log Z by exact enumeration over the smaller layer (at most 20 units):
    /// over h, log Z = log Σ_h exp(cᵀh + Σᵢ softplus(bᵢ + (hW)ᵢ)); over v, log Σ_v exp(−F(v)).
    public func exactLogPartition() throws -> Double {
        let (h, d) = (hiddenCount, visibleCount)
        let small = Swift.min(h, d)
        guard small <= 20 else {
            throw LatentError.invalidArgument("exact log Z needs at most 20 hidden or visible units (this RBM has \(h) and \(d)); use AIS")
        }
        let w = weights.value.scalars.map(Double.init), b = visibleBias.value.scalars.map(Double.init), c = hiddenBias.value.scalars.map(Double.init)
        var terms: [Double] = []
        terms.reserveCapacity(1 << small)
        if h <= d {
            for mask in 0..<(1 << h) {
                var t = 0.0
                var field = b
                for j in 0..<h where mask & (1 << j) != 0 {
                    t += c[j]
                    for i in 0..<d { field[i] += w[j * d + i] }
                }
                for i in 0..<d { t += softplus(field[i]) }
                terms.append(t)
            }
        } else {
            for mask in 0..<(1 << d) {
                var t = 0.0
                var field = c
                for i in 0..<d where mask & (1 << i) != 0 {
                    t += b[i]
                    for j in 0..<h { field[j] += w[j * d + i] }
                }
                for j in 0..<h { t += softplus(field[j]) }
                terms.append(t)
            }
        }
        return logSumExp(terms)
    }
}

@inline(__always) func softplus(_ x: Double) -> Double { x > 0 ? x + Foundation.log1p(Foundation.exp(-x)) : Foundation.log1p(Foundation.exp(x)) }
@inline(__always) func logSigmoid(_ x: Double) -> Double { -softplus(-x) }

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

import Foundation
import LatentTensor
import LatentNN

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

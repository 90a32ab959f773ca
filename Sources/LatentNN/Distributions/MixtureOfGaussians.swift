import Foundation
import LatentTensor

/// A mixture of K diagonal Gaussians in L dimensions with mixing logits.
/// `logDensity` evaluates log Σₖ πₖ N(z; μₖ, σₖ²) with log-sum-exp.
///
/// ```swift
/// let logp = MixtureOfGaussians.logDensity(z, means: m, logVariances: v, logits: w)   // [N]
/// ```
public enum MixtureOfGaussians {
    /// z [N, L]; means, logVariances [K, L]; logits [K] → [N].
    public static func logDensity(_ z: Tensor, means: Tensor, logVariances: Tensor, logits: Tensor) -> Tensor {
        componentLogDensities(z, means: means, logVariances: logVariances, logits: logits).logSumExp(axis: 1)
    }

    /// log πₖ + log N(z; μₖ, σₖ²) for every row and component: [N, K].
    public static func componentLogDensities(_ z: Tensor, means: Tensor, logVariances: Tensor, logits: Tensor) -> Tensor {
        let (n, l) = (z.shape[0], z.shape[1])
        let k = means.shape[0]
        precondition(means.shape == [k, l] && logVariances.shape == [k, l] && logits.shape == [k],
                     "mixture: z \(z.shape), means \(means.shape), logVariances \(logVariances.shape), logits \(logits.shape)")
        let d = z.reshaped([n, 1, l]) - means.reshaped([1, k, l])
        let perDim = (d * d) * (-logVariances).exp().reshaped([1, k, l]) + logVariances.reshaped([1, k, l]) + DiagonalGaussian.log2pi
        let logNormal = perDim.sum(axis: 2) * -0.5
        return logNormal + logits.logSoftmax(axis: 0).reshaped([1, k])
    }

    /// `count` draws: a component by its weight, then a Gaussian draw from it.
    public static func sample(_ count: Int, means: Tensor, logVariances: Tensor, logits: Tensor, rng: inout RandomGenerator) -> Tensor {
        let weights = logits.detached().softmax(axis: 0).scalars
        let components = (0..<count).map { _ -> Int in
            let u = rng.nextUniform()
            var acc: Float = 0
            for (i, w) in weights.enumerated() { acc += w; if u < acc { return i } }
            return weights.count - 1
        }
        let m = means.detached().gatherRows(components), v = logVariances.detached().gatherRows(components)
        return DiagonalGaussian.sample(mean: m, logVariance: v, rng: &rng).z
    }
}

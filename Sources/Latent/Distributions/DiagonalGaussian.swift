import Foundation

/// Log-densities and samplers of Gaussians with diagonal covariance, per row:
/// every function takes [N, L] tensors and returns one value per row ([N]).
///
/// ```swift
/// let (z, noise) = DiagonalGaussian.sample(mean: mu, logVariance: logVar, rng: &rng)   // reparameterised
/// let kl = DiagonalGaussian.klToStandardNormal(mean: mu, logVariance: logVar)          // [N], analytic
/// ```
public enum DiagonalGaussian {
    static let log2pi = Float(Foundation.log(2 * Double.pi))

    /// log N(x; μ, diag σ²) summed over the last axis.
    public static func logDensity(_ x: Tensor, mean: Tensor, logVariance: Tensor) -> Tensor {
        let d = x - mean
        return ((d * d) * (-logVariance).exp() + logVariance + log2pi).sum(axis: -1) * -0.5
    }

    /// log N(z; 0, I) summed over the last axis.
    public static func standardLogDensity(_ z: Tensor) -> Tensor {
        ((z * z) + log2pi).sum(axis: -1) * -0.5
    }

    /// z = μ + σ·ε with ε ~ N(0, I) (the reparameterisation trick); returns z and ε.
    public static func sample(mean: Tensor, logVariance: Tensor, rng: inout RandomGenerator) -> (z: Tensor, noise: Tensor) {
        let eps = Tensor.normal(mean.shape, rng: &rng)
        return (mean + (logVariance * 0.5).exp() * eps, eps)
    }

    /// KL(N(μ, σ²) ‖ N(0, I)) = ½ Σ (μ² + σ² - 1 - log σ²), per row.
    public static func klToStandardNormal(mean: Tensor, logVariance: Tensor) -> Tensor {
        (mean * mean + logVariance.exp() - logVariance - 1).sum(axis: -1) * 0.5
    }
}

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

/// Bernoulli likelihood on logits, per row: Σ [x log σ(l) + (1-x) log(1-σ(l))].
public enum BernoulliDistribution {
    public static func logProbability(logits: Tensor, _ x: Tensor) -> Tensor {
        -Loss.binaryCrossEntropyWithLogits(logits, targets: x, reduction: .none).sum(axis: -1)
    }
}

/// Categorical over `levels` values per pixel: logits [N, levels, D], observed
/// levels [N, D] (integers stored as floats) → log-probability per row [N].
public enum CategoricalDistribution {
    public static func logProbability(logits: Tensor, levels: Tensor) -> Tensor {
        logits.logSoftmax(axis: 1).takeAlongAxis1(levels).sum(axis: -1)
    }

    /// The most likely level (or a draw) per pixel: [N, D].
    public static func sample(logits: Tensor, rng: inout RandomGenerator) -> Tensor {
        let (n, k, d) = (logits.shape[0], logits.shape[1], logits.shape[2])
        let p = logits.detached().softmax(axis: 1).scalars
        var out = [Float](repeating: 0, count: n * d)
        for i in 0..<n { for j in 0..<d {
            let u = rng.nextUniform()
            var acc: Float = 0
            var level = k - 1
            for c in 0..<k { acc += p[(i * k + c) * d + j]; if u < acc { level = c; break } }
            out[i * d + j] = Float(level)
        } }
        return Tensor(out, shape: [n, d])
    }
}

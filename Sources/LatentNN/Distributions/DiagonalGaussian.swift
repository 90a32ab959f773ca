import Foundation
import LatentTensor

/// Log-densities and samplers of Gaussians with diagonal covariance, per row:
/// every function takes [N, L] tensors and returns one value per row ([N]).
///
/// ```swift
/// let (z, noise) = DiagonalGaussian.sample(mean: mu, logVariance: logVar, rng: &rng)   // reparameterised
/// let kl = DiagonalGaussian.klToStandardNormal(mean: mu, logVariance: logVar)          // [N], analytic
/// ```
public enum DiagonalGaussian {
    package static let log2pi = Float(Foundation.log(2 * Double.pi))

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
        let eps = DataParallel.normal(mean.shape, rng: &rng)   // Tensor.normal, or this rank's rows of the global batch's draws
        return (mean + (logVariance * 0.5).exp() * eps, eps)
    }

    /// KL(N(μ, σ²) ‖ N(0, I)) = ½ Σ (μ² + σ² - 1 - log σ²), per row.
    public static func klToStandardNormal(mean: Tensor, logVariance: Tensor) -> Tensor {
        (mean * mean + logVariance.exp() - logVariance - 1).sum(axis: -1) * 0.5
    }
}

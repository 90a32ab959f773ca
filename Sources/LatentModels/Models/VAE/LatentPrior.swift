import Foundation
import LatentTensor
import LatentNN
import LatentData

/// The prior p(z) of a VAE as a module: nothing to learn for the standard
/// normal; means, log-variances and mixing logits for a mixture of Gaussians;
/// K pseudo-inputs for the VampPrior, whose density is the average of the
/// encoder's posteriors at those inputs.
public final class LatentPrior: Module {
    public let kind: PriorKind
    /// Mixture: component means [K, L], log-variances [K, L], mixing logits [K].
    public let means: Parameter?
    public let logVariances: Parameter?
    public let logits: Parameter?
    /// VampPrior: pseudo-inputs [K, C·H·W], kept inside the data range.
    public let pseudoInputs: Parameter?
    let dataRange: PixelRange

    public init(_ a: VAEArchitecture, dataRange: PixelRange, rng: inout RandomGenerator) {
        kind = a.prior
        self.dataRange = dataRange
        let (k, l) = (a.components, a.latent)
        switch a.prior {
        case .standard:
            means = nil; logVariances = nil; logits = nil; pseudoInputs = nil
        case .mog:
            // Spread-out means so the components start distinct; unit variances; equal weights.
            means = Parameter(Tensor.normal([k, l], rng: &rng))
            logVariances = Parameter(Tensor.zeros([k, l]))
            logits = Parameter(Tensor.zeros([k]))
            pseudoInputs = nil
        case .vamp:
            means = nil; logVariances = nil; logits = nil
            pseudoInputs = Parameter(Tensor.uniform([k, a.pixelCount], low: dataRange.bounds.low, high: dataRange.bounds.high, rng: &rng))
        }
        super.init()
    }

    /// The pseudo-inputs clamped into the data range (gradient stops at the edges).
    func clampedPseudoInputs() -> Tensor {
        pseudoInputs!.value.clamped(min: dataRange.bounds.low, max: dataRange.bounds.high)
    }

    /// log p(z) per row [N]. `encoder` is needed by the VampPrior.
    public func logDensity(_ z: Tensor, encoder: (Tensor) -> (mean: Tensor, logVariance: Tensor)) -> Tensor {
        switch kind {
        case .standard:
            return DiagonalGaussian.standardLogDensity(z)
        case .mog:
            return MixtureOfGaussians.logDensity(z, means: means!.value, logVariances: logVariances!.value, logits: logits!.value)
        case .vamp:
            let (m, v) = encoder(clampedPseudoInputs())
            return MixtureOfGaussians.logDensity(z, means: m, logVariances: v, logits: Tensor.zeros([m.shape[0]]))
        }
    }

    /// `count` draws from the prior.
    public func sample(_ count: Int, latent: Int, encoder: (Tensor) -> (mean: Tensor, logVariance: Tensor),
                       rng: inout RandomGenerator) -> Tensor {
        switch kind {
        case .standard:
            return Tensor.normal([count, latent], rng: &rng)
        case .mog:
            return MixtureOfGaussians.sample(count, means: means!.value, logVariances: logVariances!.value, logits: logits!.value, rng: &rng)
        case .vamp:
            let (m, v) = encoder(clampedPseudoInputs())
            return MixtureOfGaussians.sample(count, means: m, logVariances: v, logits: Tensor.zeros([m.shape[0]]), rng: &rng)
        }
    }
}

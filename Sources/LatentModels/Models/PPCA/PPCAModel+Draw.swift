import Foundation
import LatentTensor

/// `--draw` for probabilistic PCA: its p(x | z) is the Gaussian N(W z + μ, σ² I)
/// with the fitted noise variance σ², so a draw adds σ ε to the mean image.
/// Draws are not clipped here (P-PCA's Gaussian lives on all of ℝᴰ); pictures clip them.
extension PPCAModel: LatentPixelDrawingModel {
    public var pixelDistribution: String {
        guard let fitted else { return "Gaussian per pixel (not fitted yet)" }
        return String(format: "Gaussian per pixel, σ = %.4g (fitted)", fitted.noiseVariance.squareRoot())
    }

    public func drawSamples(_ count: Int, classes: [Int]?, rng: inout RandomGenerator) throws -> Tensor {
        try drawDecoded(Tensor.normal([count, latent], rng: &rng), labels: nil, rng: &rng)
    }

    /// z = the posterior mean E[z | x] (as `reconstruct`), then x ~ N(W z + μ, σ² I).
    public func drawReconstructions(_ images: Tensor, labels: [Int], rng: inout RandomGenerator) throws -> Tensor {
        try drawDecoded(try model().posteriorMean(images), labels: nil, rng: &rng)
    }

    public func drawDecoded(_ codes: Tensor, labels: [Int]?, rng: inout RandomGenerator) throws -> Tensor {
        let m = try model()
        let mean = m.decode(codes)
        return mean + Tensor.normal(mean.shape, std: Float(m.noiseVariance.squareRoot()), rng: &rng)
    }
}

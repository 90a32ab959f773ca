import LatentTensor

/// Models whose pictures are the mean of a per-pixel distribution p(x | z) and
/// that can also draw the pixels: x ~ p(x | z) instead of E[x | z]. This is what
/// `latent sample|reconstruct|interpolate --draw` call; the mean stays the default.
///
/// What a draw is, by family:
/// - `vae`, `conv-vae`, `ae`, `conv-ae`: the decoder's `PixelLikelihood` — Bernoulli
///   (BCE: binary pixels), Gaussian with the fixed σ of `--gaussian-std` (the σ
///   the loss assumed; for an AE that loss is MSE scaled by 1/2σ²), Gaussian with
///   the learned per-pixel σ, or one of 256 gray levels (categorical).
/// - `ppca`: Gaussian, x = W z + μ + σ ε with the fitted noise variance σ².
/// - `rbm`, `dbm`: binary visible states v ~ p(v | h), Bernoulli per pixel given
///   the last hidden state (their default pictures are p(v = 1 | h)).
/// - `gan`, `dcgan` have no p(x | z) — their samples already are draws x = G(z) —
///   and refuse `--draw` in one line.
///
/// Codes stay what the mean pictures use (z ~ p(z) for samples, the posterior
/// mean for reconstructions, the walked codes for interpolations): only the
/// pixels are drawn. Draws are in the data's pixel range (Gaussian draws are
/// clipped to it: pixels outside it cannot be stored or shown).
///
/// ```swift
/// if let drawing = model as? any PixelDrawingModel {
///     var rng = RandomGenerator(seed: 1)
///     let pixels = try drawing.drawSamples(16, classes: nil, rng: &rng)   // [16, C·H·W]
///     print(drawing.pixelDistribution)                                  // "Bernoulli per pixel"
/// }
/// ```
public protocol PixelDrawingModel: TrainableModel {
    /// The distribution a drawn pixel comes from, in a few words ("Gaussian per pixel, σ = 0.1").
    var pixelDistribution: String { get }
    /// `count` images x ~ p(x | z) with z drawn as `sample` draws it; `classes` for conditional models.
    func drawSamples(_ count: Int, classes: [Int]?, rng: inout RandomGenerator) throws -> Tensor
    /// x ~ p(x | z) for the z that `reconstruct` decodes from `images` (RBM/DBM: a drawn hidden state).
    func drawReconstructions(_ images: Tensor, labels: [Int], rng: inout RandomGenerator) throws -> Tensor
}

/// Pixel-drawing models with codes: x ~ p(x | z) for given codes z (interpolations).
public protocol LatentPixelDrawingModel: PixelDrawingModel, LatentSpaceModel {
    /// x ~ p(x | z) for codes [N, latentSize]; conditional models need `labels`.
    func drawDecoded(_ codes: Tensor, labels: [Int]?, rng: inout RandomGenerator) throws -> Tensor
}

/// Pixel-drawing models sampled by Gibbs chains (RBM, DBM): binary visible states after the chain.
public protocol GibbsPixelDrawingModel: PixelDrawingModel, GibbsSamplingModel {
    /// Binary visible states v ~ p(v | h) after `gibbsSteps` steps (from `start` or noise), [N, D].
    func drawSamples(_ count: Int, gibbsSteps: Int, from start: Tensor?, rng: inout RandomGenerator) -> Tensor
}

import Foundation

/// A variational autoencoder with MLP encoder and decoder, a diagonal
/// Gaussian posterior, a standard normal prior and a Bernoulli likelihood on
/// logits — workload W1 of our benchmarks (784-512-256-(2×20) / 20-256-512-784).
///
/// ```swift
/// var rng = RandomGenerator(seed: 0)
/// let vae = MLPVAE(inputSize: 784, hidden: [512, 256], latent: 20, rng: &rng)
/// let terms = vae.negativeELBO(batch, rng: &rng)   // nats per image
/// terms.loss.backward()
/// ```
public final class MLPVAE: Module {
    public let encoder: Sequential
    public let decoder: Sequential
    public let latentSize: Int

    public init(inputSize: Int, hidden: [Int], latent: Int, rng: inout RandomGenerator) {
        latentSize = latent
        encoder = MLPVAE.mlp([inputSize] + hidden + [2 * latent], rng: &rng)
        decoder = MLPVAE.mlp([latent] + hidden.reversed() + [inputSize], rng: &rng)
        super.init()
    }

    /// Linear layers of the given widths with ReLU between them (none after the last).
    static func mlp(_ widths: [Int], rng: inout RandomGenerator) -> Sequential {
        var layers: [any Layer] = []
        for i in 0..<(widths.count - 1) {
            layers.append(Linear(widths[i], widths[i + 1], rng: &rng))
            if i < widths.count - 2 { layers.append(ReLU()) }
        }
        return Sequential(layers)
    }

    /// Posterior mean and log-variance, each [N, latent].
    public func encode(_ x: Tensor) -> (mean: Tensor, logVariance: Tensor) {
        let h = encoder(x)
        return (h.narrow(axis: 1, start: 0, length: latentSize), h.narrow(axis: 1, start: latentSize, length: latentSize))
    }

    /// Bernoulli logits of the pixels for latent codes z [N, latent].
    public func decode(_ z: Tensor) -> Tensor { decoder(z) }

    /// The negative ELBO and its two parts, averaged over the batch (nats per
    /// image), with one reparameterised sample z = μ + σ·ε per image.
    public func negativeELBO(_ x: Tensor, rng: inout RandomGenerator) -> (loss: Tensor, reconstruction: Tensor, kl: Tensor) {
        let (mean, logVariance) = encode(x)
        let noise = Tensor.normal(mean.shape, rng: &rng)
        let z = mean + (logVariance * 0.5).exp() * noise
        let reconstruction = Loss.binaryCrossEntropyWithLogits(decode(z), targets: x, reduction: .sumPerExample)
        // KL(N(μ, σ²) ‖ N(0, I)) = ½ Σ (μ² + σ² - 1 - log σ²).
        let klTerms = mean * mean + logVariance.exp() - logVariance - 1
        let kl = klTerms.sum().scaled(by: 0.5 / Float(x.shape[0]))
        return (reconstruction + kl, reconstruction, kl)
    }
}

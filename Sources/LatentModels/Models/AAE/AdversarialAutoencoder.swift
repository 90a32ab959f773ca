import Foundation
import LatentTensor
import LatentNN
import LatentData

/// An adversarial autoencoder (Makhzani, Shlens, Jaitly, Goodfellow & Frey
/// 2016), the paper's basic form with a deterministic encoder: the VAE's
/// encoder and decoder trained on reconstruction, and, instead of a KL term, a
/// discriminator D(z) on the codes that tells prior samples z ~ p(z) from codes
/// E(x); the encoder, as D's generator, learns to fool it, so the codes'
/// aggregate distribution q(z) = E_x[δ(z − E(x))] approaches p(z). Each batch
/// has two phases with three optimizers:
///
/// 1. reconstruction: encoder and decoder minimise −log p(x | z = E(x));
/// 2. regularisation: D minimises BCE(D(z_prior), 1) + BCE(D(E(x)), 0) with the
///    codes detached, then the encoder minimises the non-saturating
///    BCE(D(E(x)), 1) with D frozen.
///
/// ```swift
/// let aae = try AdversarialAutoencoder(architecture, dataRange: .unit, prior: try CodePrior(.gaussian, latent: 2),
///                                      discriminatorHidden: [64, 64], reconstruction: OptimizerOptions(),
///                                      regularisationLearningRate: 2e-4, rng: &rng)
/// let r = aae.reconstructionStep(batch)
/// let d = aae.discriminatorStep(batch, rng: &rng)
/// let g = aae.generatorStep(batch)
/// ```
public final class AdversarialAutoencoder {
    /// Encoder, decoder and discriminator, named as in checkpoints ("encoder.…", "decoder.…", "discriminator.…").
    final class Network: Module {
        let encoder: Encoder, decoder: Decoder, discriminator: Sequential
        init(_ e: Encoder, _ d: Decoder, _ disc: Sequential) { encoder = e; decoder = d; discriminator = disc }
    }

    public let encoder: Encoder
    public let decoder: Decoder
    /// D(z): codes [N, latent] → logits [N, 1].
    public let discriminator: Sequential
    public let pixels: PixelLikelihood
    public let prior: CodePrior
    /// Encoder and decoder, on the reconstruction loss.
    public let reconstructionOptimizer: any Optimizer
    /// The discriminator (Adam, β₁ = 0.5).
    public let discriminatorOptimizer: Adam
    /// The encoder as D's generator (Adam, β₁ = 0.5).
    public let generatorOptimizer: Adam
    let reconstructionOptions: OptimizerOptions
    let discriminatorParameters: [Parameter]
    let network: Network

    public init(_ architecture: VAEArchitecture, dataRange: PixelRange, prior: CodePrior, discriminatorHidden: [Int],
                reconstruction: OptimizerOptions, regularisationLearningRate: Float, rng: inout RandomGenerator) throws {
        guard prior.latent == architecture.latent else {
            throw LatentError.invalidArgument("the prior has \(prior.latent) dimensions but the code \(architecture.latent)")
        }
        encoder = Encoder(architecture, outputs: architecture.latent, rng: &rng)
        decoder = Decoder(architecture, rng: &rng)
        discriminator = Self.discriminator(latent: architecture.latent, hidden: discriminatorHidden, rng: &rng)
        pixels = PixelLikelihood(architecture, dataRange: dataRange)
        self.prior = prior
        network = Network(encoder, decoder, discriminator)
        reconstructionOptions = reconstruction
        reconstructionOptimizer = reconstruction.make(encoder.parameters() + decoder.parameters())
        discriminatorParameters = discriminator.parameters()
        discriminatorOptimizer = Adam(discriminatorParameters, learningRate: regularisationLearningRate, beta1: 0.5, beta2: 0.999)
        generatorOptimizer = Adam(encoder.parameters(), learningRate: regularisationLearningRate, beta1: 0.5, beta2: 0.999)
    }

    /// D: latent → hidden… (ReLU) → 1 logit, PyTorch's default initialisation.
    public static func discriminator(latent: Int, hidden: [Int], rng: inout RandomGenerator) -> Sequential {
        var layers: [any Layer] = []
        var width = latent
        for h in hidden {
            layers += [Linear(width, h, rng: &rng), ReLU()]
            width = h
        }
        layers.append(Linear(width, 1, rng: &rng))
        return Sequential(layers)
    }

    public var latentSize: Int { prior.latent }

    /// −log p(x | z = E(x)) averaged over the rows of `x`.
    public func reconstructionLoss(_ x: Tensor) -> Tensor {
        -pixels.logProbability(decoder(encoder(x)), x).sum() / Float(x.shape[0])
    }

    /// Phase 1: one step of encoder and decoder on the reconstruction loss; returns it (nats per image).
    @discardableResult
    public func reconstructionStep(_ x: Tensor) -> Float {
        let loss = reconstructionLoss(x)
        reconstructionOptimizer.zeroGrad()
        loss.backward()
        reconstructionOptions.clip(reconstructionOptimizer.parameters)
        reconstructionOptimizer.step()
        return loss.item
    }

    /// What one discriminator step saw.
    public struct DiscriminatorStats: Sendable {
        /// BCE(D(z_prior), 1) + BCE(D(E(x)), 0), each a batch mean: 2 ln 2 ≈ 1.386 when D says ½ everywhere.
        public let loss: Float
        /// Mean D(z) (a probability) on the prior samples and on the codes.
        public let priorProbability: Float, codeProbability: Float
    }

    /// Phase 2a: one step of D on as many prior samples as `x` has rows against the codes E(x) (detached).
    @discardableResult
    public func discriminatorStep(_ x: Tensor, rng: inout RandomGenerator) -> DiscriminatorStats {
        let codes = withoutGradient { encoder(x) }
        let samples = prior.sample(x.shape[0], rng: &rng)
        let priorLogits = discriminator(samples), codeLogits = discriminator(codes)
        let l = GAN.discriminatorLoss(realLogits: priorLogits, fakeLogits: codeLogits)
        discriminatorOptimizer.zeroGrad()
        l.total.backward()
        discriminatorOptimizer.step()
        return DiscriminatorStats(loss: l.total.item, priorProbability: priorLogits.detached().sigmoid().mean().item,
                                  codeProbability: codeLogits.detached().sigmoid().mean().item)
    }

    /// Phase 2b: one step of the encoder as D's generator, −log D(E(x)) (non-saturating), with D frozen.
    @discardableResult
    public func generatorStep(_ x: Tensor) -> Float {
        for p in discriminatorParameters { p.isFrozen = true }
        defer { for p in discriminatorParameters { p.isFrozen = false } }
        let loss = GAN.generatorLoss(fakeLogits: discriminator(encoder(x)), kind: .nonSaturating)
        generatorOptimizer.zeroGrad()
        loss.backward()
        generatorOptimizer.step()
        return loss.item
    }

    /// Codes E(x) of the rows of `x`, without a graph.
    public func encode(_ x: Tensor) -> Tensor { withoutGradient { encoder(x) } }

    /// The mean images of codes z, without a graph.
    public func decodeMean(_ z: Tensor) -> Tensor { withoutGradient { pixels.mean(decoder(z)) } }
}

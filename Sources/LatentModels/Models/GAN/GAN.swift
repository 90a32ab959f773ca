import Foundation
import LatentTensor
import LatentNN

/// The generator loss of a GAN.
public enum GeneratorLoss: String, Codable, Sendable, CaseIterable {
    /// −log D(G(z)): strong gradients while D rejects the samples (Goodfellow et al.'s practical choice).
    case nonSaturating = "non-saturating"
    /// log(1 − D(G(z))): the original minimax objective, whose gradient vanishes when D wins.
    case minimax
}

/// A generative adversarial network: a generator G(z) into the data range
/// [−1, 1], a discriminator D(x) giving logits, each with its own Adam.
/// D's loss is the sum of its real and fake BCE terms; G's loss is the
/// non-saturating or minimax form. While G steps, D is frozen, so no
/// gradient is computed for it; while D steps, G's samples are detached.
///
/// ```swift
/// let gan = GAN(generator: g, discriminator: d, latent: 20, learningRate: 1e-3)
/// let dStats = gan.discriminatorStep(realBatch, rng: &rng)
/// let gLoss = gan.generatorStep(batchSize: 512, rng: &rng)
/// ```
public final class GAN {
    public let generator: Sequential
    public let discriminator: Sequential
    public let latentSize: Int
    public let generatorOptimizer: Adam
    public let discriminatorOptimizer: Adam
    public var loss: GeneratorLoss
    /// One-sided label smoothing: real images get the label 1 − s.
    public var labelSmoothing: Float
    let discriminatorParameters: [Parameter]

    public init(generator: Sequential, discriminator: Sequential, latent: Int, learningRate: Float,
                discriminatorLearningRate: Float? = nil, loss: GeneratorLoss = .nonSaturating, labelSmoothing: Float = 0) {
        self.generator = generator
        self.discriminator = discriminator
        latentSize = latent
        discriminatorParameters = discriminator.parameters()
        generatorOptimizer = Adam(generator.parameters(), learningRate: learningRate, beta1: 0.5, beta2: 0.999)
        discriminatorOptimizer = Adam(discriminatorParameters, learningRate: discriminatorLearningRate ?? learningRate, beta1: 0.5, beta2: 0.999)
        self.loss = loss
        self.labelSmoothing = labelSmoothing
    }

    /// What one discriminator step saw.
    public struct DiscriminatorStats: Sendable {
        /// `loss` is the sum `realLoss + fakeLoss` (not their mean): 2 ln 2 ≈ 1.386 when D outputs ½ on both batches.
        public let loss: Float, realLoss: Float, fakeLoss: Float
        /// Mean D(x) on the real batch and mean D(G(z)) on the fake one (probabilities).
        public let realProbability: Float, fakeProbability: Float
    }

    /// D's loss on real and fake batches: BCE(D(x), 1 − s) + BCE(D(G(z)), 0), each a batch mean; `total` is
    /// their sum (reported as `d_loss`), not their average.
    public static func discriminatorLoss(realLogits: Tensor, fakeLogits: Tensor, labelSmoothing: Float = 0) -> (total: Tensor, real: Tensor, fake: Tensor) {
        let real = Loss.binaryCrossEntropyWithLogits(realLogits, targets: Tensor.full(realLogits.shape, 1 - labelSmoothing))
        let fake = Loss.binaryCrossEntropyWithLogits(fakeLogits, targets: Tensor.zeros(fakeLogits.shape))
        return (real + fake, real, fake)
    }

    /// G's loss on D's logits for fresh samples.
    public static func generatorLoss(fakeLogits: Tensor, kind: GeneratorLoss) -> Tensor {
        switch kind {
        case .nonSaturating: return Loss.binaryCrossEntropyWithLogits(fakeLogits, targets: Tensor.ones(fakeLogits.shape))
        // mean log(1 − σ(l)) = −mean softplus(l) = −BCE(l, 0)
        case .minimax: return -Loss.binaryCrossEntropyWithLogits(fakeLogits, targets: Tensor.zeros(fakeLogits.shape))
        }
    }

    /// `count` samples G(z) with z ~ N(0, I), and the z used.
    public func generate(_ count: Int, rng: inout RandomGenerator) -> (images: Tensor, codes: Tensor) {
        let z = Tensor.normal([count, latentSize], rng: &rng)
        return (generator(z), z)
    }

    /// One update of D on `real` ([B, D] in [−1, 1]) against as many fresh fakes.
    @discardableResult
    public func discriminatorStep(_ real: Tensor, rng: inout RandomGenerator) -> DiscriminatorStats {
        let fake = withoutGradient { generate(real.shape[0], rng: &rng).images }
        let realLogits = discriminator(real), fakeLogits = discriminator(fake)
        let l = GAN.discriminatorLoss(realLogits: realLogits, fakeLogits: fakeLogits, labelSmoothing: labelSmoothing)
        discriminatorOptimizer.zeroGrad()
        l.total.backward()
        discriminatorOptimizer.step()
        return DiscriminatorStats(loss: l.total.item, realLoss: l.real.item, fakeLoss: l.fake.item,
                                  realProbability: realLogits.detached().sigmoid().mean().item,
                                  fakeProbability: fakeLogits.detached().sigmoid().mean().item)
    }

    /// One update of G on `batchSize` fresh samples, with D frozen.
    @discardableResult
    public func generatorStep(batchSize: Int, rng: inout RandomGenerator) -> Float {
        for p in discriminatorParameters { p.isFrozen = true }
        defer { for p in discriminatorParameters { p.isFrozen = false } }
        let fakeLogits = discriminator(generate(batchSize, rng: &rng).images)
        let l = GAN.generatorLoss(fakeLogits: fakeLogits, kind: loss)
        generatorOptimizer.zeroGrad()
        l.backward()
        generatorOptimizer.step()
        return l.item
    }
}

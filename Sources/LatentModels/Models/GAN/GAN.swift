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
///
/// The variants (`GANConditioning`, `GANVariant`) feed G codes beside z and
/// give D the class (conditional) or an auxiliary head on its last hidden
/// features (AC-GAN's classes, InfoGAN's Q); the plain GAN runs exactly the
/// steps it ran before variants existed.
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
    /// What G sees beside z and how D sees labels (plain: nothing).
    public let conditioning: GANConditioning
    /// D's auxiliary head on its last hidden features: AC-GAN's class logits or InfoGAN's Q; the projection
    /// discriminator's class embedding (one-hot class → φ's width); nil otherwise. Trained by D's optimizer.
    public let auxiliary: Sequential?
    let discriminatorParameters: [Parameter]

    /// `generator` takes `latent + conditioning.generatorCodes` inputs; `auxiliary` (needed when
    /// `conditioning.auxiliaryOutputs > 0`) maps the input of D's last layer to those outputs.
    public init(generator: Sequential, discriminator: Sequential, latent: Int, learningRate: Float,
                discriminatorLearningRate: Float? = nil, loss: GeneratorLoss = .nonSaturating, labelSmoothing: Float = 0,
                conditioning: GANConditioning = GANConditioning(), auxiliary: Sequential? = nil) {
        precondition((conditioning.auxiliaryOutputs > 0 || conditioning.projection) == (auxiliary != nil),
                     "an auxiliary head exactly for AC-GAN, InfoGAN and the projection discriminator")
        self.generator = generator
        self.discriminator = discriminator
        self.conditioning = conditioning
        self.auxiliary = auxiliary
        latentSize = latent
        discriminatorParameters = discriminator.parameters() + (auxiliary?.parameters() ?? [])
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
        /// AC-GAN: the class cross-entropy on the real batch and the accuracy of D's class head there.
        public var classLoss: Float? = nil, classAccuracy: Float? = nil
        /// InfoGAN: L_I on the fake batch (categorical CE + ½(c − μ)² summed over the continuous codes).
        public var infoLoss: Float? = nil
    }

    /// What one generator step saw.
    public struct GeneratorStats: Sendable {
        /// The adversarial loss (non-saturating or minimax), as `g_loss` has always been.
        public let loss: Float
        /// AC-GAN: the class cross-entropy of G's samples under D's class head.
        public var classLoss: Float? = nil
        /// InfoGAN: L_I of G's samples, and how often Q's categorical guess is the code they were drawn with.
        public var infoLoss: Float? = nil, codeAccuracy: Float? = nil
    }

    /// InfoGAN's L_I for Q's outputs [N, K + C] (K categorical logits, then C means) and the codes drawn:
    /// the categorical cross-entropy plus the Gaussian NLL with σ = 1 without its constant,
    /// ½ Σ_c (c − μ)², both batch means.
    public static func infoLoss(_ q: Tensor, codes: GANCodes, categorical k: Int) -> Tensor {
        let ce = Loss.crossEntropy(q.narrow(axis: 1, start: 0, length: k), labels: codes.labels)
        guard let c = codes.continuous, c.shape[1] > 0 else { return ce }
        let mean = q.narrow(axis: 1, start: k, length: c.shape[1])
        return ce + (c - mean).pow(2).sum(axis: 1).mean() * 0.5
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

    /// `count` samples G(z) with z ~ N(0, I), and the z used. Variants also draw
    /// their codes at random (`drawCodes`).
    public func generate(_ count: Int, rng: inout RandomGenerator) -> (images: Tensor, codes: Tensor) {
        let z = Tensor.normal([count, latentSize], rng: &rng)
        guard conditioning.variant != .plain else { return (generator(z), z) }
        return (generate(noise: z, codes: drawCodes(count, rng: &rng)), z)
    }

    /// Random codes for `count` samples: uniform classes or categorical values, InfoGAN's continuous codes ~ U(−1, 1).
    public func drawCodes(_ count: Int, rng: inout RandomGenerator) -> GANCodes {
        guard conditioning.variant != .plain else { return GANCodes(labels: []) }
        let k = UInt64(conditioning.classes)
        let labels = (0..<count).map { _ in Int(rng.next() % k) }
        let continuous = conditioning.variant == .infogan && conditioning.continuous > 0
            ? Tensor.uniform([count, conditioning.continuous], low: -1, high: 1, rng: &rng) : nil
        return GANCodes(labels: labels, continuous: continuous)
    }

    /// G on noise `z` [N, latent] with `codes` beside it (one-hot class or categorical value, then continuous codes).
    public func generate(noise z: Tensor, codes: GANCodes) -> Tensor {
        guard conditioning.variant != .plain else { return generator(z) }
        var parts = [z, Tensor.oneHot(codes.labels, classes: conditioning.classes)]
        if let c = codes.continuous { parts.append(c) }
        return generator(Tensor.concatenate(parts, axis: 1))
    }

    /// D's logits for `x`, and its auxiliary head's outputs (AC-GAN, InfoGAN). `labels` are used by the conditional D.
    public func discriminate(_ x: Tensor, labels: [Int]) -> (logits: Tensor, auxiliary: Tensor?) {
        let c = conditioning
        if c.variant == .plain { return (discriminator(x), nil) }
        if c.variant == .conditional && !c.projection {
            return (discriminator(Tensor.concatenate([x, c.labelInputs(labels)], axis: 1)), nil)
        }
        var h = x
        for layer in discriminator.layers.dropLast() { h = layer(h) }
        if c.projection, let embed = auxiliary {
            // ψ(φ(x)) + embed(y)·φ(x)
            let projected = (embed(Tensor.oneHot(labels, classes: c.classes)) * h).sum(axis: 1, keepDims: true)
            return (discriminator.layers.last!(h) + projected, nil)
        }
        return (discriminator.layers.last!(h), auxiliary.map { $0(h) })
    }

    /// One update of D on `real` ([B, D] in [−1, 1]) against as many fresh fakes; `labels`
    /// are the real images' classes (conditional, AC-GAN).
    @discardableResult
    public func discriminatorStep(_ real: Tensor, labels: [Int] = [], rng: inout RandomGenerator) -> DiscriminatorStats {
        guard conditioning.variant == .plain else { return variantDiscriminatorStep(real, labels: labels, rng: &rng) }
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

    /// One update of G on `batchSize` fresh samples, with D frozen; returns G's adversarial loss.
    @discardableResult
    public func generatorStep(batchSize: Int, rng: inout RandomGenerator) -> Float {
        guard conditioning.variant == .plain else { return variantGeneratorStep(batchSize: batchSize, rng: &rng).loss }
        for p in discriminatorParameters { p.isFrozen = true }
        defer { for p in discriminatorParameters { p.isFrozen = false } }
        let fakeLogits = discriminator(generate(batchSize, rng: &rng).images)
        let l = GAN.generatorLoss(fakeLogits: fakeLogits, kind: loss)
        generatorOptimizer.zeroGrad()
        l.backward()
        generatorOptimizer.step()
        return l.item
    }

    /// One update of G with every statistic of the step (the plain GAN reports its loss alone).
    public func generatorStepStats(batchSize: Int, rng: inout RandomGenerator) -> GeneratorStats {
        conditioning.variant == .plain ? GeneratorStats(loss: generatorStep(batchSize: batchSize, rng: &rng))
                                       : variantGeneratorStep(batchSize: batchSize, rng: &rng)
    }

    func variantDiscriminatorStep(_ real: Tensor, labels: [Int], rng: inout RandomGenerator) -> DiscriminatorStats {
        let c = conditioning
        if c.variant.needsLabels { precondition(labels.count == real.shape[0], "the \(c.variant.rawValue) GAN needs a label per real image") }
        let z = Tensor.normal([real.shape[0], latentSize], rng: &rng)
        let codes = drawCodes(real.shape[0], rng: &rng)
        let fake = withoutGradient { generate(noise: z, codes: codes) }
        let (realLogits, realAux) = discriminate(real, labels: labels)
        let (fakeLogits, fakeAux) = discriminate(fake, labels: codes.labels)
        let l = GAN.discriminatorLoss(realLogits: realLogits, fakeLogits: fakeLogits, labelSmoothing: labelSmoothing)
        var total = l.total
        var classLoss: Tensor?, classAccuracy: Float?, info: Tensor?
        switch c.variant {
        case .acgan:
            let realClass = Loss.crossEntropy(realAux!, labels: labels)
            total = total + realClass + Loss.crossEntropy(fakeAux!, labels: codes.labels)
            classLoss = realClass
            classAccuracy = GAN.accuracy(realAux!, labels)
        case .infogan:
            info = GAN.infoLoss(fakeAux!, codes: codes, categorical: c.classes)
            total = total + info! * c.infoWeight
        case .plain, .conditional: break
        }
        discriminatorOptimizer.zeroGrad()
        total.backward()
        discriminatorOptimizer.step()
        return DiscriminatorStats(loss: l.total.item, realLoss: l.real.item, fakeLoss: l.fake.item,
                                  realProbability: realLogits.detached().sigmoid().mean().item,
                                  fakeProbability: fakeLogits.detached().sigmoid().mean().item,
                                  classLoss: classLoss?.item, classAccuracy: classAccuracy, infoLoss: info?.item)
    }

    func variantGeneratorStep(batchSize: Int, rng: inout RandomGenerator) -> GeneratorStats {
        for p in discriminatorParameters { p.isFrozen = true }
        defer { for p in discriminatorParameters { p.isFrozen = false } }
        let z = Tensor.normal([batchSize, latentSize], rng: &rng)
        let codes = drawCodes(batchSize, rng: &rng)
        let (logits, aux) = discriminate(generate(noise: z, codes: codes), labels: codes.labels)
        let adversarial = GAN.generatorLoss(fakeLogits: logits, kind: loss)
        var total = adversarial
        var stats = GeneratorStats(loss: 0)
        switch conditioning.variant {
        case .acgan:
            let classLoss = Loss.crossEntropy(aux!, labels: codes.labels)
            total = total + classLoss
            stats.classLoss = classLoss.item
        case .infogan:
            let info = GAN.infoLoss(aux!, codes: codes, categorical: conditioning.classes)
            total = total + info * conditioning.infoWeight
            stats.infoLoss = info.item
            stats.codeAccuracy = GAN.accuracy(aux!.narrow(axis: 1, start: 0, length: conditioning.classes), codes.labels)
        case .plain, .conditional: break
        }
        generatorOptimizer.zeroGrad()
        total.backward()
        generatorOptimizer.step()
        return GeneratorStats(loss: adversarial.item, classLoss: stats.classLoss, infoLoss: stats.infoLoss, codeAccuracy: stats.codeAccuracy)
    }

    /// The share of rows of `logits` [N, K] whose largest entry is at their label.
    static func accuracy(_ logits: Tensor, _ labels: [Int]) -> Float {
        let guesses = logits.detached().argmax(axis: 1).scalars
        return Float(zip(guesses, labels).filter { Int($0.0) == $0.1 }.count) / Float(Swift.max(labels.count, 1))
    }
}

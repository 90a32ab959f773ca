import Foundation
import LatentTensor
import LatentNN
import LatentData

/// The `gan` family: the MLP GAN of workload W4. Options: `GANOptions`.
/// Adam with β₁ = 0.5 for both networks. Data default to [−1, 1].
/// `--variant` trains a conditional GAN, an AC-GAN or an InfoGAN instead
/// (`GANVariant`); the conditional ones draw a class per row of a sample grid
/// (`ConditionalSamplingModel`), the InfoGAN has codes to traverse (`CodeTraversalModel`).
public class GANModel: TrainableModel, SamplingModel, LatentSpaceModel, DiagnosingModel, ConditionalSamplingModel, CodeTraversalModel {
    public class var family: String { "gan" }
    public class var summary: String { "Generative adversarial network with MLP generator and discriminator (workload W4)." }
    public class var defaultOptions: GANOptions { GANOptions() }
    public class var optionSpecs: [OptionSpec<GANOptions>] { GANOptions.specs(mlp: true) }
    public static var defaultScale: DataOptions.Scale { .symmetric }
    public static var defaultEpochs: Int { 20 }
    public static var primaryMetric: String { "g_loss" }

    public let gan: GAN
    let discriminatorSteps: Int
    public var variant: GANVariant { gan.conditioning.variant }
    var realSpread = RunningMean()

    public required init(options: GANOptions, context: ModelContext, rng: inout RandomGenerator) throws {
        try Self.check(options)
        guard context.pixelRange == .symmetric else {
            throw LatentError.invalidArgument("\(Self.family): the generator's tanh outputs [−1, 1]; train on --scale symmetric (the default for GANs)")
        }
        discriminatorSteps = options.discriminatorSteps
        let conditioning = try Self.conditioning(options, context: context)
        let (g, d) = try Self.networks(options, context: context, conditioning: conditioning, rng: &rng)
        var auxiliary: Sequential?
        if conditioning.auxiliaryOutputs > 0, let last = d.layers.last as? Linear {
            auxiliary = GANNetworks.auxiliaryHead(features: last.weight.value.shape[1], outputs: conditioning.auxiliaryOutputs,
                                                  convolutional: options.hidden == nil, rng: &rng)
        } else if conditioning.projection, let last = d.layers.last as? Linear {
            auxiliary = GANNetworks.classEmbedding(classes: conditioning.classes, features: last.weight.value.shape[1], rng: &rng)
        }
        gan = GAN(generator: g, discriminator: d, latent: options.latent, learningRate: options.learningRate,
                  discriminatorLearningRate: options.discriminatorLearningRate, loss: options.loss, labelSmoothing: options.labelSmoothing,
                  conditioning: conditioning, auxiliary: auxiliary)
    }

    /// The variant's codes and classes; the conditional variants refuse data without labels.
    class func conditioning(_ options: GANOptions, context: ModelContext) throws -> GANConditioning {
        let variant = options.chosenVariant
        switch variant {
        case .plain: return GANConditioning()
        case .conditional, .acgan:
            guard let k = context.classCount, k >= 2 else {
                throw LatentError.invalidArgument("\(family) --variant \(variant.rawValue) trains on the classes, but these data have no labels (give labelled data, or --variant infogan)")
            }
            return GANConditioning(variant: variant, classes: k, labelPixels: options.hidden == nil ? context.imageShape.dropFirst().reduce(1, *) : 1,
                                   projection: variant == .conditional && options.hidden != nil)
        case .infogan:
            return GANConditioning(variant: .infogan, classes: options.categorical ?? GANOptions.defaultCategorical,
                                   continuous: options.continuous ?? GANOptions.defaultContinuous,
                                   infoWeight: options.infoWeight ?? GANOptions.defaultInfoWeight)
        }
    }

    public class func migrate(_ legacy: LegacyOptions) throws -> GANOptions {
        let m = legacy.model
        var o = defaultOptions
        o.latent = m.latent ?? o.latent
        if o.hidden != nil { o.hidden = m.hidden ?? o.hidden }
        o.learningRate = legacy.training.learningRate
        o.discriminatorLearningRate = m.discriminatorLearningRate
        o.loss = try legacy.choice(m.ganLoss, "model.ganLoss", default: .nonSaturating)
        o.labelSmoothing = m.labelSmoothing ?? 0
        o.discriminatorSteps = m.discriminatorSteps ?? 1
        return o
    }

    /// G takes z and the variant's codes (the one-hot class beside z); the conditional D is a projection
    /// discriminator, so its MLP sees the image alone (the class enters through `GAN.auxiliary`).
    class func networks(_ options: GANOptions, context: ModelContext, conditioning: GANConditioning,
                        rng: inout RandomGenerator) throws -> (Sequential, Sequential) {
        guard let hidden = options.hidden else { throw LatentError.invalidArgument("gan: the MLP networks need --hidden widths") }
        guard options.conv == nil else { throw LatentError.invalidArgument("gan: the MLP networks have no --conv choice") }
        let d = context.pixelCount
        let labelInputs = conditioning.variant == .conditional && !conditioning.projection ? conditioning.classes : 0
        return (GANNetworks.mlpGenerator(latent: options.latent + conditioning.generatorCodes, hidden: hidden, outputs: d, rng: &rng),
                GANNetworks.mlpDiscriminator(inputs: d + labelInputs, hidden: hidden.reversed(), rng: &rng))
    }

    public var latentSize: Int { gan.latentSize }

    public func trainStep(_ batch: Tensor, labels: [Int], epoch: Int, rng: inout RandomGenerator) throws -> [(String, Double)] {
        // Per-pixel spread of the real images, to judge the samples' diversity against.
        realSpread.add(Tensor(scalar: withoutGradient { ((batch - batch.mean(axis: 0)).pow(2)).mean(axis: 0).sqrt().mean() }.item).reshaped([1, 1]))
        let classes = variant.needsLabels ? labels : []
        var stats = gan.discriminatorStep(batch, labels: classes, rng: &rng)
        for _ in 1..<discriminatorSteps { stats = gan.discriminatorStep(batch, labels: classes, rng: &rng) }
        let g = gan.generatorStepStats(batchSize: batch.shape[0], rng: &rng)
        var metrics: [(String, Double)] = [("d_loss", Double(stats.loss)), ("g_loss", Double(g.loss)), ("d_real_loss", Double(stats.realLoss)),
                                           ("d_fake_loss", Double(stats.fakeLoss)), ("d_x", Double(stats.realProbability)), ("d_g_z", Double(stats.fakeProbability))]
        if let v = stats.classLoss { metrics.append(("d_class_loss", Double(v))) }
        if let v = stats.classAccuracy { metrics.append(("d_class_accuracy", Double(v))) }
        if let v = g.classLoss { metrics.append(("g_class_loss", Double(v))) }
        if let v = g.infoLoss { metrics.append(("info_loss", Double(v))) }
        if let v = g.codeAccuracy { metrics.append(("q_code_accuracy", Double(v))) }
        return metrics
    }

    public func validate(_ images: Tensor, labels: [Int], rng: inout RandomGenerator) -> [(String, Double)] { [] }

    public var charts: [(file: String, title: String, yLabel: String, keys: [String])] {
        // d_loss is the SUM of the real and fake terms (what D minimises; 2 ln 2 ≈ 1.386 when D outputs ½ everywhere),
        // kept a sum so old and new runs compare; the two terms are charted beside it.
        var charts: [(file: String, title: String, yLabel: String, keys: [String])] = [
            ("losses", "Generator and discriminator losses (d_loss = d_real_loss + d_fake_loss)", "nats (BCE)", ["g_loss", "d_loss", "d_real_loss", "d_fake_loss"]),
            ("discriminator", "Mean discriminator output", "probability", ["d_x", "d_g_z"])]
        switch variant {
        case .acgan:
            charts.append(("class-head", "AC-GAN class head: cross-entropy on real images and on G's samples", "nats", ["d_class_loss", "g_class_loss"]))
            charts.append(("class-accuracy", "AC-GAN class head: accuracy on real images", "accuracy", ["d_class_accuracy"]))
        case .infogan:
            charts.append(("info-loss", "InfoGAN: L_I (categorical CE + ½(c − μ)² of the continuous codes)", "nats", ["info_loss"]))
            charts.append(("code-accuracy", "InfoGAN: Q's categorical guess on G's samples", "accuracy", ["q_code_accuracy"]))
        case .plain, .conditional: break
        }
        return charts
    }

    /// Warns when D(G(z)) collapses toward 0 (vanishing generator gradient) or the samples lose diversity.
    public func diagnose(epoch: Int, metrics: [String: Double], rng: inout RandomGenerator) -> [String] {
        var warnings: [String] = []
        if let dgz = metrics["d_g_z"], dgz < 0.05 {
            warnings.append(String(format: "mean D(G(z)) is %.3f: the discriminator rejects every sample and the generator's gradient is vanishing%@",
                                   dgz, gan.loss == .minimax ? " (the minimax loss saturates here; try --loss non-saturating)" : " (try --label-smoothing 0.1 or a smaller --d-lr)"))
        }
        if let real = realSpread.tensor?.item, real > 0 {
            let samples = withoutGradient { gan.generate(256, rng: &rng).images }
            let spread = withoutGradient { ((samples - samples.mean(axis: 0)).pow(2)).mean(axis: 0).sqrt().mean() }.item
            if spread < 0.25 * real {
                warnings.append(String(format: "samples vary %.0f%% as much as real images pixel by pixel: the generator may be collapsing to a few modes", spread / real * 100))
            }
        }
        return warnings
    }

    /// New images; a conditional GAN (conditional, acgan) draws its classes in blocks, so a 10×10 grid of
    /// 10 classes has one class per row.
    public func sample(_ count: Int, rng: inout RandomGenerator) -> Tensor {
        if let c = conditionalClasses {
            let perClass = Swift.max(1, count / c)
            return sample(count, classes: (0..<count).map { Swift.min($0 / perClass, c - 1) }, rng: &rng)
        }
        return withoutGradient {
            gan.generator.eval()
            defer { gan.generator.train() }
            return gan.generate(count, rng: &rng).images
        }
    }

    /// The data's classes for the conditional and AC-GAN, nil for the others.
    public var conditionalClasses: Int? { variant.needsLabels ? gan.conditioning.classes : nil }

    /// Images of the given classes (conditional, acgan); the other variants ignore `classes`.
    public func sample(_ count: Int, classes: [Int], rng: inout RandomGenerator) -> Tensor {
        guard conditionalClasses != nil else { return sample(count, rng: &rng) }
        precondition(classes.count == count, "one class per sample")
        return withoutGradient {
            gan.generator.eval()
            defer { gan.generator.train() }
            return gan.generate(noise: Tensor.normal([count, latentSize], rng: &rng), codes: GANCodes(labels: classes))
        }
    }

    public var infoCodes: (categorical: Int, continuous: Int)? {
        variant == .infogan ? (gan.conditioning.classes, gan.conditioning.continuous) : nil
    }

    public func generate(noise: Tensor, categorical: [Int], continuous: Tensor?) -> Tensor {
        precondition(variant == .infogan, "only an InfoGAN has codes to set")
        let c = gan.conditioning.continuous
        let codes = c == 0 ? nil : continuous ?? Tensor.zeros([noise.shape[0], c])
        return withoutGradient {
            gan.generator.eval()
            defer { gan.generator.train() }
            return gan.generate(noise: noise, codes: GANCodes(labels: categorical, continuous: codes))
        }
    }

    public func encode(_ images: Tensor, labels: [Int]) throws -> Tensor {
        throw LatentError.invalidArgument("a GAN has no encoder: interpolate between random codes (omit --from/--to)")
    }

    /// G on noise `codes` [N, latent]. The conditional GAN and AC-GAN need `labels`; an InfoGAN
    /// takes `labels` as values of its categorical code (0 when nil) and its continuous codes at 0.
    public func decode(_ codes: Tensor, labels: [Int]?) throws -> Tensor {
        let n = codes.shape[0]
        switch variant {
        case .plain: break
        case .conditional, .acgan:
            guard let labels else { throw LatentError.invalidArgument("this GAN is \(variant.rawValue): give a class (--class)") }
            return withoutGradient {
                gan.generator.eval()
                defer { gan.generator.train() }
                return gan.generate(noise: codes, codes: GANCodes(labels: labels))
            }
        case .infogan:
            let k = gan.conditioning.classes
            return generate(noise: codes, categorical: (labels ?? Array(repeating: 0, count: n)).map { (($0 % k) + k) % k }, continuous: nil)
        }
        return withoutGradient {
            gan.generator.eval()
            defer { gan.generator.train() }
            return gan.generator(codes)
        }
    }

    public func modelState() -> [String: Tensor] {
        var s: [String: Tensor] = [:]
        for (k, v) in gan.generator.stateDict() { s["generator." + k] = v }
        for (k, v) in gan.discriminator.stateDict() { s["discriminator." + k] = v }
        for (k, v) in gan.auxiliary?.stateDict() ?? [:] { s["auxiliary." + k] = v }
        if variant != .plain { s["gan_variant"] = Tensor([variant.code], shape: [1]) }
        if let m = realSpread.tensor { s["real_spread"] = m; s["real_spread_count"] = realSpread.countTensor }
        return s
    }

    /// Both networks' tensors (prefixed "generator." and "discriminator.") and
    /// the data's spread [1] watched by the collapse warnings (optional).
    func modelStateLayout() -> StateLayout {
        var layout = StateLayout()
        layout.include(gan.generator.stateLayout(), prefix: "generator.")
        layout.include(gan.discriminator.stateLayout(), prefix: "discriminator.")
        if let auxiliary = gan.auxiliary { layout.include(auxiliary.stateLayout(), prefix: "auxiliary.") }
        if variant != .plain { layout.allow("gan_variant", shape: [1]) }
        layout.allow("real_spread", shape: [1])
        layout.allow("real_spread_count", shape: [1])
        return layout
    }

    public func loadModelState(_ state: [String: Tensor]) throws {
        // A checkpoint of another variant is refused by name before its shapes are compared.
        let saved = try state["gan_variant"].map { t -> GANVariant in
            guard t.count == 1, let v = GANVariant(code: t.scalars[0]) else {
                throw LatentError.shapeMismatch("gan_variant holds \(t.scalars.prefix(3)), not a GAN variant's number 1–3")
            }
            return v
        } ?? .plain
        guard saved == variant else {
            throw LatentError.invalidArgument("the checkpoint holds \(saved.described) (--variant \(saved.rawValue)), this model is \(variant.described) (--variant \(variant.rawValue))")
        }
        try modelStateLayout().check(state)
        if let s = state["real_spread"] {
            try StateValues.require(s, named: "real_spread", in: 0...Float.greatestFiniteMagnitude, meaning: "a finite spread ≥ 0")
        }
        gan.generator.assignCheckedState(state.section("generator."))
        gan.discriminator.assignCheckedState(state.section("discriminator."))
        gan.auxiliary?.assignCheckedState(state.section("auxiliary."))
        realSpread = RunningMean(state["real_spread"], count: state["real_spread_count"])
    }

    public func optimizerState() -> [String: Tensor] {
        var s: [String: Tensor] = [:]
        for (k, v) in gan.generatorOptimizer.stateDict() { s["generator." + k] = v }
        for (k, v) in gan.discriminatorOptimizer.stateDict() { s["discriminator." + k] = v }
        return s
    }

    public func loadOptimizerState(_ state: [String: Tensor]) throws {
        if let stray = state.keys.sorted().first(where: { !$0.hasPrefix("generator.") && !$0.hasPrefix("discriminator.") }) {
            throw LatentError.shapeMismatch("optimizer state has a tensor for neither network: \(stray)")
        }
        let (g, d) = (state.section("generator."), state.section("discriminator."))
        try gan.generatorOptimizer.checkStateDict(g, naming: "generator.")
        try gan.discriminatorOptimizer.checkStateDict(d, naming: "discriminator.")
        try gan.generatorOptimizer.loadStateDict(g)
        try gan.discriminatorOptimizer.loadStateDict(d)
    }
}

/// `dcgan`: the convolutional GAN of workload W5 for [C, H, W] images with H, W divisible by 4.
/// Latent default 64; the hidden widths are fixed by the architecture.
public final class DCGANModel: GANModel {
    public override class var family: String { "dcgan" }
    public override class var summary: String { "Deep convolutional GAN (Radford et al.; workload W5) for any image size with sides divisible by 4." }
    public override class var defaultOptions: GANOptions {
        var o = GANOptions()
        o.latent = 64
        o.hidden = nil
        o.conv = .standard
        return o
    }
    public override class var optionSpecs: [OptionSpec<GANOptions>] { GANOptions.specs(mlp: false) }

    /// G takes z and the variant's codes; the conditional D takes the one-hot class as K extra input channels.
    override class func networks(_ options: GANOptions, context: ModelContext, conditioning: GANConditioning,
                                 rng: inout RandomGenerator) throws -> (Sequential, Sequential) {
        guard options.hidden == nil else { throw LatentError.invalidArgument("dcgan: the convolutional networks have no --hidden widths") }
        let shape = context.imageShape
        guard shape.count == 3, shape[1] % 4 == 0, shape[2] % 4 == 0 else {
            throw LatentError.invalidArgument("dcgan needs image sides divisible by 4, got \(shape)")
        }
        var dShape = shape
        if conditioning.variant == .conditional { dShape[0] += conditioning.classes }
        return (GANNetworks.dcganGenerator(latent: options.latent + conditioning.generatorCodes, imageShape: shape, conv: options.conv ?? .standard, rng: &rng),
                GANNetworks.dcganDiscriminator(imageShape: dShape, conv: options.conv ?? .standard, rng: &rng))
    }
}

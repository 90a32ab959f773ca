import Foundation
import LatentTensor
import LatentNN
import LatentData

/// The `gan` family: the MLP GAN of workload W4. Options: `GANOptions`.
/// Adam with β₁ = 0.5 for both networks. Data default to [−1, 1].
public class GANModel: TrainableModel, SamplingModel, LatentSpaceModel, DiagnosingModel {
    public class var family: String { "gan" }
    public class var summary: String { "Generative adversarial network with MLP generator and discriminator (workload W4)." }
    public class var defaultOptions: GANOptions { GANOptions() }
    public class var optionSpecs: [OptionSpec<GANOptions>] { GANOptions.specs(mlp: true) }
    public static var defaultScale: DataOptions.Scale { .symmetric }
    public static var defaultEpochs: Int { 20 }
    public static var primaryMetric: String { "g_loss" }

    public let gan: GAN
    let discriminatorSteps: Int
    var realSpread = RunningMean()

    public required init(options: GANOptions, context: ModelContext, rng: inout RandomGenerator) throws {
        try Self.check(options)
        guard context.pixelRange == .symmetric else {
            throw LatentError.invalidArgument("\(Self.family): the generator's tanh outputs [−1, 1]; train on --scale symmetric (the default for GANs)")
        }
        discriminatorSteps = options.discriminatorSteps
        let (g, d) = try Self.networks(options, context: context, rng: &rng)
        gan = GAN(generator: g, discriminator: d, latent: options.latent, learningRate: options.learningRate,
                  discriminatorLearningRate: options.discriminatorLearningRate, loss: options.loss, labelSmoothing: options.labelSmoothing)
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

    class func networks(_ options: GANOptions, context: ModelContext, rng: inout RandomGenerator) throws -> (Sequential, Sequential) {
        guard let hidden = options.hidden else { throw LatentError.invalidArgument("gan: the MLP networks need --hidden widths") }
        guard options.conv == nil else { throw LatentError.invalidArgument("gan: the MLP networks have no --conv choice") }
        let d = context.pixelCount
        return (GANNetworks.mlpGenerator(latent: options.latent, hidden: hidden, outputs: d, rng: &rng),
                GANNetworks.mlpDiscriminator(inputs: d, hidden: hidden.reversed(), rng: &rng))
    }

    public var latentSize: Int { gan.latentSize }

    public func trainStep(_ batch: Tensor, labels: [Int], epoch: Int, rng: inout RandomGenerator) throws -> [(String, Double)] {
        // Per-pixel spread of the real images, to judge the samples' diversity against.
        realSpread.add(Tensor(scalar: withoutGradient { ((batch - batch.mean(axis: 0)).pow(2)).mean(axis: 0).sqrt().mean() }.item).reshaped([1, 1]))
        var stats = gan.discriminatorStep(batch, rng: &rng)
        for _ in 1..<discriminatorSteps { stats = gan.discriminatorStep(batch, rng: &rng) }
        let g = gan.generatorStep(batchSize: batch.shape[0], rng: &rng)
        return [("d_loss", Double(stats.loss)), ("g_loss", Double(g)), ("d_real_loss", Double(stats.realLoss)),
                ("d_fake_loss", Double(stats.fakeLoss)), ("d_x", Double(stats.realProbability)), ("d_g_z", Double(stats.fakeProbability))]
    }

    public func validate(_ images: Tensor, labels: [Int], rng: inout RandomGenerator) -> [(String, Double)] { [] }

    public var charts: [(file: String, title: String, yLabel: String, keys: [String])] {
        // d_loss is the SUM of the real and fake terms (what D minimises; 2 ln 2 ≈ 1.386 when D outputs ½ everywhere),
        // kept a sum so old and new runs compare; the two terms are charted beside it.
        [("losses", "Generator and discriminator losses (d_loss = d_real_loss + d_fake_loss)", "nats (BCE)", ["g_loss", "d_loss", "d_real_loss", "d_fake_loss"]),
         ("discriminator", "Mean discriminator output", "probability", ["d_x", "d_g_z"])]
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

    public func sample(_ count: Int, rng: inout RandomGenerator) -> Tensor {
        withoutGradient {
            gan.generator.eval()
            defer { gan.generator.train() }
            return gan.generate(count, rng: &rng).images
        }
    }

    public func encode(_ images: Tensor, labels: [Int]) throws -> Tensor {
        throw LatentError.invalidArgument("a GAN has no encoder: interpolate between random codes (omit --from/--to)")
    }

    public func decode(_ codes: Tensor, labels: [Int]?) throws -> Tensor {
        withoutGradient {
            gan.generator.eval()
            defer { gan.generator.train() }
            return gan.generator(codes)
        }
    }

    public func modelState() -> [String: Tensor] {
        var s: [String: Tensor] = [:]
        for (k, v) in gan.generator.stateDict() { s["generator." + k] = v }
        for (k, v) in gan.discriminator.stateDict() { s["discriminator." + k] = v }
        if let m = realSpread.tensor { s["real_spread"] = m; s["real_spread_count"] = realSpread.countTensor }
        return s
    }

    /// Both networks' tensors (prefixed "generator." and "discriminator.") and
    /// the data's spread [1] watched by the collapse warnings (optional).
    func modelStateLayout() -> StateLayout {
        var layout = StateLayout()
        layout.include(gan.generator.stateLayout(), prefix: "generator.")
        layout.include(gan.discriminator.stateLayout(), prefix: "discriminator.")
        layout.allow("real_spread", shape: [1])
        layout.allow("real_spread_count", shape: [1])
        return layout
    }

    public func loadModelState(_ state: [String: Tensor]) throws {
        try modelStateLayout().check(state)
        if let s = state["real_spread"] {
            try StateValues.require(s, named: "real_spread", in: 0...Float.greatestFiniteMagnitude, meaning: "a finite spread ≥ 0")
        }
        gan.generator.assignCheckedState(state.section("generator."))
        gan.discriminator.assignCheckedState(state.section("discriminator."))
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

    override class func networks(_ options: GANOptions, context: ModelContext, rng: inout RandomGenerator) throws -> (Sequential, Sequential) {
        guard options.hidden == nil else { throw LatentError.invalidArgument("dcgan: the convolutional networks have no --hidden widths") }
        let shape = context.imageShape
        guard shape.count == 3, shape[1] % 4 == 0, shape[2] % 4 == 0 else {
            throw LatentError.invalidArgument("dcgan needs image sides divisible by 4, got \(shape)")
        }
        return (GANNetworks.dcganGenerator(latent: options.latent, imageShape: shape, conv: options.conv ?? .standard, rng: &rng),
                GANNetworks.dcganDiscriminator(imageShape: shape, conv: options.conv ?? .standard, rng: &rng))
    }
}

import Foundation

/// The `gan` family: the MLP GAN of workload W4. Options read: latent (20),
/// hidden (the generator's widths, 256,512,1024; the discriminator mirrors
/// them), loss (non-saturating), label-smoothing (0), d-steps (1), d-lr (--lr).
/// Adam with β₁ = 0.5 for both networks. Data default to [−1, 1].
public class GANModel: TrainableModel, SamplingModel, LatentSpaceModel, DiagnosingModel {
    public class var family: String { "gan" }
    public static var defaultScale: DataOptions.Scale { .symmetric }
    public static var defaultEpochs: Int { 20 }
    public static var primaryMetric: String { "g_loss" }

    public let gan: GAN
    let discriminatorSteps: Int
    var realSpread = RunningMean()

    public required init(config: RunConfig, rng: inout RandomGenerator) throws {
        guard config.data.scale == .symmetric else {
            throw LatentError.invalidArgument("\(Self.family): the generator's tanh outputs [−1, 1]; train on --scale symmetric (the default for GANs)")
        }
        let options = config.model
        let latent = options.latent ?? Self.defaultLatent
        guard latent >= 1 else { throw LatentError.invalidArgument("--latent must be positive") }
        let kind = try options.ganLoss.map { name -> GeneratorLoss in
            guard let k = GeneratorLoss(rawValue: name) else {
                throw LatentError.invalidArgument("unknown --loss '\(name)'; choose non-saturating or minimax")
            }
            return k
        } ?? .nonSaturating
        let smoothing = options.labelSmoothing ?? 0
        guard smoothing >= 0, smoothing < 0.5 else { throw LatentError.invalidArgument("--label-smoothing must be in [0, 0.5)") }
        discriminatorSteps = options.discriminatorSteps ?? 1
        guard discriminatorSteps >= 1 else { throw LatentError.invalidArgument("--d-steps must be positive") }
        let (g, d) = try Self.networks(config, latent: latent, rng: &rng)
        gan = GAN(generator: g, discriminator: d, latent: latent, learningRate: config.training.learningRate,
                  discriminatorLearningRate: options.discriminatorLearningRate, loss: kind, labelSmoothing: smoothing)
    }

    class var defaultLatent: Int { 20 }

    class func networks(_ config: RunConfig, latent: Int, rng: inout RandomGenerator) throws -> (Sequential, Sequential) {
        let hidden = config.model.hidden ?? [256, 512, 1024]
        guard !hidden.isEmpty, hidden.allSatisfy({ $0 >= 1 }) else { throw LatentError.invalidArgument("--hidden sizes must be positive") }
        let d = config.imageShape.reduce(1, *)
        return (GANNetworks.mlpGenerator(latent: latent, hidden: hidden, outputs: d, rng: &rng),
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
        [("losses", "Generator and discriminator losses", "BCE", ["g_loss", "d_loss", "d_real_loss", "d_fake_loss"]),
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
    override class var defaultLatent: Int { 64 }

    override class func networks(_ config: RunConfig, latent: Int, rng: inout RandomGenerator) throws -> (Sequential, Sequential) {
        let shape = config.imageShape
        guard shape.count == 3, shape[1] % 4 == 0, shape[2] % 4 == 0 else {
            throw LatentError.invalidArgument("dcgan needs image sides divisible by 4, got \(shape)")
        }
        return (GANNetworks.dcganGenerator(latent: latent, imageShape: shape, rng: &rng),
                GANNetworks.dcganDiscriminator(imageShape: shape, rng: &rng))
    }
}

import Foundation
import LatentTensor
import LatentNN
import LatentData
import LatentOutput

/// The `ddpm` family: a denoising diffusion probabilistic model (Ho et al.
/// 2020) with a small U-Net predicting the noise, a linear or cosine
/// schedule, an exponential moving average (EMA) of the weights for sampling
/// and evaluation, ancestral and DDIM sampling, and the variational bound in
/// bits per dimension. Options: `DDPMOptions`. Works in [−1, 1] (data on
/// [0, 1] are mapped there and back).
///
/// ```swift
/// var options = DDPMModel.defaultOptions
/// options.channels = 16
/// let ddpm = try DDPMModel(options: options, context: ModelContext(imageShape: [1, 28, 28], pixelRange: .symmetric), rng: &rng)
/// _ = try ddpm.trainStep(batch, labels: [], epoch: 1, rng: &rng)
/// let images = try ddpm.sample(16, steps: 50, showProgress: false, rng: &rng)
/// ```
public final class DDPMModel: TrainableModel, StepSamplingModel, LikelihoodModel {
    public static var family: String { "ddpm" }
    public static var summary: String { "Denoising diffusion model (Ho et al. 2020): a small U-Net predicting the noise, linear or cosine schedule, EMA weights, ancestral or DDIM sampling, bound in bits/dim." }
    public static var defaultOptions: DDPMOptions { DDPMOptions() }
    public static var optionSpecs: [OptionSpec<DDPMOptions>] { DDPMOptions.specs }
    public static var defaultScale: DataOptions.Scale { .symmetric }
    public static var defaultEpochs: Int { 20 }

    public let options: DDPMOptions
    public let diffusion: Diffusion
    /// The trained network.
    public let net: UNet
    /// The moving average of `net`'s weights (nil with --ema-decay 0): what sampling, validation and the bound use.
    public let ema: UNet?
    public let optimizer: any Optimizer
    let pixelRange: PixelRange
    /// Updates folded into the EMA so far (its warm-up uses it).
    var emaUpdates = 0
    /// The proposal over steps 2 … T of the bound's importance sampling, fixed on first use.
    var boundProposal: [Double]?

    /// Steps per image of the bound's importance sampling when `evaluate` does not say (--nll-samples).
    public static let boundSamples = 50

    public init(options: DDPMOptions, context: ModelContext, rng: inout RandomGenerator) throws {
        try Self.check(options)
        let shape = context.imageShape
        let divisor = 1 << (options.channelMultipliers.count - 1)
        guard shape.count == 3, shape[1] % divisor == 0, shape[2] % divisor == 0 else {
            throw LatentError.invalidArgument("ddpm: image sides \(shape.dropFirst().map(String.init).joined(separator: "×")) must divide by \(divisor) for \(options.channelMultipliers.count) U-Net levels (--channel-mults)")
        }
        self.options = options
        pixelRange = context.pixelRange
        diffusion = Diffusion(schedule: NoiseSchedule(options.schedule, timesteps: options.timesteps), imageShape: shape)
        net = UNet(imageChannels: shape[0], channels: options.channels, multipliers: options.channelMultipliers,
                   residualBlocks: options.residualBlocks, attention: options.attention, rng: &rng)
        if options.emaDecay > 0 {
            var copyRng = RandomGenerator(seed: 0)
            let average = UNet(imageChannels: shape[0], channels: options.channels, multipliers: options.channelMultipliers,
                               residualBlocks: options.residualBlocks, attention: options.attention, rng: &copyRng)
            for (a, p) in zip(average.parameters(), net.parameters()) { a.assign(p.value.detached()) }
            ema = average
        } else {
            ema = nil
        }
        optimizer = options.optimizer.make(net.parameters())
    }

    public static func migrate(_ legacy: LegacyOptions) throws -> DDPMOptions {
        throw LatentError.invalidArgument("ddpm runs have no first-format config.json to migrate")
    }

    /// The network that samples and is evaluated: the EMA, else the trained one.
    public var sampler: UNet { ema ?? net }

    /// Rows in the data's range → [−1, 1].
    func symmetric(_ x: Tensor) -> Tensor { pixelRange.convert(x, to: .symmetric) }

    public func trainStep(_ batch: Tensor, labels: [Int], epoch: Int, rng: inout RandomGenerator) throws -> [(String, Double)] {
        let loss = diffusion.loss(net, symmetric(batch), rng: &rng)
        optimizer.zeroGrad()
        loss.backward()
        options.optimizer.clip(optimizer.parameters)
        optimizer.step()
        updateAverage()
        return [("loss", Double(loss.item))]
    }

    /// ema ← d·ema + (1 − d)·θ with d = min(decay, (1 + n)/(10 + n)) after n updates, so early averages
    /// do not hold on to the random initialisation.
    func updateAverage() {
        guard let ema else { return }
        emaUpdates += 1
        let n = Float(emaUpdates)
        let d = Swift.min(options.emaDecay, (1 + n) / (10 + n))
        for (a, p) in zip(ema.parameters(), net.parameters()) {
            let source = p.value.detached()
            source.withData { src in
                a.update { dst, count in
                    for i in 0..<count { dst[i] = d * dst[i] + (1 - d) * src[i] }
                }
            }
        }
    }

    /// The training loss of the sampling network on `images`, with t and ε from a fixed seed, so epochs compare.
    public func validate(_ images: Tensor, labels: [Int], rng: inout RandomGenerator) -> [(String, Double)] {
        withoutGradient {
            var fixed = RandomGenerator(seed: 20_200_619)
            var sum = 0.0
            for indices in MiniBatches(count: images.shape[0], batchSize: 256) {
                sum += Double(diffusion.loss(sampler, symmetric(images.gatherRows(indices)), rng: &fixed).item) * Double(indices.count)
            }
            return [("loss", sum / Double(Swift.max(images.shape[0], 1)))]
        }
    }

    public var charts: [(file: String, title: String, yLabel: String, keys: [String])] {
        [("loss", "Noise-prediction error (validation: EMA weights)", "mean (ε̂ − ε)² per pixel", ["loss", "val_loss"])]
    }

    public var chainLength: Int { options.timesteps }

    /// The sampler used by training grids, FID/KID and projections: `--sample-steps` DDIM steps (the full chain when ≥ T).
    public func sample(_ count: Int, rng: inout RandomGenerator) -> Tensor {
        let steps = options.sampleSteps >= options.timesteps ? nil : options.sampleSteps
        return draw(count, steps: steps, progress: nil, rng: &rng)
    }

    public func sample(_ count: Int, steps: Int?, showProgress: Bool, rng: inout RandomGenerator) throws -> Tensor {
        try sample(count, steps: steps, eta: 0, showProgress: showProgress, rng: &rng)
    }

    public func sample(_ count: Int, steps: Int?, eta: Float, showProgress: Bool, rng: inout RandomGenerator) throws -> Tensor {
        if let steps, steps < 1 || steps > options.timesteps {
            throw LatentError.invalidArgument("--steps must be from 1 to T = \(options.timesteps), got \(steps)")
        }
        guard eta >= 0 && eta.isFinite else { throw LatentError.invalidArgument("--eta must be a number ≥ 0, got \(eta)") }
        let length = steps ?? options.timesteps
        let progress = LatentOutput.Progress(steps == nil ? "sampling (ancestral, \(length) steps)"
                                                : "sampling (DDIM, \(length) steps" + (eta == 0 ? ")" : String(format: ", η = %g)", eta)),
                                total: length * count, unit: "img-step")
        progress.quiet = !showProgress
        defer { progress.finish() }
        return draw(count, steps: steps, eta: eta, progress: progress, rng: &rng)
    }

    func draw(_ count: Int, steps: Int?, eta: Float = 0, progress: LatentOutput.Progress?, rng: inout RandomGenerator) -> Tensor {
        // Chunk by chunk; the bar counts one image through one step as one unit, so its rate and ETA are exact.
        let parts = stride(from: 0, to: count, by: diffusion.chunk).map { start -> Tensor in
            let n = Swift.min(diffusion.chunk, count - start)
            return steps.map { diffusion.sampleDDIM(sampler, count: n, steps: $0, eta: eta, rng: &rng, progress: progress) }
                ?? diffusion.sampleAncestral(sampler, count: n, rng: &rng, progress: progress)
        }
        return PixelRange.symmetric.convert(Tensor.concatenate(parts, axis: 0), to: pixelRange)
    }

    /// The variational bound −log p(x) ≤ L_T + Σ L_{t−1} + L_0 of the EMA network on `images`, in nats per image
    /// ("neg_elbo", with its terms) and in bits per dimension; `nllSamples` steps per image (default 50) estimate
    /// Σ L_{t−1} by importance sampling from a proposal that follows one image's full profile of terms.
    /// "neg_elbo_mc_var" is the variance (nats²) of one image's estimate over the sampled steps.
    public func likelihoodMetrics(_ images: Tensor, labels: [Int], nllSamples: Int, rng: inout RandomGenerator) -> [(String, Double)] {
        let x0 = symmetric(images)
        if boundProposal == nil {
            var pilot = RandomGenerator(seed: 4_242)
            boundProposal = Diffusion.proposal(following: diffusion.diffusionProfile(sampler, x0, rng: &pilot))
        }
        let b = diffusion.bound(sampler, x0, samples: nllSamples > 0 ? nllSamples : Self.boundSamples, proposal: boundProposal!, rng: &rng)
        func mean(_ v: [Double]) -> Double { v.reduce(0, +) / Double(Swift.max(v.count, 1)) }
        let total = mean(b.total)
        return [("neg_elbo", total), ("bits_per_dim", total / (Double(diffusion.pixelCount) * log(2.0))),
                ("prior_kl", mean(b.prior)), ("decoder_nll", mean(b.decoder)), ("diffusion_kl", mean(b.diffusion)),
                ("neg_elbo_mc_var", mean(b.diffusionVariance))]
    }

    public func modelState() -> [String: Tensor] {
        var s: [String: Tensor] = [:]
        for (k, v) in net.stateDict() { s["net." + k] = v }
        if let ema {
            for (k, v) in ema.stateDict() { s["ema." + k] = v }
            s["ema_updates"] = Tensor([Float(emaUpdates)])
        }
        return s
    }

    func modelStateLayout() -> StateLayout {
        var layout = StateLayout()
        layout.include(net.stateLayout(), prefix: "net.")
        if let ema {
            layout.include(ema.stateLayout(), prefix: "ema.")
            layout.require("ema_updates", shape: [1])
        }
        return layout
    }

    public func loadModelState(_ state: [String: Tensor]) throws {
        try modelStateLayout().check(state)
        if let count = state["ema_updates"] {
            try StateValues.require(count, named: "ema_updates", in: 0...Float(1 << 24), meaning: "a whole count ≥ 0")
        }
        net.assignCheckedState(state.section("net."))
        if let ema {
            ema.assignCheckedState(state.section("ema."))
            emaUpdates = Int(state["ema_updates"]!.item)
        }
    }

    public func optimizerState() -> [String: Tensor] { optimizer.stateDict() }
    public func loadOptimizerState(_ state: [String: Tensor]) throws { try optimizer.loadStateDict(state) }
}

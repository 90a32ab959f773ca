import Foundation
import LatentTensor
import LatentNN
import LatentData

/// The `aae` family: an `AdversarialAutoencoder` with the VAE's MLP encoder and
/// decoder (the same `--latent`, `--hidden` and `--likelihood` build the same
/// networks as `vae`), a deterministic code, and a discriminator on the codes
/// that imposes the prior (`--prior gaussian|mixture`) in place of the VAE's KL
/// term. Each batch: a reconstruction step, a discriminator step, an encoder
/// (generator) step. Samples decode z ~ p(z). An AAE has no likelihood to
/// report; its samples are scored by `evaluate --fid`. Options: `AAEOptions`.
///
/// Per epoch: `reconstruction` (nats per image), `d_loss`, `g_loss`, `d_prior`
/// and `d_code` (mean D on prior samples and on codes; ½ each when the codes
/// follow the prior), and on the validation images `val_reconstruction`,
/// `val_d_code` and `val_code_std` (the codes' standard deviation per
/// dimension, averaged; the prior's is 1 for N(0, I)).
public final class AAEModel: TrainableModel, SamplingModel, ReconstructingModel, LatentSpaceModel, DiagnosingModel {
    public static var family: String { "aae" }
    public static var summary: String { "Adversarial autoencoder (Makhzani et al.): the VAE's networks, a deterministic code and a discriminator that imposes the prior." }
    public static var defaultOptions: AAEOptions { AAEOptions() }
    public static var optionSpecs: [OptionSpec<AAEOptions>] { AAEOptions.specs }
    public static var primaryMetric: String { "val_reconstruction" }

    public let aae: AdversarialAutoencoder
    public let options: AAEOptions

    public init(options: AAEOptions, context: ModelContext, rng: inout RandomGenerator) throws {
        try Self.check(options)
        let architecture = try VAEArchitecture(body: .mlp, network: options.network, context: context)
        self.options = options
        aae = try AdversarialAutoencoder(architecture, dataRange: context.pixelRange,
                                         prior: try CodePrior(options.prior, latent: architecture.latent),
                                         discriminatorHidden: options.discriminatorHidden, reconstruction: options.optimizer,
                                         regularisationLearningRate: options.discriminatorLearningRate,
                                         rng: &rng)
    }

    public static func migrate(_ legacy: LegacyOptions) throws -> AAEOptions {
        throw LatentError.invalidArgument("aae runs were never written in the first config.json format")
    }

    public var latentSize: Int { aae.latentSize }

    public func trainStep(_ batch: Tensor, labels: [Int], epoch: Int, rng: inout RandomGenerator) throws -> [(String, Double)] {
        let reconstruction = aae.reconstructionStep(batch)
        let d = aae.discriminatorStep(batch, rng: &rng)
        let g = aae.generatorStep(batch)
        return [("reconstruction", Double(reconstruction)), ("d_loss", Double(d.loss)), ("g_loss", Double(g)),
                ("d_prior", Double(d.priorProbability)), ("d_code", Double(d.codeProbability))]
    }

    /// Reconstruction loss, mean D(E(x)) and the codes' spread on held-out images.
    public func validate(_ images: Tensor, labels: [Int], rng: inout RandomGenerator) -> [(String, Double)] {
        withoutGradient {
            var reconstruction = 0.0, dCode = 0.0
            var codes: [Tensor] = []
            for indices in MiniBatches(count: images.shape[0], batchSize: 500) {
                let x = images.gatherRows(indices)
                let z = aae.encoder(x)
                codes.append(z)
                let n = Double(indices.count)
                reconstruction += Double((-aae.pixels.logProbability(aae.decoder(z), x).sum()).item)
                dCode += Double(aae.discriminator(z).sigmoid().mean().item) * n
            }
            let n = Double(images.shape[0])
            return [("reconstruction", reconstruction / n), ("d_code", dCode / n),
                    ("code_std", Double(Self.meanStd(Tensor.concatenate(codes, axis: 0))))]
        }
    }

    /// The standard deviation of each column of `codes` [N, k], averaged over the columns.
    static func meanStd(_ codes: Tensor) -> Float {
        let centred = codes - codes.mean(axis: 0)
        return (centred * centred).mean(axis: 0).sqrt().mean().item
    }

    public var charts: [(file: String, title: String, yLabel: String, keys: [String])] {
        [("reconstruction", "Reconstruction loss", "nats per image", ["reconstruction", "val_reconstruction"]),
         ("losses", "Regularisation phase: discriminator and encoder (generator) losses", "nats (BCE)", ["d_loss", "g_loss"]),
         ("discriminator", "Mean discriminator output on prior samples and on codes", "probability", ["d_prior", "d_code", "val_d_code"]),
         ("codes", "Codes' standard deviation per dimension, averaged", "sd", ["val_code_std"])]
    }

    /// Warns when the discriminator tells every code from prior samples (the prior is not imposed) or
    /// the codes are far narrower or wider than the prior.
    public func diagnose(epoch: Int, metrics: [String: Double], rng: inout RandomGenerator) -> [String] {
        var warnings: [String] = []
        if let code = metrics["d_code"], let prior = metrics["d_prior"], code < 0.05 && prior > 0.95 {
            warnings.append(String(format: "the discriminator tells codes from prior samples almost always (mean D(z) %.3f on prior samples, %.3f on codes): the codes do not follow the prior (a larger --d-lr imposes it faster, at some cost to reconstructions)", prior, code))
        }
        if let spread = metrics["val_code_std"] {
            let target = Double(aae.prior.meanMarginalStd)
            if spread < 0.25 * target || spread > 4 * target {
                warnings.append(String(format: "the codes' standard deviation per dimension is %.3g, the prior's %.3g: samples decoded from the prior will land where no code is", spread, target))
            }
        }
        return warnings
    }

    public func sample(_ count: Int, rng: inout RandomGenerator) -> Tensor {
        aae.decodeMean(aae.prior.sample(count, rng: &rng))
    }

    public func reconstruct(_ images: Tensor, labels: [Int], rng: inout RandomGenerator) throws -> Tensor {
        aae.decodeMean(aae.encode(images))
    }

    public func encode(_ images: Tensor, labels: [Int]) throws -> Tensor { aae.encode(images) }
    public func decode(_ codes: Tensor, labels: [Int]?) throws -> Tensor { aae.decodeMean(codes) }

    public func modelState() -> [String: Tensor] { aae.network.stateDict() }
    public func loadModelState(_ state: [String: Tensor]) throws { try aae.network.loadStateDict(state) }

    /// The three optimizers' tensors, prefixed "reconstruction.", "discriminator." and "generator.".
    public func optimizerState() -> [String: Tensor] {
        var s: [String: Tensor] = [:]
        for (k, v) in aae.reconstructionOptimizer.stateDict() { s["reconstruction." + k] = v }
        for (k, v) in aae.discriminatorOptimizer.stateDict() { s["discriminator." + k] = v }
        for (k, v) in aae.generatorOptimizer.stateDict() { s["generator." + k] = v }
        return s
    }

    public func loadOptimizerState(_ state: [String: Tensor]) throws {
        let prefixes = ["reconstruction.", "discriminator.", "generator."]
        if let stray = state.keys.sorted().first(where: { key in !prefixes.contains { key.hasPrefix($0) } }) {
            throw LatentError.shapeMismatch("optimizer state has a tensor for none of the three optimizers: \(stray)")
        }
        let (r, d, g) = (state.section("reconstruction."), state.section("discriminator."), state.section("generator."))
        try aae.reconstructionOptimizer.checkStateDict(r, naming: "reconstruction.")
        try aae.discriminatorOptimizer.checkStateDict(d, naming: "discriminator.")
        try aae.generatorOptimizer.checkStateDict(g, naming: "generator.")
        try aae.reconstructionOptimizer.loadStateDict(r)
        try aae.discriminatorOptimizer.loadStateDict(d)
        try aae.generatorOptimizer.loadStateDict(g)
    }
}

import Foundation
import LatentTensor
import LatentNN
import LatentData
import LatentOutput

/// The `factor-vae` family: `FactorVAE` on the `vae` family's MLP encoder and
/// decoder (standard prior, unconditional), with two optimizers — the VAE's
/// (`--optimizer`, `--lr`) and the discriminator's Adam (`--d-lr`, β = (0.5, 0.9)).
/// Each step reports the negative ELBO and its terms, the total-correlation
/// estimate `tc` and the discriminator's loss and accuracy; validation scores
/// the true negative ELBO, so `val_loss` compares with a `vae`'s.
/// Options: `FactorVAEOptions`.
///
/// ```swift
/// let config = try FactorVAEModel.runConfig(["--latent", "10", "--gamma", "20"], data: data, command: ["latent"])
/// ```
public final class FactorVAEModel: TrainableModel, SamplingModel, ReconstructingModel, LatentSpaceModel, LikelihoodModel {
    public static var family: String { "factor-vae" }
    public static var summary: String { "FactorVAE (Kim & Mnih 2018): a VAE plus gamma times a discriminator's estimate of its codes' total correlation." }
    public static var defaultOptions: FactorVAEOptions { FactorVAEOptions() }
    public static var optionSpecs: [OptionSpec<FactorVAEOptions>] { FactorVAEOptions.specs }

    public let model: FactorVAE
    public let options: FactorVAEOptions
    public var vae: VAE { model.vae }

    public required init(options: FactorVAEOptions, context: ModelContext, rng: inout RandomGenerator) throws {
        try Self.check(options)
        let architecture = try VAEArchitecture(body: .mlp, network: options.network, context: context)
        self.options = options
        let vae = VAE(architecture, dataRange: context.pixelRange, rng: &rng)
        model = FactorVAE(vae, discriminatorHidden: options.discriminatorHidden, gamma: options.gamma, optimizer: options.optimizer,
                          discriminatorLearningRate: options.discriminatorLearningRate, rng: &rng)
    }

    public static func migrate(_ legacy: LegacyOptions) throws -> FactorVAEOptions {
        throw LatentError.invalidArgument("factor-vae runs were never written in the first config format")
    }

    public var latentSize: Int { vae.latentSize }

    public func trainStep(_ batch: Tensor, labels: [Int], epoch: Int, rng: inout RandomGenerator) throws -> [(String, Double)] {
        let s = model.step(batch, rng: &rng)
        return [("loss", Double(s.loss)), ("reconstruction", Double(s.reconstruction)), ("kl", Double(s.kl)),
                ("tc", Double(s.totalCorrelation)), ("d_loss", Double(s.discriminatorLoss)), ("d_accuracy", Double(s.discriminatorAccuracy))]
    }

    public func validate(_ images: Tensor, labels: [Int], rng: inout RandomGenerator) -> [(String, Double)] {
        withoutGradient {
            var sums = [0.0, 0.0, 0.0, 0.0]
            for indices in MiniBatches(count: images.shape[0], batchSize: 500) {
                let t = model.elbo(images.gatherRows(indices), rng: &rng)
                let n = Double(indices.count)
                sums[0] += Double(t.loss.item) * n; sums[1] += Double(t.reconstruction.item) * n; sums[2] += Double(t.kl.item) * n
                sums[3] += Double(model.totalCorrelation(t.z).item) * n
            }
            let n = Double(Swift.max(images.shape[0], 1))
            return [("loss", sums[0] / n), ("reconstruction", sums[1] / n), ("kl", sums[2] / n), ("tc", sums[3] / n)]
        }
    }

    public var charts: [(file: String, title: String, yLabel: String, keys: [String])] {
        [("loss", "Negative ELBO", "nats per image", ["loss", "val_loss"]),
         ("terms", "Reconstruction and KL", "nats per image", ["reconstruction", "val_reconstruction", "kl", "val_kl"]),
         ("total-correlation", "Total correlation estimated by the discriminator", "nats", ["tc", "val_tc"]),
         ("discriminator", "Discriminator on codes vs permuted codes", "BCE (ln 2 at chance) / accuracy", ["d_loss", "d_accuracy"])]
    }

    public func sample(_ count: Int, rng: inout RandomGenerator) -> Tensor {
        withoutGradient { vae.meanImage(vae.decode(vae.samplePrior(count, rng: &rng))) }
    }

    public func reconstruct(_ images: Tensor, labels: [Int], rng: inout RandomGenerator) throws -> Tensor {
        withoutGradient { vae.meanImage(vae.decode(vae.encode(images).mean)) }
    }

    public func encode(_ images: Tensor, labels: [Int]) throws -> Tensor {
        withoutGradient { vae.encode(images).mean }
    }

    public func decode(_ codes: Tensor, labels: [Int]?) throws -> Tensor {
        withoutGradient { vae.meanImage(vae.decode(codes)) }
    }

    /// The VAE part's negative ELBO and terms and, with `nllSamples`, its importance-sampled NLL.
    public func likelihoodMetrics(_ images: Tensor, labels: [Int], nllSamples: Int, rng: inout RandomGenerator) -> [(String, Double)] {
        var metrics = validate(images, labels: labels, rng: &rng).filter { $0.0 != "tc" }.map { ($0.0 == "loss" ? "neg_elbo" : $0.0, $0.1) }
        if nllSamples > 0 {
            let nll = vae.importanceSampledNLL(images, samples: nllSamples, rng: &rng)
            metrics.append(("is_nll", nll.reduce(0, +) / Double(nll.count)))
        }
        return metrics
    }

    public func modelState() -> [String: Tensor] {
        var s: [String: Tensor] = [:]
        for (k, v) in vae.stateDict() { s["vae." + k] = v }
        for (k, v) in model.discriminator.stateDict() { s["discriminator." + k] = v }
        return s
    }

    public func loadModelState(_ state: [String: Tensor]) throws {
        var layout = StateLayout()
        layout.include(vae.stateLayout(), prefix: "vae.")
        layout.include(model.discriminator.stateLayout(), prefix: "discriminator.")
        try layout.check(state)
        vae.assignCheckedState(state.section("vae."))
        model.discriminator.assignCheckedState(state.section("discriminator."))
    }

    public func optimizerState() -> [String: Tensor] {
        var s: [String: Tensor] = [:]
        for (k, v) in model.vaeOptimizer.stateDict() { s["vae." + k] = v }
        for (k, v) in model.discriminatorOptimizer.stateDict() { s["discriminator." + k] = v }
        return s
    }

    public func loadOptimizerState(_ state: [String: Tensor]) throws {
        if let stray = state.keys.sorted().first(where: { !$0.hasPrefix("vae.") && !$0.hasPrefix("discriminator.") }) {
            throw LatentError.shapeMismatch("optimizer state has a tensor for neither the VAE nor the discriminator: \(stray)")
        }
        let (v, d) = (state.section("vae."), state.section("discriminator."))
        try model.vaeOptimizer.checkStateDict(v, naming: "vae.")
        try model.discriminatorOptimizer.checkStateDict(d, naming: "discriminator.")
        try model.vaeOptimizer.loadStateDict(v)
        try model.discriminatorOptimizer.loadStateDict(d)
    }
}

import Foundation
import LatentTensor
import LatentNN
import LatentData

/// The `avb` family: Adversarial Variational Bayes (`AVB`) with two optimizers,
/// one for the encoder and decoder, one for the discriminator T(x, z). Options:
/// `AVBOptions` (the VAE's network and optimizer options, plus `--d-lr` and
/// `--d-steps`). Each training step first updates T with the logistic loss on
/// fresh draws z ~ q(z|x) against z ~ N(0, I) (`--d-steps` times), then the
/// encoder and decoder on −log p(x|z) + T(x, z) with T frozen.
///
/// Codes (`encode`, `reconstruct`) are the mean of 16 draws of q(z|x, ε);
/// `encode`'s draws come from a fixed seed, so codes are repeatable. The test
/// NLL is importance-sampled with a Gaussian proposal fitted to q's draws
/// (`FittedProposal`); the −ELBO reported beside it uses T as the KL estimate,
/// so it is only as good as T (`neg_elbo_t`), not a bound.
///
/// ```swift
/// var options = AVBModel.defaultOptions
/// options.network.latent = 8
/// let avb = try AVBModel(options: options, context: ModelContext(imageShape: [1, 28, 28]), rng: &rng)
/// let metrics = try avb.trainStep(batch, labels: labels, epoch: 1, rng: &rng)   // loss, reconstruction, kl_t, t_loss
/// ```
public final class AVBModel: TrainableModel, SamplingModel, ReconstructingModel, LatentSpaceModel, LikelihoodModel {
    public static var family: String { "avb" }
    public static var summary: String {
        "Adversarial Variational Bayes: the VAE's decoder with an implicit encoder q(z|x, eps) and a discriminator T(x, z) estimating the KL."
    }
    public static var defaultOptions: AVBOptions { AVBOptions() }
    public static var optionSpecs: [OptionSpec<AVBOptions>] { AVBOptions.specs }

    /// Draws of q(z|x, ε) averaged into a code.
    public static let codeDraws = 16

    public let avb: AVB
    public let options: AVBOptions
    public let encoderDecoderOptimizer: any Optimizer
    public let discriminatorOptimizer: any Optimizer
    /// The proposal of the importance-sampled NLL.
    public var proposal = FittedProposal()

    public init(options: AVBOptions, context: ModelContext, rng: inout RandomGenerator) throws {
        try Self.check(options)
        let architecture = try VAEArchitecture(body: .mlp, network: options.network, context: context)
        self.options = options
        avb = AVB(architecture, dataRange: context.pixelRange, rng: &rng)
        encoderDecoderOptimizer = options.optimizer.make(avb.encoder.parameters() + avb.decoder.parameters())
        var d = options.optimizer
        d.learningRate = options.discriminatorLearningRate ?? options.optimizer.learningRate
        discriminatorOptimizer = d.make(avb.discriminator.parameters())
    }

    public static func migrate(_ legacy: LegacyOptions) throws -> AVBOptions {
        throw LatentError.invalidArgument("avb runs were never written in the first config.json format")
    }

    public var latentSize: Int { avb.latentSize }

    /// What one step of T saw: its loss (mean of the two BCE terms) and the terms on q's and p's draws.
    public struct DiscriminatorStats: Sendable {
        public let loss: Float, posterior: Float, prior: Float
    }

    /// One update of T on images `x` with codes `zq` drawn from q(z|x) and `zp` from p(z).
    @discardableResult
    public func discriminatorStep(_ x: Tensor, posterior zq: Tensor, prior zp: Tensor) -> DiscriminatorStats {
        let l = avb.discriminatorLoss(x, posterior: zq, prior: zp)
        discriminatorOptimizer.zeroGrad()
        l.loss.backward()
        options.optimizer.clip(discriminatorOptimizer.parameters)
        discriminatorOptimizer.step()
        return DiscriminatorStats(loss: l.loss.item, posterior: l.posterior.item, prior: l.prior.item)
    }

    public func trainStep(_ batch: Tensor, labels: [Int], epoch: Int, rng: inout RandomGenerator) throws -> [(String, Double)] {
        let n = batch.shape[0]
        var stats: DiscriminatorStats?
        for _ in 0..<options.discriminatorSteps {
            let zq = withoutGradient { avb.sampleCodes(batch, rng: &rng) }
            stats = discriminatorStep(batch, posterior: zq, prior: Tensor.normal([n, latentSize], rng: &rng))
        }
        let parameters = avb.discriminator.parameters()
        for p in parameters { p.isFrozen = true }
        defer { for p in parameters { p.isFrozen = false } }
        let terms = avb.objective(batch, rng: &rng)
        encoderDecoderOptimizer.zeroGrad()
        terms.loss.backward()
        options.optimizer.clip(encoderDecoderOptimizer.parameters)
        encoderDecoderOptimizer.step()
        return [("loss", Double(terms.loss.item)), ("reconstruction", Double(terms.reconstruction.item)),
                ("kl_t", Double(terms.kl.item)), ("t_loss", Double(stats!.loss))]
    }

    public func validate(_ images: Tensor, labels: [Int], rng: inout RandomGenerator) -> [(String, Double)] {
        withoutGradient {
            var sums = [0.0, 0.0, 0.0, 0.0]
            for indices in MiniBatches(count: images.shape[0], batchSize: 500) {
                let x = images.gatherRows(indices)
                let t = avb.objective(x, rng: &rng)
                let d = avb.discriminatorLoss(x, posterior: t.codes, prior: Tensor.normal(t.codes.shape, rng: &rng))
                let n = Double(indices.count)
                for (i, v) in [t.loss, t.reconstruction, t.kl, d.loss].enumerated() { sums[i] += Double(v.item) * n }
            }
            let n = Double(images.shape[0])
            return zip(["loss", "reconstruction", "kl_t", "t_loss"], sums).map { ($0, $1 / n) }
        }
    }

    public var charts: [(file: String, title: String, yLabel: String, keys: [String])] {
        [("loss", "Negative ELBO with T as the KL estimate", "nats per image", ["loss", "val_loss"]),
         ("terms", "Reconstruction and the KL estimate E_q[T]", "nats per image", ["reconstruction", "val_reconstruction", "kl_t", "val_kl_t"]),
         ("discriminator", "T's logistic loss (ln 2 = 0.693: q and p look alike)", "nats (BCE, mean of both terms)", ["t_loss", "val_t_loss"])]
    }

    public func sample(_ count: Int, rng: inout RandomGenerator) -> Tensor {
        withoutGradient { avb.meanImage(Tensor.normal([count, latentSize], rng: &rng)) }
    }

    /// The decoder's mean image at the mean of 16 draws of q(z|x).
    public func reconstruct(_ images: Tensor, labels: [Int], rng: inout RandomGenerator) throws -> Tensor {
        withoutGradient { avb.meanImage(avb.meanCode(images, draws: Self.codeDraws, rng: &rng)) }
    }

    /// The mean of 16 draws of q(z|x, ε), with ε from a fixed seed (the same codes every time).
    public func encode(_ images: Tensor, labels: [Int]) throws -> Tensor {
        var rng = RandomGenerator(seed: 0)
        return avb.meanCode(images, draws: Self.codeDraws, rng: &rng)
    }

    public func decode(_ codes: Tensor, labels: [Int]?) throws -> Tensor {
        withoutGradient { avb.meanImage(codes) }
    }

    /// `neg_elbo_t` (−ELBO with T as the KL estimate: not a bound), its terms, and with
    /// `nllSamples` > 0 `is_nll`, importance-sampled with the fitted Gaussian proposal.
    public func likelihoodMetrics(_ images: Tensor, labels: [Int], nllSamples: Int, rng: inout RandomGenerator) -> [(String, Double)] {
        var metrics = validate(images, labels: labels, rng: &rng).filter { $0.0 != "t_loss" }.map { ($0.0 == "loss" ? "neg_elbo_t" : $0.0, $0.1) }
        if nllSamples > 0 {
            let nll = avb.importanceSampledNLL(images, samples: nllSamples, proposal: proposal, rng: &rng)
            metrics.append(("is_nll", nll.reduce(0, +) / Double(nll.count)))
        }
        return metrics
    }

    public func modelState() -> [String: Tensor] { avb.stateDict() }
    public func loadModelState(_ state: [String: Tensor]) throws { try avb.loadStateDict(state) }

    public func optimizerState() -> [String: Tensor] {
        var s: [String: Tensor] = [:]
        for (k, v) in encoderDecoderOptimizer.stateDict() { s["model." + k] = v }
        for (k, v) in discriminatorOptimizer.stateDict() { s["discriminator." + k] = v }
        return s
    }

    public func loadOptimizerState(_ state: [String: Tensor]) throws {
        if let stray = state.keys.sorted().first(where: { !$0.hasPrefix("model.") && !$0.hasPrefix("discriminator.") }) {
            throw LatentError.shapeMismatch("optimizer state has a tensor for neither optimizer: \(stray)")
        }
        let (m, d) = (state.section("model."), state.section("discriminator."))
        try encoderDecoderOptimizer.checkStateDict(m, naming: "model.")
        try discriminatorOptimizer.checkStateDict(d, naming: "discriminator.")
        try encoderDecoderOptimizer.loadStateDict(m)
        try discriminatorOptimizer.loadStateDict(d)
    }
}

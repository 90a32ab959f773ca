import Foundation
import LatentTensor
import LatentNN
import LatentOutput
// Foundation has a Progress too; this file means the library's.
import class LatentOutput.Progress

/// The `rbm` family: a Bernoulli RBM trained by CD-k (default CD-1) or PCD-k.
/// Options: `RBMOptions`.
/// Validation reports scikit-learn's pseudo-likelihood and the reconstruction error.
public final class RBMModel: TrainableModel, SamplingModel, GibbsSamplingModel, ReconstructingModel,
                             LikelihoodModel, FilterModel, InpaintingModel, PartitionFunctionModel {
    public static let family = "rbm"
    public static let summary = "Bernoulli restricted Boltzmann machine trained by CD-k or PCD-k; AIS and exact log-likelihoods."
    public static var defaultOptions: RBMOptions { RBMOptions() }
    public static var optionSpecs: [OptionSpec<RBMOptions>] { RBMOptions.specs }
    public static var defaultEpochs: Int { 10 }
    public static var primaryMetric: String { "val_pseudo_likelihood" }

    public let rbm: RBM
    let negative: RBM.Negative
    let learningRate: Float
    let momentum: Float
    let weightDecay: Float
    let linearDecay: Bool
    let epochs: Int
    /// Pixel frequencies of the training data, for starting chains "from noise"
    /// with the data's density instead of half the pixels on (a uniform start
    /// lands far from anything the model was trained near, in gray spurious modes).
    var pixelMeans = RunningMean()

    public init(options: RBMOptions, context: ModelContext, rng: inout RandomGenerator) throws {
        try Self.check(options)
        guard context.pixelRange == .unit else { throw LatentError.invalidArgument("rbm: Bernoulli units need data in [0, 1] (--scale unit)") }
        rbm = RBM(visible: context.pixelCount, hidden: options.hidden, rng: &rng)
        negative = options.persistent ? .persistent(steps: options.gibbsSteps) : .contrastive(steps: options.gibbsSteps)
        learningRate = options.learningRate
        momentum = options.momentum
        weightDecay = options.weightDecay
        linearDecay = options.schedule == .linear
        epochs = context.epochs
    }

    public static func migrate(_ legacy: LegacyOptions) throws -> RBMOptions {
        let m = legacy.model
        var o = RBMOptions()
        o.hidden = m.hidden?.first ?? o.hidden
        o.learningRate = legacy.training.learningRate
        o.gibbsSteps = m.gibbsSteps ?? o.gibbsSteps
        o.persistent = m.persistent ?? false
        o.momentum = m.momentum ?? 0
        o.weightDecay = m.weightDecay ?? 0
        o.schedule = try legacy.choice(m.schedule, "model.schedule", default: .constant)
        return o
    }

    public func trainStep(_ batch: Tensor, labels: [Int], epoch: Int, rng: inout RandomGenerator) throws -> [(String, Double)] {
        let rate = linearDecay ? learningRate * Float(epochs - epoch + 1) / Float(epochs) : learningRate
        let parallel = DataParallel.current.map { $0.communicator.size > 1 } ?? false
        if !parallel { pixelMeans.add(batch) }
        let error = rbm.train(batch, learningRate: rate, negative: negative, momentum: momentum, weightDecay: weightDecay, rng: &rng)
        if parallel, let mean = rbm.summedDataMean, let rows = DataParallel.current?.shard.total {
            // Several ranks: the whole batch's pixel frequencies, summed with the CD statistics.
            pixelMeans.add(mean.reshaped([1, mean.count]).broadcasted(to: [rows, mean.count]).detached())
        }
        return [("reconstruction_error", Double(error))]
    }

    public func validate(_ images: Tensor, labels: [Int], rng: inout RandomGenerator) -> [(String, Double)] {
        let pl = rbm.pseudoLikelihood(images, rng: &rng).mean().item
        let r = rbm.visibleProbabilities(rbm.hiddenProbabilities(images))
        let error = withoutGradient { ((r - images) * (r - images)).sum().item / Float(images.shape[0]) }
        return [("pseudo_likelihood", Double(pl)), ("loss", -Double(pl)), ("reconstruction_error", Double(error))]
    }

    public var charts: [(file: String, title: String, yLabel: String, keys: [String])] {
        [("pseudo-likelihood", "Pseudo-likelihood (validation)", "nats per image", ["val_pseudo_likelihood"]),
         ("reconstruction", "Reconstruction error", "squared error per image", ["reconstruction_error", "val_reconstruction_error"])]
    }

    /// 1,000 Gibbs steps from random binary images with the data's pixel frequencies.
    public func sample(_ count: Int, rng: inout RandomGenerator) -> Tensor {
        sample(count, gibbsSteps: 1_000, from: nil, rng: &rng)
    }

    public func sample(_ count: Int, gibbsSteps: Int, from start: Tensor?, rng: inout RandomGenerator) -> Tensor {
        let v0 = start ?? pixelMeans.noise(count, width: rbm.visibleCount, rng: &rng)
        return rbm.gibbs(from: v0, steps: gibbsSteps, rng: &rng)
    }

    /// One step: p(v | E[h | v]).
    public func reconstruct(_ images: Tensor, labels: [Int], rng: inout RandomGenerator) throws -> Tensor {
        rbm.visibleProbabilities(rbm.hiddenProbabilities(images))
    }

    public func likelihoodMetrics(_ images: Tensor, labels: [Int], nllSamples: Int, rng: inout RandomGenerator) -> [(String, Double)] {
        let r = rbm.visibleProbabilities(rbm.hiddenProbabilities(images))
        return [("pseudo_likelihood", Double(rbm.pseudoLikelihood(images, rng: &rng).mean().item)),
                ("full_pseudo_likelihood", Double(rbm.fullPseudoLikelihood(images).mean().item)),
                ("reconstruction_error", Double(withoutGradient { ((r - images) * (r - images)).sum().item }) / Double(images.shape[0]))]
    }

    public var filterLayers: Int { 1 }
    public func filters(layer: Int) throws -> Tensor { rbm.weights.value.detached() }

    public func inpaint(_ images: Tensor, known: Tensor, steps: Int, rng: inout RandomGenerator) -> Tensor {
        rbm.inpaint(images, known: known, steps: steps, rng: &rng)
    }

    public func logPartition(baseData: Tensor, chains: Int, betas: [Double], rng: inout RandomGenerator,
                             progress: Progress?) -> AIS.Estimate {
        AIS.estimate(rbm, baseFrom: baseData, betas: betas, chains: chains, rng: &rng, progress: progress)
    }

    public func exactLogPartition() -> Double? { try? rbm.exactLogPartition() }

    public func logLikelihood(_ images: Tensor, logPartition: Double) -> [Double] {
        rbm.logLikelihood(images, logPartition: logPartition)
    }

    public func modelState() -> [String: Tensor] {
        var s = rbm.stateDict()
        if let chains = rbm.chains { s["chains"] = chains }
        if let m = pixelMeans.tensor { s["pixel_means"] = m; s["pixel_means_count"] = pixelMeans.countTensor }
        return s
    }

    /// Weights and biases (required), persistent chains [N, hidden] and pixel means [visible] (optional).
    func modelStateLayout() -> StateLayout {
        var layout = rbm.stateLayout()
        layout.allow("chains", shape: [StateLayout.anySize, rbm.hiddenCount])
        layout.allow("pixel_means", shape: [rbm.visibleCount])
        layout.allow("pixel_means_count", shape: [1])
        return layout
    }

    public func loadModelState(_ state: [String: Tensor]) throws {
        try modelStateLayout().check(state)
        if let m = state["pixel_means"] {
            try StateValues.require(m, named: "pixel_means", in: 0...1, meaning: "pixel frequencies in [0, 1]")
        }
        rbm.assignCheckedState(state)
        rbm.chains = state["chains"]
        pixelMeans = RunningMean(state["pixel_means"], count: state["pixel_means_count"])
    }

    public func optimizerState() -> [String: Tensor] {
        guard let v = rbm.velocity else { return [:] }
        return ["velocity.weights": v.w, "velocity.visible": v.b, "velocity.hidden": v.c]
    }

    /// The momentum's velocity: all three parts, shaped like the parameters, or none.
    func optimizerStateLayout() -> StateLayout {
        var layout = StateLayout()
        layout.allow("velocity.weights", shape: [rbm.hiddenCount, rbm.visibleCount])
        layout.allow("velocity.visible", shape: [rbm.visibleCount])
        layout.allow("velocity.hidden", shape: [rbm.hiddenCount])
        layout.together(["velocity.weights", "velocity.visible", "velocity.hidden"])
        return layout
    }

    public func loadOptimizerState(_ state: [String: Tensor]) throws {
        try optimizerStateLayout().check(state)
        if let w = state["velocity.weights"], let b = state["velocity.visible"], let c = state["velocity.hidden"] {
            rbm.velocity = (w, b, c)
        } else {
            rbm.velocity = nil
        }
    }
}

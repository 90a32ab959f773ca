import Foundation
import LatentTensor
import LatentNN
import LatentData
import LatentOutput
// Foundation has a Progress too; this file means the library's.
import class LatentOutput.Progress

/// The `dbm` family: a Deep Boltzmann Machine with two or more hidden layers,
/// pretrained greedily (doubled inputs) and then trained jointly with
/// mean-field positive phases and persistent Gibbs chains. Options: `DBMOptions`.
public final class DBMModel: TrainableModel, SamplingModel, GibbsSamplingModel, ReconstructingModel, FilterModel,
                             InpaintingModel, PartitionFunctionModel, PretrainingModel {
    public static let family = "dbm"
    public static let summary = "Deep Boltzmann machine: greedy pretraining, then joint training with mean-field and persistent chains; AIS bound."
    public static var defaultOptions: DBMOptions { DBMOptions() }
    public static var optionSpecs: [OptionSpec<DBMOptions>] { DBMOptions.specs }
    public static var defaultEpochs: Int { 10 }

    public let dbm: DBM
    let learningRate: Float
    let gibbsSteps: Int
    let pretrainEpochs: Int
    let batchSize: Int
    /// Pixel frequencies of the training data (see `RBMModel.pixelMeans`).
    var pixelMeans = RunningMean()

    public init(options: DBMOptions, context: ModelContext, rng: inout RandomGenerator) throws {
        try Self.check(options)
        guard context.pixelRange == .unit else { throw LatentError.invalidArgument("dbm: Bernoulli units need data in [0, 1] (--scale unit)") }
        dbm = DBM(layers: [context.pixelCount] + options.hidden, rng: &rng)
        learningRate = options.learningRate
        gibbsSteps = options.gibbsSteps
        pretrainEpochs = options.pretrainEpochs
        batchSize = context.batchSize
    }

    public static func migrate(_ legacy: LegacyOptions) throws -> DBMOptions {
        var o = DBMOptions()
        o.hidden = legacy.model.hidden ?? o.hidden
        o.learningRate = legacy.training.learningRate
        o.gibbsSteps = legacy.model.gibbsSteps ?? o.gibbsSteps
        o.pretrainEpochs = legacy.model.pretrainEpochs ?? o.pretrainEpochs
        return o
    }

    public func pretrain(_ data: PreparedData, rng: inout RandomGenerator) throws {
        guard pretrainEpochs > 0 else { return }
        dbm.pretrain(data.train.flatImages, epochs: pretrainEpochs, learningRate: 0.05, batchSize: Swift.min(batchSize, 100),
                     rng: &rng)
    }

    public func trainStep(_ batch: Tensor, labels: [Int], epoch: Int, rng: inout RandomGenerator) throws -> [(String, Double)] {
        pixelMeans.add(batch)
        let error = dbm.train(batch, learningRate: learningRate, gibbsSteps: gibbsSteps, rng: &rng)
        return [("reconstruction_error", Double(error))]
    }

    public func validate(_ images: Tensor, labels: [Int], rng: inout RandomGenerator) -> [(String, Double)] {
        let r = dbm.visibleProbabilities(dbm.meanField(images)[0])
        let error = Double(withoutGradient { ((r - images) * (r - images)).sum().item }) / Double(images.shape[0])
        return [("reconstruction_error", error), ("loss", error)]
    }

    public var charts: [(file: String, title: String, yLabel: String, keys: [String])] {
        [("reconstruction", "Mean-field reconstruction error", "squared error per image", ["reconstruction_error", "val_reconstruction_error"])]
    }

    public func sample(_ count: Int, rng: inout RandomGenerator) -> Tensor { sample(count, gibbsSteps: 1_000, from: nil, rng: &rng) }

    public func sample(_ count: Int, gibbsSteps: Int, from start: Tensor?, rng: inout RandomGenerator) -> Tensor {
        dbm.sample(count, steps: gibbsSteps, from: start ?? pixelMeans.noise(count, width: dbm.layerSizes[0], rng: &rng), rng: &rng)
    }

    public func reconstruct(_ images: Tensor, labels: [Int], rng: inout RandomGenerator) throws -> Tensor {
        dbm.visibleProbabilities(dbm.meanField(images)[0])
    }

    public var filterLayers: Int { dbm.depth }
    public func filters(layer: Int) throws -> Tensor { dbm.projectedFilters(layer: layer) }

    public func inpaint(_ images: Tensor, known: Tensor, steps: Int, rng: inout RandomGenerator) -> Tensor {
        dbm.inpaint(images, known: known, steps: steps, rng: &rng)
    }

    public func logPartition(baseData: Tensor, chains: Int, betas: [Double], rng: inout RandomGenerator, progress: Progress?) -> AIS.Estimate {
        dbm.estimateLogPartition(betas: betas, chains: chains, rng: &rng, progress: progress)
    }

    public func exactLogPartition() -> Double? { try? dbm.exactLogPartition() }

    public func logLikelihood(_ images: Tensor, logPartition: Double) -> [Double] {
        dbm.variationalLowerBound(images, logPartition: logPartition)
    }

    public var logLikelihoodName: String { "test_lower_bound" }

    public func modelState() -> [String: Tensor] {
        var s = dbm.stateDict()
        for (l, c) in (dbm.chains ?? []).enumerated() { s["chains.\(l)"] = c }
        if let m = pixelMeans.tensor { s["pixel_means"] = m; s["pixel_means_count"] = pixelMeans.countTensor }
        return s
    }

    /// Weights and biases (required); persistent chains, one [N, units] tensor
    /// per layer with the same N (all or none); pixel means [visible] (optional).
    func modelStateLayout() -> StateLayout {
        var layout = dbm.stateLayout()
        let names = dbm.layerSizes.indices.map { "chains.\($0)" }
        for (l, units) in dbm.layerSizes.enumerated() { layout.allow(names[l], shape: [StateLayout.anySize, units]) }
        layout.together(names)
        layout.allow("pixel_means", shape: [dbm.layerSizes[0]])
        layout.allow("pixel_means_count", shape: [1])
        return layout
    }

    public func loadModelState(_ state: [String: Tensor]) throws {
        try modelStateLayout().check(state)
        let chains = dbm.layerSizes.indices.compactMap { state["chains.\($0)"] }
        if let rows = chains.first?.shape[0], let other = chains.first(where: { $0.shape[0] != rows }) {
            throw LatentError.shapeMismatch("chains: every layer needs the same number of chains, found \(rows) and \(other.shape[0])")
        }
        if let m = state["pixel_means"] {
            try StateValues.require(m, named: "pixel_means", in: 0...1, meaning: "pixel frequencies in [0, 1]")
        }
        dbm.assignCheckedState(state)
        dbm.chains = chains.isEmpty ? nil : chains
        pixelMeans = RunningMean(state["pixel_means"], count: state["pixel_means_count"])
    }

    public func optimizerState() -> [String: Tensor] { [:] }
    public func loadOptimizerState(_ state: [String: Tensor]) throws {}
}

import LatentTensor
import LatentData
import LatentOutput
import LatentEvaluation
import LatentModels
import LatentRuns

/// log Z of an RBM or DBM by annealed importance sampling (and exactly when the
/// model is small enough to enumerate), then the mean test log-likelihood — or,
/// for a DBM, its variational lower bound — with that log Z.
///
/// ```swift
/// let run = try RunDirectory.open("rbm-mnist", root: "runs")
/// if let energy = try ModelRegistry.load(run).model as? any PartitionFunctionModel {
///     let result = try AISEvaluation.evaluate(run, model: energy, options: .init(chains: 100, steps: 1_000))
///     print(result.estimate.logPartition, result.meanLogLikelihood)
/// }
/// ```
public struct AISEvaluation: EvaluationResult, Sendable {
    public struct Options: Sendable {
        /// Parallel annealing chains.
        public var chains: Int
        /// Intermediate distributions (0: Salakhutdinov & Murray's 14,500-step schedule).
        public var steps: Int
        /// At most this many training images for the base-rate model; nil: all.
        public var trainLimit: Int?
        /// At most this many test images (the fixed subset of `PreparedData.fixedSubset`); nil: all.
        public var testLimit: Int?
        public var seed: UInt64
        /// Show a progress bar.
        public var progress: Bool

        public init(chains: Int = 100, steps: Int = 0, trainLimit: Int? = nil, testLimit: Int? = nil, seed: UInt64 = 2, progress: Bool = false) {
            self.chains = chains
            self.steps = steps
            self.trainLimit = trainLimit
            self.testLimit = testLimit
            self.seed = seed
            self.progress = progress
        }
    }

    public let estimate: AIS.Estimate
    /// log Z by enumeration when the model is small enough.
    public let exactLogPartition: Double?
    /// "test_log_likelihood", or "test_lower_bound" for a DBM.
    public let logLikelihoodName: String
    /// Mean over the test images of log p(v) (or its lower bound) with the AIS log Z; −∞ when the estimate's spread says so.
    public let meanLogLikelihood: Double
    public let trainImages: Int
    public let testImages: Int

    public var scores: [String: EvaluationScore] {
        ["ais_log_z": EvaluationScore(value: estimate.logPartition, split: "train", images: trainImages, kind: .ais),
         logLikelihoodName: EvaluationScore(value: meanLogLikelihood, split: "test", images: testImages, kind: .ais)]
    }

    /// AIS from a base-rate model fitted to `train` [N, D], then the mean log-likelihood of `test` [M, D].
    public static func measure(_ model: any PartitionFunctionModel, train: Tensor, test: Tensor, options: Options) -> AISEvaluation {
        let betas = AIS.schedule(options.steps == 0 ? .paper : .linear(options.steps + 1))
        let progress = Progress("AIS", total: betas.count - 1, unit: "β")
        progress.quiet = !options.progress
        var rng = RandomGenerator(seed: options.seed)
        let estimate = model.logPartition(baseData: train, chains: options.chains, betas: betas, rng: &rng, progress: progress)
        progress.finish()
        let ll = model.logLikelihood(test, logPartition: estimate.logPartition)
        return AISEvaluation(estimate: estimate, exactLogPartition: model.exactLogPartition(), logLikelihoodName: model.logLikelihoodName,
                             meanLogLikelihood: ll.reduce(0, +) / Double(Swift.max(ll.count, 1)),
                             trainImages: train.shape[0], testImages: test.shape[0])
    }

    /// Measures the run's data and records the result in its evaluation.json, replacing earlier AIS scores.
    public static func evaluate(_ run: RunDirectory, model: any PartitionFunctionModel, options: Options) throws -> AISEvaluation {
        let data = try PreparedData.load(run.config.data, testLimit: options.testLimit)
        guard data.test.count > 0 else { throw LatentError.invalidArgument("the data of \(run.name) have no test images") }
        let train = options.trainLimit.map { data.train.prefix($0) } ?? data.train
        let result = measure(model, train: train.flatImages, test: data.evaluationImages(data.test), options: options)
        try RunEvaluation.record(result, into: run)
        return result
    }
}

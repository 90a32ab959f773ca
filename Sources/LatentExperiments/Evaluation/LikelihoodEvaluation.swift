import LatentTensor
import LatentData
import LatentOutput
import LatentEvaluation
import LatentModels
import LatentRuns

/// A model's likelihood metrics (−ELBO and its terms, the importance-sampled
/// NLL, pseudo-likelihoods, cross-entropy — whatever its `LikelihoodModel`
/// reports), each a mean per image over one fixed set of test images: every
/// metric of one evaluation sees exactly the same images, so IS-NLL ≤ −ELBO
/// holds as it must.
///
/// ```swift
/// let run = try RunDirectory.open("vae-mnist", root: "runs")
/// if let scorer = try ModelRegistry.load(run).model as? any LikelihoodModel {
///     let result = try LikelihoodEvaluation.evaluate(run, model: scorer, options: .init(nllSamples: 1_000, testLimit: 1_000))
///     print(result.value("is_nll")!, "nats per image on", result.images, "test images")
/// }
/// ```
public struct LikelihoodEvaluation: EvaluationResult, Sendable {
    public struct Options: Sendable {
        /// Importance samples per image for the NLL (0: none).
        public var nllSamples: Int
        /// At most this many test images (the fixed subset of `PreparedData.fixedSubset`); nil: all.
        public var testLimit: Int?
        public var seed: UInt64
        /// Show a progress bar.
        public var progress: Bool

        public init(nllSamples: Int = 0, testLimit: Int? = nil, seed: UInt64 = 2, progress: Bool = false) {
            self.nllSamples = nllSamples
            self.testLimit = testLimit
            self.seed = seed
            self.progress = progress
        }
    }

    /// Test images every metric was averaged over.
    public let images: Int
    public let nllSamples: Int
    /// Metric names (as the model reports them: "neg_elbo", "is_nll", …) and means per image, in the model's order.
    public let metrics: [Metric]

    public struct Metric: Sendable, Equatable {
        public let name: String
        public let value: Double
    }

    public func value(_ name: String) -> Double? { metrics.first { $0.name == name }?.value }

    /// "test_" + each metric's name, all on the same `images` test images.
    public var scores: [String: EvaluationScore] {
        Dictionary(uniqueKeysWithValues: metrics.map {
            ("test_" + $0.name, EvaluationScore(value: $0.value, split: "test", images: images, kind: .likelihood))
        })
    }

    /// Means of the model's metrics over `images` [N, D] (in chunks, so a long
    /// importance-sampling run shows progress).
    public static func measure(_ model: any LikelihoodModel, images: Tensor, labels: [Int], options: Options) -> LikelihoodEvaluation {
        let n = images.shape[0]
        precondition(n > 0 && labels.count == n, "likelihood evaluation: images and labels differ in number")
        var rng = RandomGenerator(seed: options.seed)
        let progress = Progress("evaluate", total: n)
        progress.quiet = !options.progress
        var sums: [String: Double] = [:], order: [String] = []
        for indices in MiniBatches(count: n, batchSize: options.nllSamples > 0 ? 100 : 2_000) {
            for (k, v) in model.likelihoodMetrics(images.gatherRows(indices), labels: indices.map { labels[$0] },
                                                  nllSamples: options.nllSamples, rng: &rng) {
                if sums[k] == nil { order.append(k) }
                sums[k, default: 0] += v * Double(indices.count)
            }
            progress.advance(by: indices.count)
        }
        progress.finish()
        return LikelihoodEvaluation(images: n, nllSamples: options.nllSamples,
                                    metrics: order.map { Metric(name: $0, value: sums[$0]! / Double(n)) })
    }

    /// Measures the run's test images (prepared exactly as for training) and
    /// records the result in its evaluation.json, replacing earlier likelihood scores.
    public static func evaluate(_ run: RunDirectory, model: any LikelihoodModel, options: Options) throws -> LikelihoodEvaluation {
        let data = try PreparedData.load(run.config.data, testLimit: options.testLimit)
        guard data.test.count > 0 else { throw LatentError.invalidArgument("the data of \(run.name) have no test images") }
        let result = measure(model, images: data.evaluationImages(data.test), labels: data.test.labels, options: options)
        try RunEvaluation.record(result, into: run)
        return result
    }
}

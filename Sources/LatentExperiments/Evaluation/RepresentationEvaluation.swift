import LatentTensor
import LatentData
import LatentEvaluation
import LatentModels
import LatentRuns

/// How useful a model's codes are: a linear probe trained on the codes of
/// training images and scored on test images, and k-means on the test codes
/// (k = the number of classes) with its silhouette and adjusted Rand index.
///
/// ```swift
/// let run = try RunDirectory.open("vae-mnist", root: "runs")
/// let result = try RepresentationEvaluation.evaluate(run, model: try ModelRegistry.load(run).model,
///                                                    options: .init(trainLimit: 10_000, testLimit: 2_000))
/// print(result.linearProbeAccuracy, result.silhouette, result.adjustedRandIndex)
/// ```
public struct RepresentationEvaluation: EvaluationResult, Sendable {
    public struct Options: Sendable {
        /// Training images for the probe (a fixed random subset).
        public var trainLimit: Int
        /// Test images (the fixed subset of `PreparedData.fixedSubset`); the silhouette costs O(N²).
        public var testLimit: Int
        public var seed: UInt64

        public init(trainLimit: Int = 10_000, testLimit: Int = 2_000, seed: UInt64 = 2) {
            self.trainLimit = trainLimit
            self.testLimit = testLimit
            self.seed = seed
        }
    }

    public let codeDimension: Int
    public let trainImages: Int
    public let testImages: Int
    /// k of k-means: the number of classes (the largest test label + 1, at least 2).
    public let clusters: Int
    public let linearProbeAccuracy: Double
    public let silhouette: Double
    public let adjustedRandIndex: Double

    public var scores: [String: EvaluationScore] {
        func m(_ v: Double) -> EvaluationScore { EvaluationScore(value: v, split: "test", images: testImages, kind: .representation) }
        return ["linear_probe_accuracy": m(linearProbeAccuracy), "silhouette": m(silhouette), "adjusted_rand_index": m(adjustedRandIndex)]
    }

    /// The codes a model gives images: posterior means (VAE, AE, PPCA), hidden
    /// probabilities (RBM), mean-field activations of every layer (DBM); nil for models without codes.
    public static func codes(of model: any TrainableModel, _ images: Tensor, labels: [Int]) throws -> Tensor? {
        if let m = model as? any LatentSpaceModel { return try? m.encode(images, labels: labels) }
        if let r = model as? RBMModel { return r.rbm.hiddenProbabilities(images) }
        if let d = model as? DBMModel { return Tensor.concatenate(d.dbm.meanField(images), axis: 1) }
        return nil
    }

    /// Scores codes of training images (with labels) and of test images (with labels).
    public static func measure(trainCodes: Tensor, trainLabels: [Int], testCodes: Tensor, testLabels: [Int], seed: UInt64 = 2) -> RepresentationEvaluation {
        let probe = Representation.linearProbe(train: trainCodes, trainLabels: trainLabels, test: testCodes, testLabels: testLabels)
        var rng = RandomGenerator(seed: seed)
        let classes = Swift.max((testLabels.max() ?? 0) + 1, 2)
        let clusters = Representation.kMeans(testCodes, k: classes, rng: &rng)
        return RepresentationEvaluation(codeDimension: testCodes.shape[1], trainImages: trainCodes.shape[0], testImages: testCodes.shape[0],
                                        clusters: classes, linearProbeAccuracy: probe,
                                        silhouette: Representation.silhouette(testCodes, clusters.assignments),
                                        adjustedRandIndex: Representation.adjustedRandIndex(clusters.assignments, testLabels))
    }

    /// Encodes the run's training and test images, scores the codes and records the result in its evaluation.json.
    public static func evaluate(_ run: RunDirectory, model: any TrainableModel, options: Options) throws -> RepresentationEvaluation {
        let data = try PreparedData.load(run.config.data, testLimit: options.testLimit)
        guard data.train.hasLabels else { throw LatentError.invalidArgument("--representation needs labelled data") }
        guard data.test.count >= 2 else { throw LatentError.invalidArgument("--representation needs at least 2 test images") }
        let trainSet = data.train.subset(PreparedData.fixedSubset(count: data.train.count, limit: options.trainLimit))
        guard let trainCodes = try codes(of: model, data.evaluationImages(trainSet), labels: trainSet.labels),
              let testCodes = try codes(of: model, data.evaluationImages(data.test), labels: data.test.labels) else {
            throw LatentError.invalidArgument("model '\(run.config.family)' has no codes to probe (VAE, AE, PPCA, RBM and DBM do)")
        }
        let result = measure(trainCodes: trainCodes, trainLabels: trainSet.labels, testCodes: testCodes, testLabels: data.test.labels, seed: options.seed)
        try RunEvaluation.record(result, into: run)
        return result
    }
}

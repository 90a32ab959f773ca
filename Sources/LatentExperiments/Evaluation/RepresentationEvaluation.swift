import LatentTensor
import LatentData
import LatentEvaluation
import LatentModels
import LatentRuns

/// How useful a model's codes are, judged with or without labels: k-means on
/// the test codes (k = `Options.clusters`) with its silhouette always, and
/// beside it DBSCAN (`Options.dbscan`: its cluster count, noise fraction and
/// the silhouette of its non-noise points); with labels also a linear probe
/// trained on the codes of training images and scored on test images, and the
/// adjusted Rand index of each clustering against the classes. Unlabelled
/// data (faces) get the clusterings alone, and `skipped` says why the others
/// are missing.
///
/// ```swift
/// let run = try RunDirectory.open("vae-mnist", root: "runs")
/// let result = try RepresentationEvaluation.evaluate(run, model: try ModelRegistry.load(run).model,
///                                                    options: .init(trainLimit: 10_000, testLimit: 2_000))
/// print(result.silhouette, result.linearProbeAccuracy ?? .nan, result.skipped)
/// ```
public struct RepresentationEvaluation: EvaluationResult, Sendable {
    public struct Options: Sendable {
        /// Training images for the probe (a fixed random subset).
        public var trainLimit: Int
        /// Test images (the fixed subset of `PreparedData.fixedSubset`); the silhouette costs O(N²).
        public var testLimit: Int
        public var seed: UInt64
        /// k of k-means; nil: the number of classes with labels, 10 without.
        public var clusters: Int?
        /// DBSCAN's eps and minimum points (eps nil: the k-distance knee); nil: no DBSCAN.
        public var dbscan: DBSCAN.Parameters?

        public init(trainLimit: Int = 10_000, testLimit: Int = 2_000, seed: UInt64 = 2, clusters: Int? = nil,
                    dbscan: DBSCAN.Parameters? = DBSCAN.Parameters()) {
            self.trainLimit = trainLimit
            self.testLimit = testLimit
            self.seed = seed
            self.clusters = clusters
            self.dbscan = dbscan
        }
    }

    /// DBSCAN's clustering of the test codes.
    public struct DBSCANScores: Sendable {
        /// The radius used (given, or the k-distance knee) and the minimum points of a core point.
        public let eps: Double
        public let epsChosen: Bool
        public let minPoints: Int
        /// Clusters found (noise not counted).
        public let clusters: Int
        /// The share of test codes labelled noise.
        public let noiseFraction: Double
        /// Mean silhouette over the non-noise codes; nil with fewer than 2 clusters.
        public let silhouette: Double?
        /// Agreement with the classes, noise counted as one group of its own (as scikit-learn's label −1); nil without labels.
        public let adjustedRandIndex: Double?
        /// DBSCAN's scores that were not computed, with the reason
        /// (e.g. `["dbscan_silhouette": "DBSCAN found 1 cluster (a silhouette needs 2)"]`).
        public let skipped: [String: String]
    }

    /// k of k-means when neither `Options.clusters` nor labels say.
    public static let defaultClusters = 10

    public let codeDimension: Int
    /// Training images the probe learnt from (0 without labels: no probe).
    public let trainImages: Int
    public let testImages: Int
    /// k of k-means: `Options.clusters`, else the number of classes (the largest test label + 1, at least 2), else 10.
    public let clusters: Int
    /// Whether the data have labels (the probe and the adjusted Rand index need them).
    public let labelled: Bool
    /// Test accuracy of the linear probe; nil without labels.
    public let linearProbeAccuracy: Double!
    /// Mean silhouette of the k-means clusters of the test codes: computed with or without labels.
    public let silhouette: Double
    /// Agreement of the k-means clusters with the classes; nil without labels.
    public let adjustedRandIndex: Double!
    /// DBSCAN beside k-means; nil when not asked for (`Options.dbscan` nil).
    public let dbscan: DBSCANScores?
    /// Scores of the probe and k-means that were not computed, with the reason (e.g. `["linear_probe_accuracy": "the data have no labels"]`);
    /// DBSCAN's are in `dbscan.skipped`.
    public let skipped: [String: String]
    /// Names of the scores that were computed.
    public var computed: [String] { scores.keys.sorted() }

    public var scores: [String: EvaluationScore] {
        func m(_ v: Double) -> EvaluationScore { EvaluationScore(value: v, split: "test", images: testImages, kind: .representation) }
        var out = ["silhouette": m(silhouette), "kmeans_clusters": m(Double(clusters))]
        if let p = linearProbeAccuracy { out["linear_probe_accuracy"] = m(p) }
        if let a = adjustedRandIndex { out["adjusted_rand_index"] = m(a) }
        if let d = dbscan {
            out["dbscan_clusters"] = m(Double(d.clusters))
            out["dbscan_noise_fraction"] = m(d.noiseFraction)
            out["dbscan_eps"] = m(d.eps)
            if let s = d.silhouette { out["dbscan_silhouette"] = m(s) }
            if let a = d.adjustedRandIndex { out["dbscan_adjusted_rand_index"] = m(a) }
        }
        return out
    }

    /// The codes a model gives images: posterior means (VAE, AE, PPCA), hidden
    /// probabilities (RBM), mean-field activations of every layer (DBM); nil for models without codes.
    public static func codes(of model: any TrainableModel, _ images: Tensor, labels: [Int]) throws -> Tensor? {
        if let m = model as? any LatentSpaceModel { return try? m.encode(images, labels: labels) }
        if let r = model as? RBMModel { return r.rbm.hiddenProbabilities(images) }
        if let d = model as? DBMModel { return Tensor.concatenate(d.dbm.meanField(images), axis: 1) }
        return nil
    }

    /// Scores codes of training images (with labels) and of test images (with labels); DBSCAN too when `dbscan` is given.
    public static func measure(trainCodes: Tensor, trainLabels: [Int], testCodes: Tensor, testLabels: [Int], seed: UInt64 = 2,
                               clusters: Int? = nil, dbscan: DBSCAN.Parameters? = nil) -> RepresentationEvaluation {
        let probe = Representation.linearProbe(train: trainCodes, trainLabels: trainLabels, test: testCodes, testLabels: testLabels)
        let k = clusters ?? Swift.max((testLabels.max() ?? 0) + 1, 2)
        let (assignments, silhouette) = cluster(testCodes, k: k, seed: seed)
        let density = dbscan.map { densityClusters(testCodes, $0, labels: testLabels) }
        return RepresentationEvaluation(codeDimension: testCodes.shape[1], trainImages: trainCodes.shape[0], testImages: testCodes.shape[0],
                                        clusters: k, labelled: true, linearProbeAccuracy: probe, silhouette: silhouette,
                                        adjustedRandIndex: Representation.adjustedRandIndex(assignments, testLabels), dbscan: density,
                                        skipped: [:])
    }

    /// Scores codes of test images without labels: k-means (k = `clusters`) and its silhouette;
    /// the probe and the adjusted Rand index are skipped, with `reason`.
    ///
    /// ```swift
    /// let r = RepresentationEvaluation.measure(testCodes: codes, clusters: 10)
    /// r.skipped["adjusted_rand_index"]   // "the data have no labels"
    /// ```
    public static func measure(testCodes: Tensor, clusters: Int = defaultClusters, seed: UInt64 = 2,
                               reason: String = "the data have no labels", dbscan: DBSCAN.Parameters? = nil) -> RepresentationEvaluation {
        let (_, silhouette) = cluster(testCodes, k: clusters, seed: seed)
        let density = dbscan.map { densityClusters(testCodes, $0, labels: nil, reason: reason) }
        let skipped = ["linear_probe_accuracy": reason, "adjusted_rand_index": reason]
        return RepresentationEvaluation(codeDimension: testCodes.shape[1], trainImages: 0, testImages: testCodes.shape[0],
                                        clusters: clusters, labelled: false, linearProbeAccuracy: nil, silhouette: silhouette,
                                        adjustedRandIndex: nil, dbscan: density, skipped: skipped)
    }

    /// DBSCAN of `codes`, the silhouette of its non-noise codes and, with `labels`, its adjusted Rand index
    /// (without: skipped, with `reason`).
    static func densityClusters(_ codes: Tensor, _ parameters: DBSCAN.Parameters, labels: [Int]?,
                                reason: String = "the data have no labels") -> DBSCANScores {
        let result = DBSCAN.cluster(codes, parameters: parameters)
        let kept = result.labels.indices.filter { result.labels[$0] != DBSCAN.noise }
        let silhouette = result.clusters >= 2
            ? Representation.silhouette(codes.gatherRows(kept), kept.map { result.labels[$0] }) : nil
        var skipped: [String: String] = [:]
        if silhouette == nil {
            skipped["dbscan_silhouette"] = "DBSCAN found \(result.clusters) cluster\(result.clusters == 1 ? "" : "s") (a silhouette needs 2)"
        }
        if labels == nil { skipped["dbscan_adjusted_rand_index"] = reason }
        return DBSCANScores(eps: result.eps, epsChosen: result.epsChosen, minPoints: result.minPoints, clusters: result.clusters,
                            noiseFraction: result.noiseFraction, silhouette: silhouette,
                            adjustedRandIndex: labels.map { Representation.adjustedRandIndex(result.labels, $0) }, skipped: skipped)
    }

    /// k-means of `codes` (seeded) and the mean silhouette of its clusters.
    static func cluster(_ codes: Tensor, k: Int, seed: UInt64) -> (assignments: [Int], silhouette: Double) {
        var rng = RandomGenerator(seed: seed)
        let assignments = Representation.kMeans(codes, k: Swift.min(k, codes.shape[0]), rng: &rng).assignments
        return (assignments, Representation.silhouette(codes, assignments))
    }

    /// Encodes the run's test images (and, with labels, training images), scores
    /// the codes and records the result in its evaluation.json. Unlabelled data
    /// get k-means, DBSCAN and their silhouettes only.
    public static func evaluate(_ run: RunDirectory, model: any TrainableModel, options: Options) throws -> RepresentationEvaluation {
        if let k = options.clusters, k < 2 { throw LatentError.invalidArgument("--clusters must be at least 2, got \(k)") }
        if let d = options.dbscan {
            guard d.minPoints >= 1 else { throw LatentError.invalidArgument("--dbscan-min-points must be at least 1, got \(d.minPoints)") }
            if let eps = d.eps, !(eps.isFinite && eps > 0) {
                throw LatentError.invalidArgument("--dbscan-eps must be a finite number above 0, got \(eps)")
            }
        }
        let data = try PreparedData.load(run.config.data, testLimit: options.testLimit)
        guard data.test.count >= 2 else { throw LatentError.invalidArgument("--representation needs at least 2 test images") }
        let labelled = data.train.hasLabels && data.test.hasLabels
        let noCodes = LatentError.invalidArgument("model '\(run.config.family)' has no codes to probe (VAE, AE, PPCA, RBM and DBM do)")
        guard let testCodes = try codes(of: model, data.evaluationImages(data.test), labels: data.test.labels) else { throw noCodes }
        let result: RepresentationEvaluation
        if labelled {
            let trainSet = data.train.subset(PreparedData.fixedSubset(count: data.train.count, limit: options.trainLimit))
            guard let trainCodes = try codes(of: model, data.evaluationImages(trainSet), labels: trainSet.labels) else { throw noCodes }
            result = measure(trainCodes: trainCodes, trainLabels: trainSet.labels, testCodes: testCodes, testLabels: data.test.labels,
                             seed: options.seed, clusters: options.clusters, dbscan: options.dbscan)
        } else {
            result = measure(testCodes: testCodes, clusters: options.clusters ?? defaultClusters, seed: options.seed, dbscan: options.dbscan)
        }
        try RunEvaluation.record(result, into: run)
        return result
    }
}

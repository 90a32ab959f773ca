import Foundation
import LatentTensor
import LatentData
import LatentOutput
import LatentEvaluation
import LatentModels
import LatentRuns

/// What `TrainedRun.anomaly` scores: `latent anomaly`'s options.
///
/// ```swift
/// let result = try run.anomaly(AnomalyOptions(other: "fashion-mnist", images: 1_000))
/// for s in result.scores { print(s.name, s.auroc) }
/// ```
public struct AnomalyOptions: Sendable {
    /// The out-of-distribution data set: a registered name (`fashion-mnist`) or a path, with
    /// images of the run's shape; it is scaled and binarized as the run's own data.
    public var other: String
    /// Test images scored from each data set (the fixed subset `latent evaluate` uses).
    public var images = 1_000
    /// Draws from q(z|x) per image for a VAE's −ELBO and importance-sampled NLL.
    public var samples = 10
    /// Seed of those draws.
    public var seed: UInt64 = 1

    public init(other: String, images: Int = 1_000, samples: Int = 10, seed: UInt64 = 1) {
        self.other = other
        self.images = images
        self.samples = samples
        self.seed = seed
    }
}

/// Out-of-distribution detection: the run's own test images (in-distribution,
/// negatives) and another data set's test images (out-of-distribution,
/// positives) scored by the model, each score judged by its AUROC. Every
/// score is higher for images the model finds less likely: the reconstruction
/// error (any model that reconstructs) and the negative log-likelihood or its
/// bound (VAE: −ELBO and the importance-sampled NLL; PPCA: the exact NLL; RBM:
/// the free energy, which is −log p(v) − log Z; DBM: the negative variational
/// bound without log Z — a constant changes no AUROC).
public struct AnomalyDetection {
    /// One way of scoring images, with the scores of both sets.
    public struct Score: Sendable {
        /// "reconstruction_error", "neg_elbo", "is_nll", "nll", "free_energy", "neg_lower_bound".
        public let name: String
        /// What the number is, for captions.
        public let description: String
        /// Per image, the run's test images and the other data set's.
        public let inDistribution: [Double], outOfDistribution: [Double]
        /// P(an out-of-distribution image scores above an in-distribution one), ties counting ½.
        public let auroc: Double
    }

    public let directory: RunDirectory
    /// The run's data set and the other one, as given.
    public let data: String, other: String
    public let scores: [Score]

    public var inImages: Int { scores.first?.inDistribution.count ?? 0 }
    public var outImages: Int { scores.first?.outOfDistribution.count ?? 0 }

    public func score(_ name: String) -> Score? { scores.first { $0.name == name } }

    /// The AUROCs as evaluation.json entries ("anomaly_auroc_" + score), on the test splits of both sets.
    public var evaluationScores: [String: EvaluationScore] {
        Dictionary(uniqueKeysWithValues: scores.map {
            ("anomaly_auroc_" + $0.name, EvaluationScore(value: $0.auroc, split: "test", images: inImages + outImages, kind: .anomaly))
        })
    }

    /// Writes, for each score, plots/anomaly-<score>.svg (the two histograms
    /// overlaid beside the ROC curve), anomaly.json (every AUROC with the data
    /// sets and image counts), adds the AUROCs to evaluation.json and rewrites
    /// report.html; returns the paths written.
    @discardableResult
    public func write() throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory.plots, withIntermediateDirectories: true)
        var paths: [String] = []
        // Legends name the data sets by their last path component, kept short so the plot keeps its width.
        func short(_ source: String) -> String {
            let last = source.split(separator: "/").last.map(String.init) ?? source
            return last.count > 20 ? String(last.prefix(19)) + "…" : last
        }
        let inName = "in: \(short(data)) (\(inImages))", outName = "out: \(short(other)) (\(outImages))"
        for s in scores {
            var histogram = LineChart(title: "Anomaly score \(s.name) of the test images", xLabel: s.description, yLabel: "fraction of images")
            let (edges, inFractions, outFractions) = Self.histograms(s.inDistribution, s.outOfDistribution)
            histogram.add(inName, x: Self.steps(edges, inFractions).x, y: Self.steps(edges, inFractions).y)
            histogram.add(outName, x: Self.steps(edges, outFractions).x, y: Self.steps(edges, outFractions).y)
            histogram.width = 680
            let roc = AUROC.curve(positives: s.outOfDistribution, negatives: s.inDistribution)
            var curve = LineChart(title: String(format: "ROC curve, AUROC %.3f", s.auroc), xLabel: "false positive rate (in-distribution flagged)",
                                  yLabel: "true positive rate (out-of-distribution flagged)")
            curve.add("\(s.name)", x: roc.map(\.falsePositiveRate), y: roc.map(\.truePositiveRate))
            curve.add("chance", x: [0, 1], y: [0, 1], dashed: true)
            curve.width = 520
            let path = directory.plot("anomaly-\(s.name).svg")
            try LineChart.writePanels([histogram, curve], to: path)
            paths.append(path)
        }
        let json: [String: Any] = [
            "in_distribution": ["data": data, "split": "test", "images": inImages],
            "out_of_distribution": ["data": other, "split": "test", "images": outImages],
            "positive": "out_of_distribution",
            "scores": Dictionary(uniqueKeysWithValues: scores.map { s in
                (s.name, ["auroc": s.auroc, "description": s.description,
                          "mean_in": s.inDistribution.reduce(0, +) / Double(s.inDistribution.count),
                          "mean_out": s.outOfDistribution.reduce(0, +) / Double(s.outOfDistribution.count)] as [String: Any])
            }),
        ]
        let file = directory.path + "/anomaly.json"
        try AtomicFile.write(try JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted, .sortedKeys]),
                             to: URL(fileURLWithPath: file))
        paths.append(file)
        try RunEvaluation.record(evaluationScores, into: directory)
        try RunReport.write(directory)
        return paths
    }

    /// 30 bins over the pooled scores' 0.5–99.5 % quantiles (the rest counted in the end bins);
    /// each set's counts as fractions of its images.
    static func histograms(_ a: [Double], _ b: [Double], bins: Int = 30) -> (edges: [Double], a: [Double], b: [Double]) {
        let pooled = (a + b).sorted()
        var low = pooled[Int(Double(pooled.count - 1) * 0.005)], high = pooled[Int(Double(pooled.count - 1) * 0.995)]
        if high <= low { low -= 0.5; high += 0.5 }
        let width = (high - low) / Double(bins)
        func fractions(_ values: [Double]) -> [Double] {
            var counts = [Double](repeating: 0, count: bins)
            for v in values { counts[Swift.min(bins - 1, Swift.max(0, Int((v - low) / width)))] += 1 }
            return counts.map { $0 / Double(values.count) }
        }
        return ((0...bins).map { low + Double($0) * width }, fractions(a), fractions(b))
    }

    /// The outline of a histogram as a polyline: up, across each bin, down.
    static func steps(_ edges: [Double], _ heights: [Double]) -> (x: [Double], y: [Double]) {
        var x = [edges[0]], y = [0.0]
        for (i, h) in heights.enumerated() { x += [edges[i], edges[i + 1]]; y += [h, h] }
        return (x + [edges[heights.count]], y + [0])
    }
}

extension LineChart {
    /// Charts side by side in one SVG file (each chart keeps its own width; the height is the tallest).
    static func writePanels(_ charts: [LineChart], to path: String) throws {
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(charts.map(\.width).reduce(0, +))\" height=\"\(charts.map(\.height).max() ?? 0)\">\n"
        var x = 0
        for chart in charts {
            var inner = chart.svg()
            if let open = inner.range(of: "<svg ") { inner.replaceSubrange(open, with: "<svg x=\"\(x)\" y=\"0\" ") }
            svg += inner
            x += chart.width
        }
        try AtomicFile.write(Data((svg + "</svg>\n").utf8), to: URL(fileURLWithPath: path))
    }
}

extension TrainedRun {
    /// Scores the run's test images and `options.other`'s test images by every
    /// anomaly score the model has (see `AnomalyDetection`) and computes each
    /// score's AUROC with the other data set as the positive class.
    ///
    /// ```swift
    /// let result = try TrainedRun.open("vae-mnist").anomaly(AnomalyOptions(other: "fashion-mnist"))
    /// try result.write()   // plots/anomaly-neg_elbo.svg, …, anomaly.json
    /// ```
    public func anomaly(_ options: AnomalyOptions) throws -> AnomalyDetection {
        guard options.images >= 1, options.samples >= 1 else {
            throw LatentError.invalidArgument("anomaly needs at least 1 image and 1 sample, got \(options.images) and \(options.samples)")
        }
        let scorers = try anomalyScorers(samples: options.samples)
        let inData = try PreparedData.load(config.data, testLimit: options.images)
        var otherOptions = config.data
        otherOptions.source = options.other
        otherOptions.validation = 0
        otherOptions.limit = 1   // only the test split is scored
        let outData = try PreparedData.load(otherOptions, testLimit: options.images)
        guard outData.imageShape == imageShape else {
            throw LatentError.invalidArgument("\(options.other) has images of shape \(outData.imageShape) but \(name) was trained on \(imageShape): anomaly scores need images of the same shape")
        }
        let (inside, outside) = (TestImages(inData), TestImages(outData))
        guard inside.count > 0, outside.count > 0 else {
            throw LatentError.invalidArgument("anomaly needs test images in both data sets (\(inside.count) in \(config.data.source), \(outside.count) in \(options.other))")
        }
        let scores = try scorers.map { scorer -> AnomalyDetection.Score in
            var rng = RandomGenerator(seed: options.seed)
            let a = try scorer.score(inside.images, &rng)
            rng = RandomGenerator(seed: options.seed)
            let b = try scorer.score(outside.images, &rng)
            guard (a + b).allSatisfy(\.isFinite) else {
                throw LatentError.invalidArgument("\(name) gives non-finite \(scorer.name) scores: the model is unusable for anomaly detection")
            }
            return AnomalyDetection.Score(name: scorer.name, description: scorer.description, inDistribution: a, outOfDistribution: b,
                                          auroc: AUROC.area(positives: b, negatives: a))
        }
        return AnomalyDetection(directory: directory, data: config.data.source, other: options.other, scores: scores)
    }

    /// A per-image score, higher = less like the training data.
    struct AnomalyScorer {
        let name: String
        let description: String
        let score: (Tensor, inout RandomGenerator) throws -> [Double]
    }

    /// Every anomaly score the model gives, or one line naming the families that give one.
    func anomalyScorers(samples: Int) throws -> [AnomalyScorer] {
        if let vae = model as? VAEModel, vae.conditionalClasses != nil {
            throw LatentError.invalidArgument("\(name) is a conditional VAE: its scores depend on the class it is given; anomaly detection needs an unconditional model")
        }
        var scorers: [AnomalyScorer] = []
        if let model = model as? any ReconstructingModel {
            scorers.append(AnomalyScorer(name: "reconstruction_error", description: "squared error per pixel of the reconstruction") { x, rng in
                try inChunks(x) { rows in
                    let r = try model.reconstruct(rows, labels: [Int](repeating: 0, count: rows.shape[0]), rng: &rng)
                    return withoutGradient { ((r - rows) * (r - rows)).mean(axis: 1).scalars.map(Double.init) }
                }
            })
        }
        switch model {
        case let vae as VAEModel:
            // S single-draw log weights log p(x|z)p(z)/q(z|x) per image: their mean is the ELBO, their log-mean-exp the IS bound.
            func logWeights(_ x: Tensor, _ rng: inout RandomGenerator) -> [[Double]] {
                (0..<samples).map { _ in vae.vae.importanceSampledNLL(x, samples: 1, rng: &rng).map { -$0 } }
            }
            scorers.append(AnomalyScorer(name: "neg_elbo", description: "−ELBO in nats (mean of \(samples) draws)") { x, rng in
                inChunks(x) { rows in
                    let w = logWeights(rows, &rng)
                    return (0..<rows.shape[0]).map { i in -w.map { $0[i] }.reduce(0, +) / Double(samples) }
                }
            })
            scorers.append(AnomalyScorer(name: "is_nll", description: "importance-sampled NLL in nats (\(samples) samples)") { x, rng in
                inChunks(x) { rows in
                    let w = logWeights(rows, &rng)
                    return (0..<rows.shape[0]).map { i in
                        let column = w.map { $0[i] }, top = column.max()!
                        return -(top + Foundation.log(column.map { Foundation.exp($0 - top) }.reduce(0, +) / Double(samples)))
                    }
                }
            })
        case let ppca as PPCAModel:
            guard let fitted = ppca.fitted else { throw LatentError.invalidArgument("\(name): the PPCA model has not been fitted yet") }
            scorers.append(AnomalyScorer(name: "nll", description: "negative log-likelihood in nats") { x, _ in fitted.logLikelihood(x).map { -$0 } })
        case let rbm as RBMModel:
            scorers.append(AnomalyScorer(name: "free_energy", description: "free energy F(v) = −log p(v) − log Z") { x, _ in
                inChunks(x) { rbm.rbm.freeEnergy($0).scalars.map(Double.init) }
            })
        case let model as any PartitionFunctionModel:
            scorers.append(AnomalyScorer(name: "neg_lower_bound", description: "−(variational bound on log p(v)) − log Z") { x, _ in
                inChunks(x) { model.logLikelihood($0, logPartition: 0).map { -$0 } }
            })
        default: break
        }
        if scorers.isEmpty {   // one line naming the families that score images
            _ = try capability("anomaly", { _ in nil as Int? }, { $0 is any ReconstructingModel.Type || $0 is any PartitionFunctionModel.Type })
        }
        return scorers
    }
}

/// `body` applied to rows of `x` 500 at a time, the results joined in order.
func inChunks<T>(_ x: Tensor, size: Int = 500, _ body: (Tensor) throws -> [T]) rethrows -> [T] {
    var out: [T] = []
    out.reserveCapacity(x.shape[0])
    var start = 0
    while start < x.shape[0] {
        let end = Swift.min(start + size, x.shape[0])
        out += try body(x.rows(start..<end))
        start = end
    }
    return out
}

import Foundation
import LatentTensor
import LatentData
import LatentOutput
import LatentEvaluation
import LatentModels
import LatentRuns

/// What `TrainedRun.robustness` corrupts and scores: `latent robustness`'s options.
///
/// ```swift
/// let result = try run.robustness(RobustnessOptions(noiseLevels: [0, 0.2, 0.5], occlusionLevels: [0, 0.25, 0.5]))
/// for p in result.points { print(p.corruption, p.level, p.probeAccuracy ?? .nan, p.reconstructionError ?? .nan) }
/// ```
public struct RobustnessOptions: Sendable {
    /// Standard deviations σ of Gaussian noise added to every pixel, on the [0, 1] scale
    /// whatever the run's pixel range; the noisy pixels are clamped into the range.
    public var noiseLevels: [Float]
    /// Fractions of the image's area (0 ≤ f < 1) hidden by a black square, one square per
    /// image at a random place (the same place at every level).
    public var occlusionLevels: [Float]
    /// Test images scored at each level (the fixed subset `latent evaluate` uses).
    public var scored: Int
    /// Training images whose clean codes train the linear probe (a fixed random subset).
    public var trainImages: Int
    /// Seed of the noise and of the squares' places.
    public var seed: UInt64

    public static let defaultNoiseLevels: [Float] = [0, 0.1, 0.2, 0.3, 0.5]
    public static let defaultOcclusionLevels: [Float] = [0, 0.1, 0.2, 0.3, 0.5]

    public init(noiseLevels: [Float] = defaultNoiseLevels, occlusionLevels: [Float] = defaultOcclusionLevels, scored: Int = 1_000,
                trainImages: Int = 5_000, seed: UInt64 = 1) {
        self.noiseLevels = noiseLevels
        self.occlusionLevels = occlusionLevels
        self.scored = scored
        self.trainImages = trainImages
        self.seed = seed
    }
}

/// How a model's codes and reconstructions hold up as its test images are
/// corrupted: at each level of Gaussian noise and of occlusion, the accuracy of
/// a linear probe (trained once, on the clean codes of training images) on the
/// codes of the corrupted test images, and the error of the reconstruction of
/// the corrupted image against the clean one. Without labels there is no probe
/// (nothing to predict) and the reconstruction error stands alone; `skipped` says why.
public struct Robustness {
    public enum Corruption: String, Sendable, CaseIterable {
        /// Additive Gaussian noise; the level is σ on the [0, 1] scale.
        case noise
        /// A black square; the level is the fraction of the image it covers.
        case occlusion
    }

    /// One level of one corruption.
    public struct Point: Sendable {
        public let corruption: Corruption
        public let level: Float
        /// Accuracy of the probe on the corrupted images' codes; nil without labels or codes.
        public let probeAccuracy: Double?
        /// Mean squared error per pixel (in the data's range) of the reconstruction of the
        /// corrupted image against the clean image; nil for models that do not reconstruct.
        public let reconstructionError: Double?
    }

    public let directory: RunDirectory
    /// The scores of the clean test images.
    public let clean: Point
    /// Every level of `noise`, then every level of `occlusion`, in the order asked.
    public let points: [Point]
    /// Test images behind each point.
    public let testImages: Int
    /// Training images the probe learnt from (0: no probe).
    public let trainImages: Int
    /// Scores that were not computed, with the reason.
    public let skipped: [String: String]

    public func points(_ corruption: Corruption) -> [Point] { points.filter { $0.corruption == corruption } }

    /// Writes the scores against the level, one panel per score (probe
    /// accuracy, reconstruction error), each with a curve per corruption
    /// (default plots/robustness.svg); rewrites report.html; returns the path.
    @discardableResult
    public func write(plot: String? = nil) throws -> String {
        let xLabel = "level: noise σ, or fraction of the image occluded"
        var charts: [LineChart] = []
        let panels: [(title: String, yLabel: String, value: (Point) -> Double?)] = [
            ("Linear probe on the codes of corrupted test images", "test accuracy", { $0.probeAccuracy }),
            ("Reconstruction of corrupted test images", "squared error per pixel to the clean image", { $0.reconstructionError }),
        ]
        for (title, yLabel, value) in panels where value(clean) != nil {
            var chart = LineChart(title: title, xLabel: xLabel, yLabel: yLabel)
            for corruption in Corruption.allCases {
                let points = self.points(corruption)
                guard !points.isEmpty else { continue }
                chart.add(corruption == .noise ? "Gaussian noise" : "occluding square", x: points.map { Double($0.level) },
                          y: points.map { value($0)! }, dashed: corruption == .occlusion)
            }
            chart.width = 600
            charts.append(chart)
        }
        let plot = plot ?? directory.plot("robustness.svg")
        try FileManager.default.createDirectory(atPath: directory.plots, withIntermediateDirectories: true)
        try LineChart.writePanels(charts, to: plot)
        try RunReport.write(directory)
        return plot
    }
}

extension TrainedRun {
    /// Corrupts test images with growing Gaussian noise and growing occlusion and
    /// scores each level (see `Robustness`): the probe on codes (models with
    /// codes — VAE, AE, PPCA, RBM, DBM — on labelled data) and the reconstruction error.
    ///
    /// ```swift
    /// let result = try TrainedRun.open("vae-mnist").robustness()
    /// try result.write()   // plots/robustness.svg
    /// ```
    public func robustness(_ options: RobustnessOptions = RobustnessOptions()) throws -> Robustness {
        guard options.scored >= 1, options.trainImages >= 1 else {
            throw LatentError.invalidArgument("the numbers of images must be at least 1, got \(options.scored) and \(options.trainImages)")
        }
        if let bad = options.noiseLevels.first(where: { !($0.isFinite && $0 >= 0) }) {
            throw LatentError.invalidArgument("noise levels must be finite and at least 0, got \(bad)")
        }
        if let bad = options.occlusionLevels.first(where: { !($0 >= 0 && $0 < 1) }) {
            throw LatentError.invalidArgument("occlusion levels are fractions of the image: at least 0 and below 1, got \(bad)")
        }
        let reconstructor = model as? any ReconstructingModel
        let data = try PreparedData.load(config.data, testLimit: options.scored)
        guard data.imageShape == imageShape else {
            throw LatentError.invalidArgument("the data of \(name) now have images of shape \(data.imageShape), the run was trained on \(imageShape)")
        }
        let test = TestImages(data)
        guard test.count > 0 else { throw LatentError.invalidArgument("the data of \(name) have no test images") }
        let x = test.images
        let hasCodes = try RepresentationEvaluation.codes(of: model, x.rows(0..<1), labels: [test.labels[0]]) != nil
        if reconstructor == nil && !hasCodes {
            _ = try capability("robustness", { _ in nil as Int? }, { $0 is any ReconstructingModel.Type })
        }
        var skipped: [String: String] = [:]
        if reconstructor == nil { skipped["reconstruction_error"] = "model '\(config.family)' does not reconstruct" }
        // The probe: clean codes of training images, trained afresh with the same seed for each
        // level (`Representation.linearProbe` trains and scores in one call), so every level meets the same probe.
        var probe: ((Tensor) throws -> Double)?
        var trainCount = 0
        if !hasCodes {
            skipped["linear_probe_accuracy"] = "model '\(config.family)' has no codes"
        } else if !(data.train.hasLabels && test.hasLabels) {
            skipped["linear_probe_accuracy"] = "the data have no labels: a probe needs classes to predict, so only the reconstruction error is measured"
        } else {
            let trainSet = data.train.subset(PreparedData.fixedSubset(count: data.train.count, limit: options.trainImages))
            let trainCodes = try codes(data.evaluationImages(trainSet), labels: trainSet.labels)
            trainCount = trainSet.count
            probe = { corrupted in
                Representation.linearProbe(train: trainCodes, trainLabels: trainSet.labels,
                                           test: try self.codes(corrupted, labels: test.labels), testLabels: test.labels)
            }
        }
        let labels = test.labels
        func score(_ corruption: Robustness.Corruption, _ level: Float, _ corrupted: Tensor) throws -> Robustness.Point {
            let error = try reconstructor.map { model -> Double in
                var rng = RandomGenerator(seed: options.seed)
                var sum = 0.0
                var start = 0
                while start < x.shape[0] {
                    let end = Swift.min(start + 500, x.shape[0])
                    let restored = try model.reconstruct(corrupted.rows(start..<end), labels: Array(labels[start..<end]), rng: &rng)
                    let clean = x.rows(start..<end)
                    sum += withoutGradient { Double(((restored - clean) * (restored - clean)).sum().item) }
                    start = end
                }
                return sum / Double(x.shape[0] * x.shape[1])
            }
            return Robustness.Point(corruption: corruption, level: level, probeAccuracy: try probe?(corrupted), reconstructionError: error)
        }
        let clean = try score(.noise, 0, x)
        var points: [Robustness.Point] = []
        for level in options.noiseLevels {
            points.append(try score(.noise, level, try corrupt(x, .noise, level, seed: options.seed)))
        }
        for level in options.occlusionLevels {
            points.append(try score(.occlusion, level, try corrupt(x, .occlusion, level, seed: options.seed)))
        }
        return Robustness(directory: directory, clean: clean, points: points, testImages: x.shape[0], trainImages: trainCount, skipped: skipped)
    }

    /// `images` (rows in the data's range) corrupted at `level`; level 0 leaves them exactly as they are.
    func corrupt(_ images: Tensor, _ corruption: Robustness.Corruption, _ level: Float, seed: UInt64) throws -> Tensor {
        guard level > 0 else { return images }
        let scale = config.data.scale
        var rng = RandomGenerator(seed: seed)
        switch corruption {
        case .noise:
            let noisy = scale.toUnit(images) + Tensor.normal(images.shape, std: level, rng: &rng)
            return scale.fromUnit(noisy.clamped(min: 0, max: 1)).detached()
        case .occlusion:
            let (channels, height, width) = (imageShape[0], imageShape[1], imageShape[2])
            let side = Swift.min(Int((Double(level) * Double(height * width)).squareRoot().rounded()), height, width)
            let n = images.shape[0], d = channels * height * width
            var keep = [Float](repeating: 1, count: n * d)
            for i in 0..<n {
                // The square's place: one uniform draw per image, the same at every level.
                let (u, v) = (Double(rng.nextUniform()), Double(rng.nextUniform()))
                let top = Swift.min(Int(u * Double(height - side + 1)), height - side)
                let left = Swift.min(Int(v * Double(width - side + 1)), width - side)
                for c in 0..<channels {
                    for y in top..<(top + side) {
                        for x in left..<(left + side) { keep[i * d + (c * height + y) * width + x] = 0 }
                    }
                }
            }
            let mask = Tensor(keep, shape: [n, d])
            let black = scale.fromUnit(Tensor([0]))   // 0 on the [0, 1] scale
            return (images * mask + (1 - mask) * black).detached()
        }
    }

    /// The codes of `images` (see `RepresentationEvaluation.codes`), 500 rows at a time.
    func codes(_ images: Tensor, labels: [Int]) throws -> Tensor {
        var parts: [Tensor] = []
        var start = 0
        while start < images.shape[0] {
            let end = Swift.min(start + 500, images.shape[0])
            guard let c = try RepresentationEvaluation.codes(of: model, images.rows(start..<end), labels: Array(labels[start..<end])) else {
                throw LatentError.invalidArgument("model '\(config.family)' has no codes")
            }
            parts.append(c)
            start = end
        }
        return parts.count == 1 ? parts[0] : Tensor.concatenate(parts, axis: 0)
    }
}

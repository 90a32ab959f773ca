import Foundation
import LatentTensor
import LatentNN
import LatentOutput
import LatentModels
import LatentRuns

/// What `TrainedRun.denoise` corrupts and scores: `latent denoise`'s options.
///
/// ```swift
/// let result = try run.denoise(DenoisingOptions(noise: "gaussian:0.3", levels: [0, 0.2, 0.4]))
/// for p in result.points { print(p.level, p.noisyError, p.restoredError) }
/// ```
public struct DenoisingOptions: Sendable {
    /// The corruption of the figure, "gaussian:STD" or "mask:P" (nil: the run's own training noise, else gaussian:0.3).
    public var noise: String?
    /// Levels of the same kind for the score table (nil: 0, 0.1, 0.2, 0.3, 0.5, 0.7).
    public var levels: [Float]?
    /// Test images in the figure.
    public var count = 8
    /// Test images scored at each level (a fixed subset, as `evaluate` uses).
    public var scored = 1_000
    public var seed: UInt64 = 1

    public static let defaultLevels: [Float] = [0, 0.1, 0.2, 0.3, 0.5, 0.7]

    public init(noise: String? = nil, levels: [Float]? = nil, count: Int = 8, scored: Int = 1_000, seed: UInt64 = 1) {
        self.noise = noise
        self.levels = levels
        self.count = count
        self.scored = scored
        self.seed = seed
    }
}

/// Test images corrupted, restored by the model, and the restoration's error against the clean images at several noise levels.
public struct Denoising {
    /// One noise level of the table.
    public struct Point: Sendable {
        public let level: Float
        /// Mean squared error per pixel of the corrupted input against the clean image (in the data's range).
        public let noisyError: Double
        /// Mean squared error per pixel of the model's reconstruction of the corrupted input against the clean image.
        public let restoredError: Double
    }

    public let directory: RunDirectory
    /// The corruption of the figure ("gaussian:0.3").
    public let noise: String
    /// [N, C, H, W] in [0, 1]: the corrupted inputs, their reconstructions, the clean originals.
    public let noisy: Tensor, restored: Tensor, clean: Tensor
    public let points: [Point]
    /// Test images behind each point.
    public let scored: Int

    /// Writes the rows noisy → restored → clean (default images/denoise.png) and
    /// the errors against the level (default plots/denoise.svg); returns both paths.
    public func write(figure: String? = nil, plot: String? = nil) throws -> (figure: String, plot: String) {
        let figure = figure ?? directory.image("denoise.png")
        try ImageGrid.stackedRows([noisy, restored, clean], captions: ["input with \(noise)", "reconstruction", "clean original"])
            .write(to: figure)
        let plot = plot ?? directory.plot("denoise.svg")
        var chart = LineChart(title: "Denoising: error against the clean test images", xLabel: noise.split(separator: ":")[0] == "mask" ? "masking probability" : "noise standard deviation",
                              yLabel: "mean squared error per pixel")
        chart.add("corrupted input", x: points.map { Double($0.level) }, y: points.map(\.noisyError), dashed: true)
        chart.add("reconstruction", x: points.map { Double($0.level) }, y: points.map(\.restoredError), dashed: false)
        try FileManager.default.createDirectory(atPath: directory.plots, withIntermediateDirectories: true)
        try chart.write(to: plot)
        return (figure, plot)
    }
}

extension TrainedRun {
    /// Corrupts test images, lets the model reconstruct them and scores the
    /// reconstruction against the clean images at each level (VAE, AE, PPCA, RBM, DBM;
    /// made for the denoising autoencoder, whose default noise is its training noise).
    public func denoise(_ options: DenoisingOptions = DenoisingOptions()) throws -> Denoising {
        let model = try capability("denoise", { $0 as? any ReconstructingModel }, { $0 is any ReconstructingModel.Type })
        guard options.count >= 1, options.scored >= 1 else {
            throw LatentError.invalidArgument("the numbers of images must be at least 1, got \(options.count) and \(options.scored)")
        }
        let text = options.noise ?? (self.model as? AutoencoderModel)?.options.noise ?? "gaussian:0.3"
        let noise = try InputNoise(text)
        let levels = options.levels ?? DenoisingOptions.defaultLevels
        let kind = text.split(separator: ":")[0]
        let test = try testImages(limit: Swift.max(options.count, options.scored))
        let n = Swift.min(options.scored, test.images.shape[0])
        let (x, labels) = (test.images.rows(0..<n), Array(test.labels.prefix(n)))
        let points = try levels.map { level -> Denoising.Point in
            var rng = RandomGenerator(seed: options.seed)
            let noisy = try InputNoise("\(kind):\(level)").apply(x, rng: &rng)
            let restored = try model.reconstruct(noisy, labels: labels, rng: &rng)
            return withoutGradient {
                Denoising.Point(level: level, noisyError: Double(Loss.meanSquaredError(noisy, x).item),
                                restoredError: Double(Loss.meanSquaredError(restored, x).item))
            }
        }
        let shown = test.images.rows(0..<Swift.min(options.count, test.images.shape[0]))
        var rng = RandomGenerator(seed: options.seed)
        let noisy = noise.apply(shown, rng: &rng)
        let restored = try model.reconstruct(noisy, labels: Array(test.labels.prefix(shown.shape[0])), rng: &rng)
        return Denoising(directory: directory, noise: text, noisy: pictures(noisy), restored: pictures(restored), clean: pictures(shown),
                         points: points, scored: n)
    }
}

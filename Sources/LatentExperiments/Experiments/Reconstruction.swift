import LatentTensor
import LatentNN
import LatentOutput
import LatentModels
import LatentRuns

/// What `TrainedRun.reconstruct` shows: `latent reconstruct`'s options.
///
/// ```swift
/// let result = try run.reconstruct(ReconstructionOptions(count: 16))
/// print(result.meanSquaredError)
/// ```
public struct ReconstructionOptions: Sendable {
    /// Test images to reconstruct (the first ones of the test split).
    public var count = 16
    /// Seed for models whose reconstruction draws (an RBM's Gibbs step).
    public var seed: UInt64 = 1
    /// Also draw each reconstruction's pixels x ~ p(x | z) from the model's
    /// likelihood (`PixelDrawingModel`), shown as a third set beside the mean.
    public var draw = false

    public init(count: Int = 16, seed: UInt64 = 1, draw: Bool = false) {
        self.count = count
        self.seed = seed
        self.draw = draw
    }
}

/// Unseen test images and the model's reconstructions of them.
public struct Reconstructions {
    public let directory: RunDirectory
    /// The test images, [N, C, H, W] in [0, 1].
    public let originals: Tensor
    /// Their reconstructions, [N, C, H, W] in [0, 1].
    public let reconstructions: Tensor
    /// Mean squared error per pixel, in the data's own range (as trained).
    public let meanSquaredError: Double
    /// With `draw`: the reconstructions' pixels drawn from p(x | z), [N, C, H, W] in [0, 1].
    public var drawn: Tensor? = nil

    public var count: Int { originals.shape[0] }

    /// Writes originals beside reconstructions ("real", "reconstructed") to
    /// `path` (default: the run's images/reconstruct-test.png); with drawn
    /// pixels, "real", "mean", "drawn" (default: images/reconstruct-test-drawn.png).
    /// Returns the path. A picture in the run's images/ refreshes its report.html.
    public func write(to path: String? = nil) throws -> String {
        let inRun = directory.image(drawn == nil ? "reconstruct-test.png" : "reconstruct-test-drawn.png")
        let path = path ?? inRun
        let sets = [originals, reconstructions] + (drawn.map { [$0] } ?? [])
        let captions = drawn == nil ? ["real", "reconstructed"] : ["real", "mean", "drawn"]
        try ImageGrid.sideBySide(sets, captions: captions, columns: ImageGrid.squareColumns(count), scale: 2).write(to: path)
        if path == inRun { _ = try RunReport.write(directory) }   // report.html shows the new picture
        return path
    }
}

extension TrainedRun {
    /// Reconstructs the first `count` test images (VAE, AE, PPCA, RBM, DBM);
    /// with `draw`, also draws their pixels from the model's likelihood.
    /// `meanSquaredError` is always the mean reconstruction's.
    public func reconstruct(_ options: ReconstructionOptions = ReconstructionOptions()) throws -> Reconstructions {
        let model = try capability("reconstruct", { $0 as? any ReconstructingModel }, { $0 is any ReconstructingModel.Type })
        guard options.count >= 1 else { throw LatentError.invalidArgument("the number of images must be at least 1, got \(options.count)") }
        let test = try testImages(limit: options.count)
        var rng = RandomGenerator(seed: options.seed)
        let back = try model.reconstruct(test.images, labels: test.labels, rng: &rng)
        let mse = withoutGradient { Loss.meanSquaredError(back, test.images).item }
        var result = Reconstructions(directory: directory, originals: pictures(test.images), reconstructions: pictures(back),
                                     meanSquaredError: Double(mse))
        if options.draw {
            var drawRNG = RandomGenerator(seed: options.seed &+ 1)
            result.drawn = pictures(clippedToData(try pixelDrawer("reconstruct").drawReconstructions(test.images, labels: test.labels, rng: &drawRNG)))
        }
        return result
    }
}

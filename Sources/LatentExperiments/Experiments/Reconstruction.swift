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

    public init(count: Int = 16, seed: UInt64 = 1) {
        self.count = count
        self.seed = seed
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

    public var count: Int { originals.shape[0] }

    /// Writes originals beside reconstructions ("real", "reconstructed") to
    /// `path` (default: the run's images/reconstruct-test.png); returns the path.
    public func write(to path: String? = nil) throws -> String {
        let path = path ?? directory.image("reconstruct-test.png")
        try ImageGrid.sideBySide([originals, reconstructions], captions: ["real", "reconstructed"],
                                 columns: ImageGrid.squareColumns(count), scale: 2).write(to: path)
        return path
    }
}

extension TrainedRun {
    /// Reconstructs the first `count` test images (VAE, AE, PPCA, RBM, DBM).
    public func reconstruct(_ options: ReconstructionOptions = ReconstructionOptions()) throws -> Reconstructions {
        let model = try capability("reconstruct", { $0 as? any ReconstructingModel }, { $0 is any ReconstructingModel.Type })
        guard options.count >= 1 else { throw LatentError.invalidArgument("the number of images must be at least 1, got \(options.count)") }
        let test = try testImages(limit: options.count)
        var rng = RandomGenerator(seed: options.seed)
        let back = try model.reconstruct(test.images, labels: test.labels, rng: &rng)
        let mse = withoutGradient { Loss.meanSquaredError(back, test.images).item }
        return Reconstructions(directory: directory, originals: pictures(test.images), reconstructions: pictures(back),
                               meanSquaredError: Double(mse))
    }
}

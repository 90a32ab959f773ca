import LatentTensor
import LatentData
import LatentModels
import LatentRuns

/// A finished (or stopped) run opened for experiments: its folder, its model
/// rebuilt from the last checkpoint, and its data prepared exactly as for
/// training. Every experiment (`sample`, `reconstruct`, `interpolate`,
/// `inpaint`, `latentMap`, `project`, `filters`) starts here.
///
/// ```swift
/// let run = try TrainedRun.open("vae-mnist", root: "runs")
/// let test = try run.testImages(limit: 16)        // [16, C·H·W] in the data's range
/// let samples = try run.sample(SamplingOptions(count: 64))
/// let paths = try samples.write()                 // ["runs/vae-mnist/images/sample-64.png"]
/// ```
public struct TrainedRun {
    /// The run's folder and configuration.
    public let directory: RunDirectory
    /// The model rebuilt from the checkpoint.
    public let model: any TrainableModel
    /// Epochs the checkpoint had finished.
    public let epoch: Int

    public var name: String { directory.name }
    public var config: RunConfig { directory.config }
    /// Channels, height, width of the run's images.
    public var imageShape: [Int] { directory.config.imageShape }

    /// A run whose model is already in memory (e.g. just trained).
    public init(directory: RunDirectory, model: any TrainableModel, epoch: Int) {
        self.directory = directory
        self.model = model
        self.epoch = epoch
    }

    /// Rebuilds the model of `directory` from its last checkpoint (or `checkpoint`).
    public init(_ directory: RunDirectory, checkpoint: String? = nil) throws {
        let (model, epoch) = try ModelRegistry.load(directory, checkpoint: checkpoint)
        self.init(directory: directory, model: model, epoch: epoch)
    }

    /// Opens a run by name under `root`, or by path, and rebuilds its model.
    public static func open(_ nameOrPath: String, root: String = "runs") throws -> TrainedRun {
        try TrainedRun(RunDirectory.open(nameOrPath, root: root))
    }

    /// The run's data set, split, scaled and binarized as when it trained.
    public func data() throws -> PreparedData {
        let data = try PreparedData.load(config.data)
        guard data.imageShape == imageShape else {
            throw LatentError.invalidArgument("the data of \(name) now have images of shape \(data.imageShape), the run was trained on \(imageShape)")
        }
        return data
    }

    /// The first `limit` (default: all) test images, prepared as for training.
    ///
    /// They are the first rows of the very set `latent evaluate` scores (with
    /// dynamic binarization: the same fixed draw), so every experiment and
    /// every number looks at the same test images.
    public func testImages(limit: Int? = nil) throws -> TestImages {
        let test = try TestImages(data(), limit: limit)
        guard test.count > 0 else { throw LatentError.invalidArgument("the data of \(name) have no test images") }
        return test
    }

    /// Rows [N, C·H·W] in the data's range as pictures [N, C, H, W] in [0, 1].
    public func pictures(_ rows: Tensor) -> Tensor {
        config.data.scale.toUnit(rows.reshaped([-1] + imageShape))
    }
}

/// Test images of a run, prepared as for training, with their labels.
public struct TestImages {
    /// Rows [N, C·H·W] in the data's range.
    public let images: Tensor
    /// One label per row (0 when the data set has none).
    public let labels: [Int]
    /// Whether the data set has real labels.
    public let hasLabels: Bool
    /// Class names of the data set, when it has them.
    public let classNames: [String]?

    public var count: Int { labels.count }

    /// The first `limit` (default: all) test images of `data`.
    public init(_ data: PreparedData, limit: Int? = nil) {
        let all = data.evaluationImages(data.test)
        let count = Swift.min(limit ?? data.test.count, data.test.count)
        images = count == data.test.count ? all : all.rows(0..<count)
        labels = Array(data.test.labels.prefix(count))
        hasLabels = data.test.hasLabels
        classNames = data.test.classNames ?? DatasetRegistry.classNames(data.options.source)
    }
}

extension TrainedRun {
    /// The model as a capability `cast` (e.g. `{ $0 as? any SamplingModel }`), or one line
    /// naming the families that have it (`isCapable` tells from a family's type).
    func capability<T>(_ command: String, _ cast: (any TrainableModel) -> T?,
                       _ isCapable: (any TrainableModel.Type) -> Bool) throws -> T {
        if let capable = cast(model) { return capable }
        throw LatentError.invalidArgument("model '\(config.family)' does not support `\(command)` (\(ModelRegistry.names(where: isCapable)) do)")
    }
}

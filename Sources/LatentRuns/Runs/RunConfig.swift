import Foundation
import LatentTensor
import LatentData
import LatentModels

/// The library's version, recorded in every run.
public enum LatentVersion {
    public static let string = "0.1.0"
}

/// Everything needed to repeat or resume a run: written to config.json.
///
/// ```swift
/// let config = RunConfig(family: "vae", command: CommandLine.arguments, data: prepared,
///                        training: TrainingOptions(epochs: 3), model: VAEModel.defaultOptions)
/// var rng = RandomGenerator(seed: config.training.seed)
/// let model = try config.buildModel(rng: &rng)
/// ```
public struct RunConfig: Codable, Sendable {
    /// The layout of config.json: 2 since each family has its own options (1: one flat bag, see `LegacyOptions`).
    public static let currentFormat = 2

    public var family: String
    public var format = RunConfig.currentFormat
    public var latentVersion = LatentVersion.string
    public var created: String
    /// The command line that started the run.
    public var command: [String]
    public var data: DataOptions
    public var dataDescription: String
    /// Image shape [C, H, W] and split sizes, as loaded.
    public var imageShape: [Int]
    public var trainCount: Int
    public var validationCount: Int
    public var testCount: Int
    /// Number of classes when the data are labelled.
    public var classCount: Int?
    public var training: TrainingOptions
    /// The family's own options (`VAEOptions` for "vae", …).
    public var model: any FamilyOptions
    /// Options changed on `--resume --override`, in order.
    public var changes: [RunChange]?
    /// Compute threads the run started with (`--threads`); nil in runs made before it was recorded.
    public var threads: Int?
    /// Processes that trained the run together in its latest session (`mpirun -np N`); nil for one process.
    public var worldSize: Int?

    public init(family: String, command: [String], data: PreparedData, training: TrainingOptions, model: any FamilyOptions) {
        self.family = family
        self.command = command
        self.data = data.options
        dataDescription = data.description
        imageShape = data.imageShape
        trainCount = data.train.count
        validationCount = data.validation.count
        testCount = data.test.count
        classCount = data.train.hasLabels ? Swift.max(data.train.classCount, data.test.classCount) : nil
        self.training = training
        self.model = model
        created = ISO8601DateFormatter().string(from: Date())
    }

    /// What the model is built for: image shape, pixel range, classes and the loop's plan.
    public var modelContext: ModelContext {
        ModelContext(imageShape: imageShape, pixelRange: data.scale, classCount: classCount, binarized: data.binarize != .none,
                     epochs: training.epochs, batchSize: training.batchSize)
    }

    /// A fresh model of the run's family with the run's options.
    public func buildModel(rng: inout RandomGenerator) throws -> any TrainableModel {
        try ModelRegistry.family(family).build(options: model, context: modelContext, rng: &rng)
    }

    enum CodingKeys: String, CodingKey {
        case family, format, latentVersion, created, command, data, dataDescription, imageShape, trainCount, validationCount,
             testCount, classCount, training, model, changes, threads
        case worldSize = "world_size"
    }

    public init(from decoder: any Swift.Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        family = try c.decode(String.self, forKey: .family)
        let type = try ModelRegistry.family(family)
        let stored = try c.decodeIfPresent(Int.self, forKey: .format) ?? 1
        guard (1...Self.currentFormat).contains(stored) else {
            throw LatentError.invalidArgument("config format \(stored) is newer than this latent (\(LatentVersion.string)) reads; update latent")
        }
        latentVersion = try c.decodeIfPresent(String.self, forKey: .latentVersion) ?? "unknown"
        created = try c.decode(String.self, forKey: .created)
        command = try c.decode([String].self, forKey: .command)
        data = try c.decode(DataOptions.self, forKey: .data)
        dataDescription = try c.decode(String.self, forKey: .dataDescription)
        imageShape = try c.decode([Int].self, forKey: .imageShape)
        trainCount = try c.decode(Int.self, forKey: .trainCount)
        validationCount = try c.decode(Int.self, forKey: .validationCount)
        testCount = try c.decode(Int.self, forKey: .testCount)
        classCount = try c.decodeIfPresent(Int.self, forKey: .classCount)
        training = try c.decode(TrainingOptions.self, forKey: .training)
        if stored >= 2 {
            model = try type.decodeOptions(from: c.superDecoder(forKey: .model))
        } else {
            let legacy = LegacyOptions(model: try c.decode(LegacyOptions.Model.self, forKey: .model),
                                       training: try c.decode(LegacyOptions.Training.self, forKey: .training))
            model = try type.migrateErased(legacy)
        }
        changes = try c.decodeIfPresent([RunChange].self, forKey: .changes)
        threads = try c.decodeIfPresent(Int.self, forKey: .threads)
        worldSize = try c.decodeIfPresent(Int.self, forKey: .worldSize)
    }

    public func encode(to encoder: any Swift.Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(family, forKey: .family)
        try c.encode(Self.currentFormat, forKey: .format)
        try c.encode(latentVersion, forKey: .latentVersion)
        try c.encode(created, forKey: .created)
        try c.encode(command, forKey: .command)
        try c.encode(data, forKey: .data)
        try c.encode(dataDescription, forKey: .dataDescription)
        try c.encode(imageShape, forKey: .imageShape)
        try c.encode(trainCount, forKey: .trainCount)
        try c.encode(validationCount, forKey: .validationCount)
        try c.encode(testCount, forKey: .testCount)
        try c.encodeIfPresent(classCount, forKey: .classCount)
        try c.encode(training, forKey: .training)
        try model.encode(to: c.superEncoder(forKey: .model))
        try c.encodeIfPresent(changes, forKey: .changes)
        try c.encodeIfPresent(threads, forKey: .threads)
        try c.encodeIfPresent(worldSize, forKey: .worldSize)
    }
}

/// One option changed when a run was resumed with `--override`.
public struct RunChange: Codable, Sendable, Equatable {
    /// The epoch after which the new value applies.
    public var afterEpoch: Int
    /// The option as typed on the command line ("--lr").
    public var option: String
    public var old: String
    public var new: String

    public init(afterEpoch: Int, option: String, old: String, new: String) {
        self.afterEpoch = afterEpoch
        self.option = option
        self.old = old
        self.new = new
    }
}

import Foundation

/// The library's version, recorded in every run.
public enum LatentVersion {
    public static let string = "0.1.0"
}

/// Hyperparameters of the training loop.
public struct TrainingOptions: Codable, Sendable, Equatable {
    public enum OptimizerKind: String, Codable, Sendable, CaseIterable { case adam, adamax, sgd }

    public var epochs = 10
    public var batchSize = 128
    public var learningRate: Float = 1e-3
    public var optimizer: OptimizerKind = .adam
    /// SGD momentum (ignored by Adam and Adamax).
    public var momentum: Float = 0.9
    public var seed: UInt64 = 0
    /// Clip the global gradient norm to this value (nil: no clipping).
    public var clipNorm: Float?
    /// Write samples to images/ every this many epochs (0: only at the end).
    public var imageEvery = 1
    /// Stop when a batch's loss grows past this many times the first epoch's
    /// typical loss magnitude (nil: `TrainingOptions.defaultDivergenceFactor`; 0: only NaN/inf stop a run).
    public var divergenceFactor: Float?

    public static let defaultDivergenceFactor: Float = 1_000

    public init() {}
}

/// Hyperparameters of a model family. Each family reads the fields it uses
/// and documents them; unused fields stay nil.
public struct ModelOptions: Codable, Sendable, Equatable {
    public var latent: Int?
    public var hidden: [Int]?
    public var likelihood: String?
    public var prior: String?
    public var components: Int?
    public var beta: Float?
    public var warmup: Int?
    public var gaussianStd: Float?
    public var conditional: Bool?
    /// Autoencoder input corruption: "gaussian:0.3" or "mask:0.5".
    public var noise: String?
    /// Autoencoder L1 weight on the code.
    public var sparsity: Float?
    /// RBM/DBM: Gibbs steps of the negative phase (k of CD-k / PCD-k).
    public var gibbsSteps: Int?
    /// RBM/DBM: persistent chains (PCD) instead of CD.
    public var persistent: Bool?
    /// RBM/DBM: momentum of the parameter updates.
    public var momentum: Float?
    /// RBM/DBM: L2 weight decay.
    public var weightDecay: Float?
    /// RBM/DBM: learning-rate schedule, "constant" or "linear" (decaying to 0 at the last epoch).
    public var schedule: String?
    /// DBM: epochs of greedy pretraining per layer.
    public var pretrainEpochs: Int?
    /// GAN: generator loss, "non-saturating" or "minimax".
    public var ganLoss: String?
    /// GAN: one-sided label smoothing of the real label.
    public var labelSmoothing: Float?
    /// GAN: discriminator steps per generator step.
    public var discriminatorSteps: Int?
    /// GAN: the discriminator's own learning rate (default: --lr).
    public var discriminatorLearningRate: Float?

    public init() {}
}

/// Everything needed to repeat or resume a run: written to config.json.
public struct RunConfig: Codable, Sendable {
    public var family: String
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
    public var model: ModelOptions
    /// Options changed on `--resume --override`, in order.
    public var changes: [RunChange]?
    /// Compute threads the run started with (`--threads`); nil in runs made before it was recorded.
    public var threads: Int?

    public init(family: String, command: [String], data: PreparedData, training: TrainingOptions, model: ModelOptions) {
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

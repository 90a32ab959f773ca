import LatentModels

/// Settings of the training loop that every family shares: how long, in
/// which batches, from which seed, and when to save pictures or stop a
/// diverging run. Learning rates and optimizers belong to the families
/// (`FamilyOptions`), since not every family has them.
///
/// ```swift
/// var t = TrainingOptions()
/// t.epochs = 30
/// t.batchSize = 10
/// ```
public struct TrainingOptions: Codable, Sendable, Equatable {
    public var epochs = 10
    public var batchSize = 128
    public var seed: UInt64 = 0
    /// Write samples to images/ every this many epochs (0: only at the end).
    public var imageEvery = 1
    /// Stop when a batch's loss grows past this many times the first epoch's
    /// typical loss magnitude (nil: `TrainingOptions.defaultDivergenceFactor`; 0: only NaN/inf stop a run).
    public var divergenceFactor: Float?
    /// Also write TensorBoard event files into the run's tensorboard/ folder (nil: off, and
    /// config.json does not mention it).
    public var tensorboard: Bool?

    /// `tensorboard` as a switch.
    public var writesTensorBoard: Bool {
        get { tensorboard ?? false }
        set { tensorboard = newValue ? true : nil }
    }

    public static let defaultDivergenceFactor: Float = 1_000

    public init() {}

    public init(epochs: Int) { self.epochs = epochs }

    /// `--epochs`, `--batch`, `--seed`, `--image-every`, `--divergence-factor`, `--tensorboard`.
    public static var specs: [OptionSpec<TrainingOptions>] {
        [OptionSpec.count("epochs", \.epochs, "Passes over the training images.", max: TrainingCheckpoint.maxEpochs).resumable(),
         OptionSpec.count("batch", \.batchSize, "Mini-batch size.", max: 1_000_000).resumable(),
         .seed("seed", \.seed, "Random seed (data split, initialisation, batches, sampling)."),
         OptionSpec.count("image-every", \.imageEvery, "Write a sample grid every this many epochs (0: only at the end).", min: 0).resumable(),
         divergenceSpec,
         OptionSpec.flag("tensorboard", \.writesTensorBoard,
                         "Also write TensorBoard event files into the run's tensorboard/ folder (`tensorboard --logdir runs`): losses every few steps, every metric per epoch, sample and reconstruction images, the options as text.").resumable()]
    }

    /// Unset means the default factor, so typing the default changes nothing.
    static var divergenceSpec: OptionSpec<TrainingOptions> {
        let spec = OptionSpec<TrainingOptions>.number("divergence-factor", \.divergenceFactor,
                                     "Stop when a batch's loss grows past this many times its typical magnitude in the first epoch (0: stop only on NaN/inf).",
                                     .offOrAbove(1))
        return OptionSpec(name: spec.name, valueName: spec.valueName, help: spec.help, resumable: true,
                          read: { "\($0.divergenceFactor ?? defaultDivergenceFactor)" }, write: spec.write)
    }
}

/// The training loop's settings and a family's options together: what
/// `latent train <family>` parses and a run records.
///
/// ```swift
/// var s = VAEModel.defaultSettings
/// try VAEModel.settingsParser.parse(["--epochs", "3", "--latent", "2"], into: &s)
/// ```
public struct TrainingSettings<Options: FamilyOptions>: Sendable {
    public var training: TrainingOptions
    public var model: Options

    public init(training: TrainingOptions, model: Options) {
        self.training = training
        self.model = model
    }
}

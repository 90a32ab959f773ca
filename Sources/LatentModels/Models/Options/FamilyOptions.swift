import LatentData

/// A model family's own hyperparameters: a `Codable` value with defaults,
/// stored as `model` in config.json. What the command line may set, and how,
/// is the family's `optionSpecs`.
///
/// ```swift
/// var options = VAEModel.defaultOptions
/// options.latent = 2
/// options.beta = 4
/// let model = try VAEModel(options: options, context: ModelContext(imageShape: [1, 28, 28]), rng: &rng)
/// ```
public protocol FamilyOptions: Codable, Sendable {}

/// What a model is built for besides its options: the images it will see and
/// the plan of the training loop that some update rules follow.
///
/// ```swift
/// let context = ModelContext(imageShape: [1, 28, 28], pixelRange: .unit, classCount: 10, trainingImages: 55_000)
/// ```
public struct ModelContext: Sendable, Equatable {
    /// [C, H, W].
    public var imageShape: [Int]
    public var pixelRange: PixelRange
    /// Classes of labelled data (nil: unlabelled).
    public var classCount: Int?
    /// Whether the pixels are 0/1 draws or thresholds (the categorical likelihood refuses them).
    public var binarized: Bool
    /// Epochs the run plans (a linearly decaying learning rate reaches 0 at the last).
    public var epochs: Int
    /// Mini-batch size of the training loop.
    public var batchSize: Int
    /// Images in the prepared training set (N), filled by `TrainingSession` from the data it trains on; nil when a
    /// model is rebuilt without its data (sampling, evaluation). The β-TCVAE estimator's data-set size.
    public var trainingImages: Int?

    public var pixelCount: Int { imageShape.reduce(1, *) }

    /// Mini-batches in one epoch, when the training set's size is known.
    public var stepsPerEpoch: Int? { trainingImages.map { ($0 + batchSize - 1) / Swift.max(batchSize, 1) } }

    public init(imageShape: [Int], pixelRange: PixelRange = .unit, classCount: Int? = nil, binarized: Bool = false,
                epochs: Int = 10, batchSize: Int = 128, trainingImages: Int? = nil) {
        self.imageShape = imageShape
        self.pixelRange = pixelRange
        self.classCount = classCount
        self.binarized = binarized
        self.epochs = epochs
        self.batchSize = batchSize
        self.trainingImages = trainingImages
    }
}

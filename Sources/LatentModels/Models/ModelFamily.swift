import LatentTensor
import LatentData
import LatentOutput

/// A model that `latent train` can build from its options, train one
/// mini-batch at a time, validate and checkpoint. Each family owns its
/// options (`Options`, listed for the command line by `optionSpecs`) and its
/// optimizers (a GAN has two, an RBM none), so the trainer only orders the work.
///
/// ```swift
/// var options = VAEModel.defaultOptions
/// options.network.latent = 2
/// var rng = RandomGenerator(seed: 0)
/// let vae = try VAEModel(options: options, context: ModelContext(imageShape: [1, 28, 28]), rng: &rng)
/// let metrics = try vae.trainStep(batch, labels: labels, epoch: 1, rng: &rng)
/// ```
public protocol TrainableModel: AnyObject {
    /// The family's hyperparameters.
    associatedtype Options: FamilyOptions
    /// The name used on the command line and in config.json ("vae").
    static var family: String { get }
    /// One line saying what the family is, for `--help`.
    static var summary: String { get }
    /// The options a run starts from when the command line does not say.
    static var defaultOptions: Options { get }
    /// Every option the family takes, with its flag, help and checks.
    static var optionSpecs: [OptionSpec<Options>] { get }
    /// Builds a fresh model.
    init(options: Options, context: ModelContext, rng: inout RandomGenerator) throws
    /// The options of a run folder written before families had their own options.
    static func migrate(_ legacy: LegacyOptions) throws -> Options

    /// One update on the rows of `batch` ([B, C·H·W]); returns named scalars
    /// to average over the epoch (the first is the loss the trainer watches for NaN).
    func trainStep(_ batch: Tensor, labels: [Int], epoch: Int, rng: inout RandomGenerator) throws -> [(String, Double)]
    /// Metrics on held-out rows, named without a prefix ("loss", "kl"); the trainer adds "val_".
    func validate(_ images: Tensor, labels: [Int], rng: inout RandomGenerator) -> [(String, Double)]

    func modelState() -> [String: Tensor]
    func loadModelState(_ state: [String: Tensor]) throws
    func optimizerState() -> [String: Tensor]
    func loadOptimizerState(_ state: [String: Tensor]) throws

    /// Which per-epoch metrics share a chart: (file stem, title, y label, metric keys).
    var charts: [(file: String, title: String, yLabel: String, keys: [String])] { get }
    /// Epochs when the command line does not say.
    static var defaultEpochs: Int { get }
    /// The per-epoch metric that sweeps overlay by default.
    static var primaryMetric: String { get }
    /// The pixel range the family expects when the command line does not say.
    static var defaultScale: DataOptions.Scale { get }
}

extension TrainableModel {
    public static var defaultEpochs: Int { 10 }
    public static var primaryMetric: String { "val_loss" }
    public static var defaultScale: DataOptions.Scale { .unit }
}

/// Models that look at each finished epoch's metrics and warn about trouble (a GAN's collapse).
public protocol DiagnosingModel: TrainableModel {
    func diagnose(epoch: Int, metrics: [String: Double], rng: inout RandomGenerator) -> [String]
}

/// Models with work to do after each pass over the data (a closed-form fit).
public protocol EpochEndingModel: TrainableModel {
    func endEpoch(_ epoch: Int) throws
}

/// Models that can draw new images.
public protocol SamplingModel: TrainableModel {
    /// `count` new images as rows [count, C·H·W] in the data's value range.
    func sample(_ count: Int, rng: inout RandomGenerator) -> Tensor
}

/// Models that can reconstruct an input (autoencoders; one Gibbs step for RBMs).
public protocol ReconstructingModel: TrainableModel {
    /// Reconstructions of the rows of `images` (`labels` are used by conditional models).
    func reconstruct(_ images: Tensor, labels: [Int], rng: inout RandomGenerator) throws -> Tensor
}

/// Models with a continuous latent space: encode to codes, decode back.
public protocol LatentSpaceModel: TrainableModel {
    var latentSize: Int { get }
    /// Posterior means (or codes) of the rows of `images`: [N, latentSize].
    func encode(_ images: Tensor, labels: [Int]) throws -> Tensor
    /// Mean images for codes z: [N, C·H·W]. Conditional models need `labels`.
    func decode(_ codes: Tensor, labels: [Int]?) throws -> Tensor
}

/// Every family `latent train` knows, by name.
public enum ModelRegistry {
    public static var families: [any TrainableModel.Type] {
        [VAEModel.self, ConvVAEModel.self, AutoencoderModel.self, ConvAutoencoderModel.self, PPCAModel.self, RBMModel.self, DBMModel.self,
         GANModel.self, DCGANModel.self, ClassifierModel.self, M2Model.self, AVBModel.self, FactorVAEModel.self, AAEModel.self, DDPMModel.self]
    }

    /// The families `isCapable` accepts, named as prose ("rbm and dbm"), for messages about a missing capability.
    ///
    /// ```swift
    /// ModelRegistry.names { $0 is any PartitionFunctionModel.Type }   // "rbm and dbm"
    /// ```
    public static func names(where isCapable: (any TrainableModel.Type) -> Bool) -> String {
        let names = families.filter(isCapable).map { $0.family }
        return names.count > 1 ? names.dropLast().joined(separator: ", ") + " and " + names.last! : names.joined()
    }

    public static func family(_ name: String) throws -> any TrainableModel.Type {
        guard let f = families.first(where: { $0.family == name }) else {
            throw LatentError.invalidArgument("unknown model '\(name)'; available: \(families.map { $0.family }.joined(separator: ", "))")
        }
        return f
    }
}

/// Models with a likelihood (or a bound on it) to report on test images.
public protocol LikelihoodModel: TrainableModel {
    /// Named test metrics in nats per image; `nllSamples` > 0 adds an importance-sampled NLL.
    func likelihoodMetrics(_ images: Tensor, labels: [Int], nllSamples: Int, rng: inout RandomGenerator) -> [(String, Double)]
}

/// Models whose first layer (or any layer) can be shown as image filters.
public protocol FilterModel: TrainableModel {
    /// Number of layers with filters.
    var filterLayers: Int { get }
    /// Filters of `layer` (1-based) in pixel space: [K, C·H·W].
    func filters(layer: Int) throws -> Tensor
}

/// Models that can fill in missing pixels given the rest.
public protocol InpaintingModel: TrainableModel {
    /// `images` [N, D] with `known` [N, D] (1 = kept, 0 = removed); returns the
    /// restored images after `steps` Gibbs steps with the known pixels clamped, equal to the input where known.
    func inpaint(_ images: Tensor, known: Tensor, steps: Int, rng: inout RandomGenerator) -> Tensor
}

/// Models that draw images of a chosen class (the conditional VAE).
public protocol ConditionalSamplingModel: SamplingModel {
    /// Classes the model was trained with, or nil when it is unconditional.
    var conditionalClasses: Int? { get }
    func sample(_ count: Int, classes: [Int], rng: inout RandomGenerator) -> Tensor
}

/// Models sampled by Gibbs chains of a chosen length (RBM, DBM).
public protocol GibbsSamplingModel: SamplingModel {
    /// `gibbsSteps` steps from `start` ([N, D]) or from random binary images; returns visible probabilities.
    func sample(_ count: Int, gibbsSteps: Int, from start: Tensor?, rng: inout RandomGenerator) -> Tensor
}

/// Energy-based models whose partition function can be estimated (AIS) or, when small, enumerated.
public protocol PartitionFunctionModel: TrainableModel {
    func logPartition(baseData: Tensor, chains: Int, betas: [Double], rng: inout RandomGenerator, progress: Progress?) -> AIS.Estimate
    /// Exact log Z when the model is small enough to enumerate, else nil.
    func exactLogPartition() -> Double?
    /// log p(v) per image for a given log Z (or a lower bound on it, see `logLikelihoodName`).
    func logLikelihood(_ images: Tensor, logPartition: Double) -> [Double]
    /// What `logLikelihood` returns: "test_log_likelihood", or "test_lower_bound" for models with a variational bound.
    var logLikelihoodName: String { get }
}

extension PartitionFunctionModel {
    public var logLikelihoodName: String { "test_log_likelihood" }
}

/// Models with a stage before the epochs (greedy pretraining), run once when a run starts.
public protocol PretrainingModel: TrainableModel {
    /// Shows its own progress per layer.
    func pretrain(_ data: PreparedData, rng: inout RandomGenerator) throws
}

/// A trained network whose hidden layer (or code) serves as the feature space of
/// sample-quality scores (FID, KID, precision/recall): a classifier's penultimate
/// layer, or an autoencoder's code for data without labels.
///
/// ```swift
/// let extractor = try ModelRegistry.load(featureRun).model as! any FeatureModel
/// let features = extractor.features(images)     // [N, extractor.featureSize]
/// ```
public protocol FeatureModel: TrainableModel {
    var featureSize: Int { get }
    /// Features of images [N, C·H·W] (in the data's range): [N, featureSize].
    func features(_ images: Tensor) -> Tensor
}

/// A feature network that also gives class probabilities (a classifier), which
/// the Inception-style score needs.
public protocol FeatureExtractor: FeatureModel {
    /// Class probabilities: [N, classes].
    func probabilities(_ images: Tensor) -> Tensor
}

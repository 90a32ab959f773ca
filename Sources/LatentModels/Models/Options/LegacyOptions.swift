import LatentTensor
import LatentNN

/// The options of a run folder written before each family had its own
/// options (config.json without `format`): one flat bag of optional model
/// fields, and the optimizer settings inside `training`. Read only, to
/// convert old runs (`TrainableModel.migrate`); nothing writes this shape.
public struct LegacyOptions: Decodable, Sendable, Equatable {
    /// The old `model` object: each family read the fields it used.
    public struct Model: Decodable, Sendable, Equatable {
        public var latent: Int?
        public var hidden: [Int]?
        public var likelihood: String?
        public var prior: String?
        public var components: Int?
        public var beta: Float?
        public var warmup: Int?
        public var gaussianStd: Float?
        public var conditional: Bool?
        public var noise: String?
        public var sparsity: Float?
        public var gibbsSteps: Int?
        public var persistent: Bool?
        public var momentum: Float?
        public var weightDecay: Float?
        public var schedule: String?
        public var pretrainEpochs: Int?
        public var ganLoss: String?
        public var labelSmoothing: Float?
        public var discriminatorSteps: Int?
        public var discriminatorLearningRate: Float?
    }

    /// The optimizer fields the old `training` object held.
    public struct Training: Decodable, Sendable, Equatable {
        public var learningRate: Float = 1e-3
        public var optimizer: String = "adam"
        public var momentum: Float = 0.9
        public var clipNorm: Float?

        enum CodingKeys: String, CodingKey { case learningRate, optimizer, momentum, clipNorm }

        public init(from decoder: any Swift.Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            learningRate = try c.decodeIfPresent(Float.self, forKey: .learningRate) ?? 1e-3
            optimizer = try c.decodeIfPresent(String.self, forKey: .optimizer) ?? "adam"
            momentum = try c.decodeIfPresent(Float.self, forKey: .momentum) ?? 0.9
            clipNorm = try c.decodeIfPresent(Float.self, forKey: .clipNorm)
        }
    }

    public var model: Model
    public var training: Training

    public init(model: Model, training: Training) {
        self.model = model
        self.training = training
    }

    /// A choice by its raw value, or a one-line error naming the field.
    func choice<Choice: RawRepresentable & CaseIterable>(_ text: String?, _ field: String, default value: Choice) throws -> Choice
    where Choice.RawValue == String {
        guard let text else { return value }
        guard let v = Choice(rawValue: text) else {
            throw LatentError.invalidArgument("field '\(field)' is '\(text)', expected one of \(Choice.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return v
    }

    /// The optimizer the old `training` fields described.
    func optimizerOptions() throws -> OptimizerOptions {
        var o = OptimizerOptions()
        o.kind = try choice(training.optimizer, "training.optimizer", default: .adam)
        o.learningRate = training.learningRate
        o.momentum = o.kind == .sgd ? training.momentum : nil
        o.clipNorm = training.clipNorm
        return o
    }

    /// The VAE/AE network the old fields described, starting from `defaults`.
    func networkOptions(_ defaults: NetworkOptions) throws -> NetworkOptions {
        var n = defaults
        n.latent = model.latent ?? n.latent
        if n.hidden != nil { n.hidden = model.hidden ?? n.hidden }
        n.likelihood = try choice(model.likelihood, "model.likelihood", default: .bernoulli)
        n.gaussianStd = n.likelihood == .gaussian ? model.gaussianStd : nil
        return n
    }
}

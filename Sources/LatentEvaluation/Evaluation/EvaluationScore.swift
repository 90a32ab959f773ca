/// One score and what it was measured on: the split, how many images, and —
/// for a mean over random draws or subsets — its standard deviation. Every
/// metric in evaluation.json is one of these, so two numbers are only ever
/// compared when they say they come from the same images.
///
/// ```swift
/// let nll = EvaluationScore(value: 80.3, split: "test", images: 2_000, kind: .likelihood)
/// let kid = EvaluationScore(value: 0.012, standardDeviation: 0.002, draws: 100, split: "test", images: 10_000,
///                           generated: 2_000, kind: .sampleQuality)
/// ```
public struct EvaluationScore: Codable, Sendable, Equatable {
    /// Which evaluation produced a score; a new evaluation of a kind replaces every earlier score of that kind.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case likelihood
        case ais
        case sampleQuality = "sample_quality"
        case representation
        /// AUROCs of telling the test images from another data set's (`latent anomaly`).
        case anomaly
        /// MIG and its per-factor gaps against a synthetic set's known factors (`evaluate --disentanglement`).
        case disentanglement
        /// A classifier's accuracy on images generated per class; an InfoGAN code's purity (`evaluate --conditional-accuracy`).
        case conditional
    }

    public var value: Double
    /// Standard deviation over `draws` random draws (subsets, halves) when `value` is their mean.
    public var standardDeviation: Double?
    public var draws: Int?
    /// "test", "train" or "validation"; nil only in files written before splits were recorded.
    public var split: String?
    /// Real images the score used; nil only in files written before counts were recorded.
    public var images: Int?
    /// Generated images, for scores of samples.
    public var generated: Int?
    public var kind: Kind?
    /// The network whose feature space a sample score was measured in; nil for other scores.
    public var featureNetwork: FeatureNetwork?

    /// A feature network as a score records it: its run, family, training data and checkpoint digest.
    public struct FeatureNetwork: Codable, Sendable, Equatable {
        public var run: String
        public var family: String
        public var data: String
        public var checkpointSHA256: String

        enum CodingKeys: String, CodingKey {
            case run, family, data
            case checkpointSHA256 = "checkpoint_sha256"
        }

        public init(run: String, family: String, data: String, checkpointSHA256: String) {
            (self.run, self.family, self.data, self.checkpointSHA256) = (run, family, data, checkpointSHA256)
        }
    }

    enum CodingKeys: String, CodingKey {
        case value, standardDeviation, draws, split, images, generated, kind
        case featureNetwork = "feature_network"
    }

    public init(value: Double, standardDeviation: Double? = nil, draws: Int? = nil, split: String?, images: Int?,
                generated: Int? = nil, kind: Kind?, featureNetwork: FeatureNetwork? = nil) {
        self.featureNetwork = featureNetwork
        self.value = value
        self.standardDeviation = standardDeviation
        self.draws = draws
        self.split = split
        self.images = images
        self.generated = generated
        self.kind = kind
    }

    /// The kind of a score named in an evaluation.json written before kinds were recorded.
    package static func legacyKind(_ name: String) -> Kind? {
        switch name {
        case "fid", "fid_real_vs_real", "kid", "kid_real_vs_real", "is", "is_real", "precision", "recall": return .sampleQuality
        case "linear_probe_accuracy", "silhouette", "adjusted_rand_index": return .representation
        case "ais_log_z", "test_log_likelihood", "test_lower_bound": return .ais
        default: return name.hasPrefix("test_") ? .likelihood : nil
        }
    }
}

/// What an evaluation hands to `RunEvaluation.record`: its scores by name.
public protocol EvaluationResult {
    var scores: [String: EvaluationScore] { get }
}

/// Mean and sample standard deviation of a few numbers (0 for a single one).
func meanAndDeviation(_ values: [Double]) -> (mean: Double, deviation: Double) {
    let mean = values.reduce(0, +) / Double(Swift.max(values.count, 1))
    guard values.count > 1 else { return (mean, 0) }
    let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1)
    return (mean, variance.squareRoot())
}

import LatentTensor
import LatentNN

/// The `ppca` family: probabilistic PCA fitted in closed form at the end of
/// each pass over the training data (one epoch is all it needs). Options:
/// `PPCAOptions`. Samples and reconstructions show the noise-free mean W z + μ.
public final class PPCAModel: TrainableModel, SamplingModel, ReconstructingModel, LatentSpaceModel,
                              LikelihoodModel, FilterModel, EpochEndingModel {
    public static let family = "ppca"
    public static let summary = "Probabilistic PCA, fitted in closed form (Tipping & Bishop); one epoch is all it needs."
    public static var defaultOptions: PPCAOptions { PPCAOptions() }
    public static var optionSpecs: [OptionSpec<PPCAOptions>] { PPCAOptions.specs }
    public static var defaultEpochs: Int { 1 }
    /// The validation negative log-likelihood, −log p(x) in nats per image under the fitted Gaussian.
    public static var primaryMetric: String { "val_nll" }

    let latent: Int
    let dimension: Int
    var statistics: ProbabilisticPCA.SufficientStatistics
    public private(set) var fitted: ProbabilisticPCA?

    public init(options: PPCAOptions, context: ModelContext, rng: inout RandomGenerator) throws {
        try Self.check(options)
        latent = options.latent
        dimension = context.pixelCount
        guard latent < dimension else { throw LatentError.invalidArgument("ppca: --latent must be between 1 and \(dimension - 1)") }
        statistics = ProbabilisticPCA.SufficientStatistics(dimension: dimension)
    }

    public static func migrate(_ legacy: LegacyOptions) throws -> PPCAOptions {
        var o = PPCAOptions()
        o.latent = legacy.model.latent ?? o.latent
        return o
    }

    public var latentSize: Int { latent }

    func model() throws -> ProbabilisticPCA {
        guard let fitted else { throw LatentError.invalidArgument("ppca: the model has not been fitted yet") }
        return fitted
    }

    public func trainStep(_ batch: Tensor, labels: [Int], epoch: Int, rng: inout RandomGenerator) throws -> [(String, Double)] {
        statistics.add(batch)
        return []   // nothing is fitted until the epoch ends; the numbers come from `validate`
    }

    public func endEpoch(_ epoch: Int) throws {
        fitted = try statistics.fit(latent: latent)
        statistics = ProbabilisticPCA.SufficientStatistics(dimension: dimension)
    }

    public func validate(_ images: Tensor, labels: [Int], rng: inout RandomGenerator) -> [(String, Double)] {
        guard let fitted else { return [] }
        let nll = fitted.negativeLogLikelihood(images)
        // "nll" names the number; "loss" carries the same value for readers that look for val_loss (runs, compare).
        return [("nll", nll), ("loss", nll), ("noise_variance", fitted.noiseVariance)]
    }

    /// Runs trained before `val_nll` existed have only `val_loss` (the same number); their plots were written then.
    public var charts: [(file: String, title: String, yLabel: String, keys: [String])] {
        [("loss", "Negative log-likelihood −log p(x) (validation)", "nats per image", ["val_nll"])]
    }

    public func sample(_ count: Int, rng: inout RandomGenerator) -> Tensor {
        guard let fitted else { return Tensor.zeros([count, dimension]) }
        return fitted.decode(Tensor.normal([count, latent], rng: &rng))
    }

    public func reconstruct(_ images: Tensor, labels: [Int], rng: inout RandomGenerator) throws -> Tensor {
        let m = try model()
        return m.decode(m.posteriorMean(images))
    }

    public func encode(_ images: Tensor, labels: [Int]) throws -> Tensor { try model().posteriorMean(images) }
    public func decode(_ codes: Tensor, labels: [Int]?) throws -> Tensor { try model().decode(codes) }

    public func likelihoodMetrics(_ images: Tensor, labels: [Int], nllSamples: Int, rng: inout RandomGenerator) -> [(String, Double)] {
        guard let fitted else { return [] }
        return [("nll", fitted.negativeLogLikelihood(images))]
    }

    public var filterLayers: Int { 1 }

    /// The principal directions as images.
    public func filters(layer: Int) throws -> Tensor {
        let m = try model()
        return Tensor(m.directions.flatMap { $0.map(Float.init) }, shape: [latent, dimension])
    }

    public func modelState() -> [String: Tensor] {
        guard let f = fitted else { return [:] }
        return ["mean": Tensor(f.mean.map(Float.init)),
                "directions": Tensor(f.directions.flatMap { $0.map(Float.init) }, shape: [latent, dimension]),
                "eigenvalues": Tensor(f.eigenvalues.map(Float.init)),
                "noise_variance": Tensor([Float(f.noiseVariance)])]
    }

    /// The fitted model's four tensors, all or none (none: not fitted yet).
    func modelStateLayout() -> StateLayout {
        var layout = StateLayout()
        layout.allow("mean", shape: [dimension])
        layout.allow("directions", shape: [latent, dimension])
        layout.allow("eigenvalues", shape: [latent])
        layout.allow("noise_variance", shape: [1])
        layout.together(["mean", "directions", "eigenvalues", "noise_variance"])
        return layout
    }

    public func loadModelState(_ state: [String: Tensor]) throws {
        try modelStateLayout().check(state)
        guard let mean = state["mean"], let directions = state["directions"], let eigenvalues = state["eigenvalues"],
              let noise = state["noise_variance"] else {
            fitted = nil
            return
        }
        let sigma2 = noise.item
        try StateValues.require(noise, named: "noise_variance", in: Float.leastNormalMagnitude...Float.greatestFiniteMagnitude,
                                meaning: "a positive finite variance")
        try StateValues.require(eigenvalues, named: "eigenvalues", in: sigma2...Float.greatestFiniteMagnitude,
                                meaning: "finite values no smaller than noise_variance \(sigma2)")
        let finite = -Float.greatestFiniteMagnitude...Float.greatestFiniteMagnitude
        try StateValues.require(mean, named: "mean", in: finite, meaning: "finite values")
        try StateValues.require(directions, named: "directions", in: finite, meaning: "finite values")
        let dirs = directions.scalars
        fitted = ProbabilisticPCA(mean: mean.scalars.map(Double.init),
                                  directions: (0..<latent).map { c in (0..<dimension).map { Double(dirs[c * dimension + $0]) } },
                                  eigenvalues: eigenvalues.scalars.map(Double.init), noiseVariance: Double(noise.item))
    }

    public func optimizerState() -> [String: Tensor] { [:] }
    public func loadOptimizerState(_ state: [String: Tensor]) throws {}
}

import LatentNN

/// The options of the `vae` and `conv-vae` families.
///
/// ```swift
/// var o = VAEModel.defaultOptions
/// o.network.latent = 2
/// o.prior = .mog
/// o.components = 10
/// o.beta = 4
/// ```
public struct VAEOptions: FamilyOptions, Equatable {
    public var network = NetworkOptions()
    /// The prior p(z).
    public var prior: PriorKind = .standard
    /// Mixture components or VampPrior pseudo-inputs (nil: 10); only the mog and vamp priors have them.
    public var components: Int?
    /// Weight of the KL term (β-VAE).
    public var beta: Float = 1
    /// Epochs of linear KL warm-up from 0 to β.
    public var warmup = 0
    /// Encoder and decoder see the one-hot class.
    public var conditional = false
    public var optimizer = OptimizerOptions()

    public static let defaultComponents = 10

    public init() {}

    public static func specs(mlp: Bool) -> [OptionSpec<VAEOptions>] {
        NetworkOptions.specs(mlp: mlp).map { $0.lifted(\.network) } + [
            .choice("prior", \.prior, "Prior: standard, mog (mixture of Gaussians), vamp (VampPrior)."),
            OptionSpec.count("components", \.components, "Mixture components or VampPrior pseudo-inputs (default \(defaultComponents)).")
                .only { $0.prior == .standard ? "--prior mog or vamp" : nil },
            .number("beta", \.beta, "Weight of the KL term (beta-VAE).", .nonNegative),
            .count("warmup", \.warmup, "Epochs of linear KL warm-up from 0 to beta.", min: 0),
            .flag("conditional", \.conditional, "Conditional VAE: encoder and decoder see the one-hot class."),
        ] + OptimizerOptions.specs.map { $0.lifted(\.optimizer) }
    }
}

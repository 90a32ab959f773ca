import LatentNN

/// The options of the `vae` and `conv-vae` families.
///
/// ```swift
/// var o = VAEModel.defaultOptions
/// o.network.latent = 2
/// o.prior = .mog
/// o.components = 10
/// o.beta = 4
/// o.warmup = 10      // β grows over the first 10 epochs
/// o.freeBits = 0.25  // nats per latent dimension (standard prior only)
/// ```
public struct VAEOptions: FamilyOptions, Equatable {
    public var network = NetworkOptions()
    /// The prior p(z).
    public var prior: PriorKind = .standard
    /// Mixture components or VampPrior pseudo-inputs (nil: 10); only the mog and vamp priors have them.
    public var components: Int?
    /// Weight of the KL term (β-VAE).
    public var beta: Float = 1
    /// Epochs of linear KL warm-up: epoch e ≤ warmup weighs the KL by β·e/warmup (per epoch, see `VAEModel.klWeight`).
    public var warmup = 0
    /// Free bits λ (Kingma et al. 2016), nats per latent dimension: the training objective counts each dimension's
    /// KL, averaged over the batch, as at least λ, so a dimension below λ feels no pull towards the prior
    /// (nil: off). Only the standard prior has a KL per dimension.
    public var freeBits: Float?
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
            .count("warmup", \.warmup, "Epochs of KL warm-up against posterior collapse: the KL weight is beta*e/n in epoch e of the first n (per epoch), then beta.", min: 0),
            OptionSpec.number("free-bits", \.freeBits, "Free bits against posterior collapse: nats per latent dimension below which the KL of a dimension (averaged over the batch) costs nothing in training; validation keeps the true ELBO.", .positive)
                .only { $0.prior == .standard ? nil : "--prior standard" },
            .flag("conditional", \.conditional, "Conditional VAE: encoder and decoder see the one-hot class."),
        ] + OptimizerOptions.specs.map { $0.lifted(\.optimizer) }
    }
}

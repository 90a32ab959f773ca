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
///
/// var iwae = VAEModel.defaultOptions
/// iwae.iwSamples = 5  // IWAE: the 5-sample importance-weighted bound
/// var tc = VAEModel.defaultOptions
/// tc.tcWeight = 6     // β-TCVAE: the total correlation weighs 6
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
    /// IWAE (Burda et al. 2016): train on the K-sample importance-weighted bound instead of the ELBO (nil: 1, the
    /// plain VAE). Needs β = 1, no warm-up, no free bits and no total-correlation weight: the bound is the objective.
    public var iwSamples: Int?
    /// β-TCVAE (Chen et al. 2018): the weight of the total-correlation term of the KL (nil: off; 1 is the plain ELBO).
    /// Standard prior only.
    public var tcWeight: Float?
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
            OptionSpec.count("iw-samples", \.iwSamples, "IWAE (Burda et al. 2016): train on the K-sample importance-weighted bound instead of the ELBO (the gradient weighs the K draws by their normalised importance weights); 1 is the plain VAE. Epochs report the bound as loss and the ELBO as neg_elbo.", min: 1, max: 5000)
                .only { o in
                    (o.iwSamples ?? 1) > 1 && (o.beta != 1 || o.warmup != 0 || o.freeBits != nil || o.tcWeight != nil)
                        ? "--beta 1, --warmup 0, no --free-bits and no --tc-weight (the bound itself is the objective)" : nil
                },
            OptionSpec.number("tc-weight", \.tcWeight, "beta-TCVAE (Chen et al. 2018): weight of the total-correlation term of the KL (estimated on each batch by stratified minibatch sampling); 1 is the plain ELBO. Validation reports mi, tc and dim_kl.", .nonNegative)
                .only { $0.prior == .standard ? nil : "--prior standard" },
            .flag("conditional", \.conditional, "Conditional VAE: encoder and decoder see the one-hot class."),
        ] + OptimizerOptions.specs.map { $0.lifted(\.optimizer) }
    }
}

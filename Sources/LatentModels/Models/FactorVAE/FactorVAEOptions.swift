import LatentNN

/// The options of the `factor-vae` family: the VAE's MLP networks and optimizer,
/// the weight γ of the total-correlation penalty and the discriminator's widths
/// and learning rate (Adam with β = (0.5, 0.9), as Kim & Mnih 2018).
///
/// ```swift
/// var o = FactorVAEModel.defaultOptions
/// o.network.latent = 10
/// o.gamma = 35                      // the paper's range is 6.4–40
/// o.discriminatorHidden = [1000, 1000]
/// ```
public struct FactorVAEOptions: FamilyOptions, Equatable {
    /// Encoder and decoder, as the `vae` family's (10 latent dimensions by default, as the paper on dSprites).
    public var network: NetworkOptions = {
        var n = NetworkOptions()
        n.latent = 10
        return n
    }()
    /// Weight γ of the total-correlation estimate added to the negative ELBO. The paper
    /// uses 6.4 to 40 (dSprites: about 35 disentangles best); 10 keeps reconstructions
    /// sharp on small sets and short runs.
    public var gamma: Float = 10
    /// Hidden widths of the discriminator MLP (LeakyReLU 0.2 between; the paper: 6 layers of 1000).
    public var discriminatorHidden: [Int] = [512, 512]
    /// The discriminator's Adam learning rate (the paper's 1e-4).
    public var discriminatorLearningRate: Float = 1e-4
    /// The VAE's optimizer.
    public var optimizer = OptimizerOptions()

    public init() {}

    public static var specs: [OptionSpec<FactorVAEOptions>] {
        NetworkOptions.specs(mlp: true).map { $0.lifted(\.network) } + [
            .number("gamma", \.gamma, "Weight of the total-correlation penalty (FactorVAE's gamma; the paper uses 6.4 to 40).", .nonNegative),
            .counts("d-hidden", \.discriminatorHidden, "Hidden widths of the discriminator on codes, comma-separated (the paper: 6 layers of 1000)."),
            OptionSpec.number("d-lr", \.discriminatorLearningRate, "The discriminator's learning rate (Adam, betas 0.5, 0.9).", .positive).resumable(),
        ] + OptimizerOptions.specs.map { $0.lifted(\.optimizer) }
    }
}

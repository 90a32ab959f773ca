import LatentNN

/// The options of the `avb` family (Adversarial Variational Bayes). The
/// network options are the VAE's (`--latent`, `--hidden`, `--likelihood`,
/// `--gaussian-std`), so `latent train vae` and `latent train avb` with the same
/// words build literally the same decoder; the encoder and the discriminator
/// T(x, z) take the same hidden widths. The encoder/decoder optimizer is the
/// VAE's (`--optimizer`, `--lr`, …); the discriminator gets one of the same
/// kind with its own learning rate.
///
/// ```swift
/// var o = AVBModel.defaultOptions
/// o.network.latent = 8
/// o.network.hidden = [256]
/// o.discriminatorLearningRate = 5e-4
/// o.discriminatorSteps = 2
/// ```
public struct AVBOptions: FamilyOptions, Equatable {
    public var network = NetworkOptions()
    /// The discriminator's learning rate (nil: the encoder/decoder's `--lr`).
    public var discriminatorLearningRate: Float?
    /// Discriminator steps per encoder/decoder step.
    public var discriminatorSteps = 1
    /// The encoder/decoder optimizer; the discriminator's is of the same kind.
    public var optimizer = OptimizerOptions()

    public init() {}

    public static var specs: [OptionSpec<AVBOptions>] {
        NetworkOptions.specs(mlp: true).map { $0.lifted(\.network) } + [
            OptionSpec.number("d-lr", \.discriminatorLearningRate,
                              "The discriminator T(x, z)'s learning rate (default: --lr).", .positive).resumable(),
            .count("d-steps", \.discriminatorSteps, "Discriminator steps per encoder/decoder step."),
        ] + OptimizerOptions.specs.map { $0.lifted(\.optimizer) }
    }
}

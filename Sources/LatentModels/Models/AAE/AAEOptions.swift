import LatentNN

/// The options of the `aae` family (the adversarial autoencoder of Makhzani et
/// al. 2016). The encoder and decoder take the VAE's `NetworkOptions`, so an
/// AAE and a VAE with the same `--latent`/`--hidden`/`--likelihood` have the
/// same networks; the discriminator on the codes has its own widths.
///
/// ```swift
/// var o = AAEModel.defaultOptions
/// o.network.latent = 2
/// o.prior = .mixture                 // 10 Gaussians on a circle
/// o.discriminatorHidden = [128, 128]
/// o.discriminatorLearningRate = 1e-3   // the prior imposed faster, blurrier samples
/// ```
public struct AAEOptions: FamilyOptions, Equatable {
    /// Latent size, the encoder's hidden widths (the decoder mirrors them) and the pixel likelihood, as the VAE's.
    public var network = NetworkOptions()
    /// The prior p(z) the discriminator imposes on the codes.
    public var prior: CodePrior.Kind = .gaussian
    /// Hidden widths of the discriminator D(z) (ReLU). The paper used two layers of 1000 units; 256 keep it
    /// cheaper than the autoencoder on a CPU.
    public var discriminatorHidden = [256, 256]
    /// Learning rate of the regularisation phase: the discriminator's step and the encoder's step as its
    /// generator, both Adam with β₁ = 0.5. On MNIST digits with 2-D codes, 25 epochs, 1e-3 (the reconstruction
    /// phase's rate) imposed the prior more tightly but blurred the samples (FID 44 against 23 at 2e-4).
    public var discriminatorLearningRate: Float = 2e-4
    /// The reconstruction phase's optimizer (encoder and decoder).
    public var optimizer = OptimizerOptions()

    public init() {}

    public static var specs: [OptionSpec<AAEOptions>] {
        NetworkOptions.specs(mlp: true).map { $0.lifted(\.network) } + [
            .choice("prior", \.prior, "Prior the discriminator imposes on the codes: gaussian (N(0, I)), or mixture (10 Gaussians of sd 0.5 whose means lie on a circle of radius 3 in the first two dimensions; needs --latent 2 or more)."),
            .counts("d-hidden", \.discriminatorHidden, "Hidden widths of the discriminator on the codes, comma-separated (the paper: 1000,1000)."),
            OptionSpec.number("d-lr", \.discriminatorLearningRate, "Learning rate of the regularisation phase: the discriminator and the encoder as its generator, Adam with beta1 0.5; larger imposes the prior more tightly at the cost of reconstructions.", .positive).resumable(),
        ] + OptimizerOptions.specs.map { $0.lifted(\.optimizer) }
    }
}

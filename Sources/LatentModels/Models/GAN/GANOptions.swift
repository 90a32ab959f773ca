/// The options of the `gan` (MLP) and `dcgan` families. Both networks use
/// Adam with β₁ = 0.5.
///
/// ```swift
/// var o = GANModel.defaultOptions
/// o.latent = 10
/// o.labelSmoothing = 0.1
/// o.discriminatorLearningRate = 2e-4
/// o.variant = .acgan                    // nil (configs from before variants) reads as .plain
/// ```
public struct GANOptions: FamilyOptions, Equatable {
    public var latent = 20
    /// The generator's hidden widths (the discriminator mirrors them); nil for the convolutional networks.
    public var hidden: [Int]? = [256, 512, 1024]
    /// The generator's learning rate (and the discriminator's unless it has its own).
    public var learningRate: Float = 1e-3
    /// The discriminator's own learning rate (nil: the generator's).
    public var discriminatorLearningRate: Float?
    public var loss: GeneratorLoss = .nonSaturating
    /// One-sided label smoothing: the real label is 1 − s.
    public var labelSmoothing: Float = 0
    /// Discriminator steps per generator step.
    public var discriminatorSteps = 1
    /// The convolutions of the DCGAN networks (nil reads as `.standard`: configs written
    /// before the option existed); always nil for the MLP networks.
    public var conv: ConvolutionKind?
    /// Which GAN (`GANVariant`); nil reads as `.plain` (configs written before the option existed).
    public var variant: GANVariant?
    /// InfoGAN: values of the categorical code (nil: 10); unset for the other variants.
    public var categorical: Int?
    /// InfoGAN: continuous codes (nil: 2); unset for the other variants.
    public var continuous: Int?
    /// InfoGAN: λ, the weight of the mutual-information term (nil: 1); unset for the other variants.
    public var infoWeight: Float?

    public static let defaultCategorical = 10, defaultContinuous = 2
    public static let defaultInfoWeight: Float = 1

    /// The variant, `.plain` when unset.
    public var chosenVariant: GANVariant { variant ?? .plain }

    public init() {}

    public static func specs(mlp: Bool) -> [OptionSpec<GANOptions>] {
        var specs: [OptionSpec<GANOptions>] = [.count("latent", \.latent, "Latent dimensions of the generator's noise.")]
        specs.append(mlp ? .counts("hidden", \.hidden, "The generator's hidden widths, comma-separated (the discriminator mirrors them).")
                         : .convolution(\.conv))
        return specs + [
            OptionSpec.number("lr", \.learningRate, "Learning rate (both networks unless --d-lr).", .positive).resumable(),
            OptionSpec.number("d-lr", \.discriminatorLearningRate, "The discriminator's learning rate (default: --lr).", .positive).resumable(),
            .choice("loss", \.loss, "Generator loss: non-saturating, or minimax."),
            .number("label-smoothing", \.labelSmoothing, "One-sided label smoothing (real label 1 − s).", .from(0, below: 0.5)),
            .count("d-steps", \.discriminatorSteps, "Discriminator steps per generator step."),
            variantSpec,
            OptionSpec.count("categorical", \.categorical, "InfoGAN: values of the categorical code (default \(defaultCategorical)).", min: 2, max: 1_000)
                .only(when: infoGANOnly),
            OptionSpec.count("continuous", \.continuous, "InfoGAN: continuous codes, each uniform on [−1, 1] (default \(defaultContinuous); 0: none).", min: 0, max: 1_000)
                .only(when: infoGANOnly),
            OptionSpec.number("info-weight", \.infoWeight, "InfoGAN: λ, the weight of the mutual-information term in both losses (default \(Int(defaultInfoWeight))).", .positive)
                .only(when: infoGANOnly),
        ]
    }

    static func infoGANOnly(_ o: GANOptions) -> String? { o.chosenVariant == .infogan ? nil : "--variant infogan" }

    /// `--variant`: stored even when plain is given, read as plain when unset.
    static var variantSpec: OptionSpec<GANOptions> {
        let choice = OptionSpec<GANVariant>.choice("variant", \.self, GANVariant.help)
        return OptionSpec(name: "variant", valueName: choice.valueName, help: "Which GAN: " + GANVariant.help,
                          read: { $0.chosenVariant.rawValue },
                          write: { options, text in
                              var v = GANVariant.plain
                              try choice.write(&v, text)
                              options.variant = v
                          })
    }
}

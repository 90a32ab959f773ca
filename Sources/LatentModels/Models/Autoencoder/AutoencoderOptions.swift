import LatentNN

/// The options of the `ae` and `conv-ae` families.
///
/// ```swift
/// var o = AutoencoderModel.defaultOptions
/// o.network.latent = 64
/// o.noise = "gaussian:0.3"     // denoising
/// o.sparsity = 1e-3           // sparse code
/// ```
public struct AutoencoderOptions: FamilyOptions, Equatable {
    public var network = NetworkOptions()
    /// Input corruption for a denoising autoencoder: "gaussian:STD" or "mask:P" (targets stay clean).
    public var noise: String?
    /// L1 weight on the code (sparse autoencoder).
    public var sparsity: Float = 0
    public var optimizer = OptimizerOptions()

    public init() {}

    public static func specs(mlp: Bool) -> [OptionSpec<AutoencoderOptions>] {
        NetworkOptions.specs(mlp: mlp).map { $0.lifted(\.network) } + [
            .text("noise", \.noise, "Input noise: gaussian:STD or mask:P (denoising; targets stay clean).", valueName: "kind:x") {
                _ = try InputNoise($0)
            },
            .number("sparsity", \.sparsity, "L1 weight on the code (sparse autoencoder).", .nonNegative),
        ] + OptimizerOptions.specs.map { $0.lifted(\.optimizer) }
    }
}

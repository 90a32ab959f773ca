/// The options of the `ppca` family (fitted in closed form: no learning rate, no optimizer).
///
/// ```swift
/// var o = PPCAOptions()
/// o.latent = 2
/// ```
public struct PPCAOptions: FamilyOptions, Equatable {
    /// Latent dimensions (principal directions kept).
    public var latent = 20

    public init() {}

    public static var specs: [OptionSpec<PPCAOptions>] {
        [.count("latent", \.latent, "Latent dimensions (principal directions kept).")]
    }
}

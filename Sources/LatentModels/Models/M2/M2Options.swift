import LatentNN

/// The options of the `m2` family (the semi-supervised VAE of Kingma, Rezende,
/// Mohamed & Welling 2014).
///
/// ```swift
/// var o = M2Model.defaultOptions
/// o.labelled = 100          // labels kept, balanced over the classes
/// o.network.latent = 50
/// o.classifierWeight = 50   // α; nil: 0.1·N/n
/// ```
public struct M2Options: FamilyOptions, Equatable {
    /// Latent size, hidden widths (the classifier q(y|x) has the same hidden widths), likelihood.
    public var network = NetworkOptions()
    /// Training images whose label is kept, balanced over the classes and chosen by the seed; the others are
    /// used without their label.
    public var labelled = 100
    /// Weight α of the classifier's cross-entropy on the labelled images (nil: 0.1·N/n, see `M2.defaultAlpha`).
    /// (`--classifier-weight`: `--alpha` is the PNG reading option.)
    public var classifierWeight: Float?
    public var optimizer = OptimizerOptions()

    public init() {}

    public static var specs: [OptionSpec<M2Options>] {
        NetworkOptions.specs(mlp: true).map { $0.lifted(\.network) } + [
            .count("labelled", \.labelled, "Training images whose label is kept (balanced over the classes, chosen by --seed); the rest are used without labels."),
            .number("classifier-weight", \.classifierWeight, "Weight alpha of the classifier's cross-entropy on the labelled images (default 0.1*N/n for N training images, n labelled: the paper's alpha = 0.1*N, per labelled batch).", .positive),
        ] + OptimizerOptions.specs.map { $0.lifted(\.optimizer) }
    }
}

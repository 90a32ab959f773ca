/// The encoder/decoder shape and pixel likelihood that the VAE and the
/// autoencoder share, so one of each with the same options compare one to one.
///
/// ```swift
/// var network = NetworkOptions()
/// network.latent = 2
/// network.likelihood = .gaussian
/// network.gaussianStd = 0.2
/// ```
public struct NetworkOptions: Codable, Sendable, Equatable {
    /// Latent dimensions.
    public var latent = 20
    /// Hidden widths of the MLP encoder (the decoder mirrors them); nil for the convolutional body.
    public var hidden: [Int]? = [512, 256]
    public var likelihood: Likelihood = .bernoulli
    /// Standard deviation of the fixed Gaussian likelihood (nil: 0.1); only `.gaussian` has one.
    public var gaussianStd: Float?
    /// The convolutions of the convolutional body (nil there reads as `.standard`: configs
    /// written before the option existed); always nil for the MLP body.
    public var conv: ConvolutionKind?

    public static let defaultGaussianStd: Float = 0.1

    public init() {}

    /// The options of the convolutional body (no hidden widths; standard convolutions).
    public static var convolutional: NetworkOptions {
        var n = NetworkOptions()
        n.hidden = nil
        n.conv = .standard
        return n
    }

    /// `--hidden 512,256`, or `--hidden none` for a single-layer encoder and decoder (784 → latent → 784).
    static var hiddenSpec: OptionSpec<NetworkOptions> {
        let list = OptionSpec<NetworkOptions>.counts("hidden", \.hidden, "")
        return OptionSpec(name: "hidden", valueName: "list", help: "Hidden layer widths, comma-separated (the decoder mirrors them); none: a single layer each way.",
                          read: { $0.hidden.map { $0.isEmpty ? "none" : $0.map(String.init).joined(separator: ",") } },
                          write: { options, text in
                              if text.trimmingCharacters(in: .whitespaces).lowercased() == "none" { options.hidden = [] } else { try list.set(&options, text) }
                          })
    }

    /// `--latent`, `--hidden` (MLP bodies only), `--conv` (convolutional bodies only), `--likelihood`, `--gaussian-std`.
    public static func specs(mlp: Bool) -> [OptionSpec<NetworkOptions>] {
        var specs: [OptionSpec<NetworkOptions>] = [.count("latent", \.latent, "Latent dimensions.")]
        specs.append(mlp ? hiddenSpec : .convolution(\.conv))
        specs.append(.choice("likelihood", \.likelihood,
                             "Decoder likelihood: bernoulli, gaussian (fixed --gaussian-std), gaussian-learned, categorical (256 levels)."))
        specs.append(OptionSpec.number("gaussian-std", \.gaussianStd, "Standard deviation of the fixed Gaussian likelihood (default \(defaultGaussianStd)).", .positive)
            .only { $0.likelihood == .gaussian ? nil : "--likelihood gaussian" })
        return specs
    }
}

extension OptionSpec {
    /// Positive whole numbers separated by commas, or unset.
    public static func counts(_ name: String, _ path: WritableKeyPath<Options, [Int]?>, _ help: String, minCount: Int = 1) -> OptionSpec {
        let list = OptionSpec<[Int]>.counts(name, \.self, help, minCount: minCount)
        return OptionSpec(name: name, valueName: list.valueName, help: help,
                          read: { $0[keyPath: path].flatMap(list.read) },
                          write: { options, text in
                              var values: [Int] = []
                              try list.write(&values, text)
                              options[keyPath: path] = values
                          })
    }
}

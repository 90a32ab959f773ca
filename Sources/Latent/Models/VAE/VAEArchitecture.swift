/// How p(x|z) turns decoder outputs into a distribution over pixels.
public enum Likelihood: String, Codable, Sendable, CaseIterable {
    /// Bernoulli on logits: for [0, 1] or binarized images (nats are exact for binary data).
    case bernoulli
    /// Gaussian with a fixed standard deviation (`--gaussian-std`, default 0.1).
    case gaussian
    /// Gaussian whose per-pixel log-variance the decoder also outputs.
    case gaussianLearned = "gaussian-learned"
    /// Categorical over the 256 intensity levels of 8-bit images.
    case categorical

    /// Decoder outputs per pixel.
    public var parametersPerPixel: Int {
        switch self {
        case .bernoulli, .gaussian: return 1
        case .gaussianLearned: return 2
        case .categorical: return 256
        }
    }
}

/// The prior p(z).
public enum PriorKind: String, Codable, Sendable, CaseIterable {
    /// N(0, I).
    case standard
    /// A learnable mixture of K diagonal Gaussians (means, log-variances, mixing logits).
    case mog
    /// VampPrior (Tomczak & Welling 2018): the average of the encoder's posteriors at K learnable pseudo-inputs.
    case vamp
}

/// The shape of a VAE or autoencoder, read from a run's options.
public struct VAEArchitecture: Codable, Sendable, Equatable {
    public enum Body: String, Codable, Sendable { case mlp, conv }

    public var body: Body
    /// [C, H, W] of the images.
    public var imageShape: [Int]
    public var latent: Int
    /// Hidden widths of the MLP encoder (the decoder mirrors them).
    public var hidden: [Int]
    public var likelihood: Likelihood
    public var gaussianStd: Float
    public var prior: PriorKind
    public var components: Int
    /// Classes for a conditional model (one-hot labels into encoder and decoder), nil otherwise.
    public var conditionalClasses: Int?

    public var pixelCount: Int { imageShape.reduce(1, *) }

    public init(body: Body, imageShape: [Int], latent: Int, hidden: [Int] = [512, 256], likelihood: Likelihood = .bernoulli,
                gaussianStd: Float = 0.1, prior: PriorKind = .standard, components: Int = 10, conditionalClasses: Int? = nil) {
        self.body = body
        self.imageShape = imageShape
        self.latent = latent
        self.hidden = hidden
        self.likelihood = likelihood
        self.gaussianStd = gaussianStd
        self.prior = prior
        self.components = components
        self.conditionalClasses = conditionalClasses
    }

    /// Reads the architecture from a run configuration, checking every choice.
    public static func from(_ config: RunConfig, body: Body) throws -> VAEArchitecture {
        let m = config.model
        var a = VAEArchitecture(body: body, imageShape: config.imageShape, latent: m.latent ?? 20, hidden: m.hidden ?? [512, 256])
        guard a.latent >= 1, a.hidden.allSatisfy({ $0 >= 1 }), !a.hidden.isEmpty else {
            throw LatentError.invalidArgument("--latent and every --hidden size must be positive")
        }
        if let l = m.likelihood {
            guard let v = Likelihood(rawValue: l) else {
                throw LatentError.invalidArgument("unknown likelihood '\(l)'; choose \(Likelihood.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            a.likelihood = v
        }
        if let p = m.prior {
            guard let v = PriorKind(rawValue: p) else {
                throw LatentError.invalidArgument("unknown prior '\(p)'; choose \(PriorKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            a.prior = v
        }
        a.components = m.components ?? 10
        a.gaussianStd = m.gaussianStd ?? 0.1
        guard a.components >= 1 else { throw LatentError.invalidArgument("--components must be positive") }
        guard a.gaussianStd > 0 else { throw LatentError.invalidArgument("--gaussian-std must be positive") }
        if m.conditional == true {
            let classes = config.classCount ?? 0
            guard classes >= 2 else { throw LatentError.invalidArgument("--conditional needs labelled data with at least two classes") }
            a.conditionalClasses = classes
            if a.prior == .vamp { throw LatentError.invalidArgument("the VampPrior needs an unconditional encoder; use --prior standard or mog with --conditional") }
        }
        if body == .conv {
            guard a.imageShape.count == 3, a.imageShape[1] % 4 == 0, a.imageShape[2] % 4 == 0 else {
                throw LatentError.invalidArgument("the convolutional networks need image sides divisible by 4, got \(a.imageShape)")
            }
        }
        if a.likelihood == .categorical && config.data.binarize != .none {
            throw LatentError.invalidArgument("the categorical likelihood models 256 gray levels; do not binarize the data")
        }
        return a
    }
}

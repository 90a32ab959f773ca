import LatentTensor

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
    /// The convolutions of the conv body (ignored by the MLP body).
    public var convolution: ConvolutionKind
    public var likelihood: Likelihood
    public var gaussianStd: Float
    public var prior: PriorKind
    public var components: Int
    /// Classes for a conditional model (one-hot labels into encoder and decoder), nil otherwise.
    public var conditionalClasses: Int?

    public var pixelCount: Int { imageShape.reduce(1, *) }

    public init(body: Body, imageShape: [Int], latent: Int, hidden: [Int] = [512, 256], convolution: ConvolutionKind = .standard,
                likelihood: Likelihood = .bernoulli, gaussianStd: Float = 0.1, prior: PriorKind = .standard, components: Int = 10,
                conditionalClasses: Int? = nil) {
        self.body = body
        self.imageShape = imageShape
        self.latent = latent
        self.hidden = hidden
        self.convolution = convolution
        self.likelihood = likelihood
        self.gaussianStd = gaussianStd
        self.prior = prior
        self.components = components
        self.conditionalClasses = conditionalClasses
    }

    /// The architecture for `network` on images of `context`, checking what
    /// depends on the data (labels for a conditional model, sides divisible by 4
    /// for the convolutional body, gray levels for the categorical likelihood).
    ///
    /// ```swift
    /// let a = try VAEArchitecture(body: .mlp, network: NetworkOptions(), context: ModelContext(imageShape: [1, 28, 28]))
    /// ```
    public init(body: Body, network: NetworkOptions, prior: PriorKind = .standard, components: Int? = nil, conditional: Bool = false,
                context: ModelContext) throws {
        guard (body == .mlp) == (network.hidden != nil) else {
            throw LatentError.invalidArgument(body == .mlp ? "the MLP networks need --hidden widths" : "the convolutional networks have no --hidden widths")
        }
        guard body == .conv || network.conv == nil else { throw LatentError.invalidArgument("the MLP networks have no --conv choice") }
        self.init(body: body, imageShape: context.imageShape, latent: network.latent, hidden: network.hidden ?? [],
                  convolution: network.conv ?? .standard,
                  likelihood: network.likelihood, gaussianStd: network.gaussianStd ?? NetworkOptions.defaultGaussianStd,
                  prior: prior, components: components ?? VAEOptions.defaultComponents)
        if conditional {
            let classes = context.classCount ?? 0
            guard classes >= 2 else { throw LatentError.invalidArgument("--conditional needs labelled data with at least two classes") }
            guard prior != .vamp else {
                throw LatentError.invalidArgument("the VampPrior needs an unconditional encoder; use --prior standard or mog with --conditional")
            }
            conditionalClasses = classes
        }
        if body == .conv {
            guard imageShape.count == 3, imageShape[1] % 4 == 0, imageShape[2] % 4 == 0 else {
                throw LatentError.invalidArgument("the convolutional networks need image sides divisible by 4, got \(imageShape)")
            }
        }
        if likelihood == .categorical && context.binarized {
            throw LatentError.invalidArgument("the categorical likelihood models 256 gray levels; do not binarize the data")
        }
    }
}

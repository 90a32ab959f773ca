import LatentTensor

/// Which GAN `gan` and `dcgan` train (`--variant`): the plain GAN, or one of
/// the variants that grew from DCGAN. Configs written before the option
/// existed have no variant and read as `.plain`.
///
/// - `conditional` (Mirza & Osindero 2014): the one-hot class goes into G
///   (beside z) and into D — the MLP's D is a projection discriminator
///   (Miyato & Koyama 2018): D(x, y) = ψ(φ(x)) + embed(y)·φ(x), with φ its
///   hidden layers, ψ its last linear layer and embed a learned vector per
///   class (with the class merely beside the flattened image, it drew the
///   requested class 35% of the time on four classes of tiny bars);
///   the DCGAN's D sees it as K extra input channels, channel k all ones for class k
///   (joined after the conv stack, before D's last linear layer, it could only
///   shift the logit by a per-class constant and never judge image and class together).
/// - `acgan` (Odena et al. 2017): G sees the class; D sees only the image and
///   has a K-way class head beside its real/fake logit. D minimises its BCE
///   plus the class cross-entropy on real and fake images; G minimises its
///   adversarial loss plus the class cross-entropy of its samples.
/// - `infogan` (Chen et al. 2016): G sees z, a categorical code (K values,
///   uniform) and continuous codes (uniform on [−1, 1]); a Q head sharing D's
///   body predicts them from G's samples. The mutual-information term λ·L_I —
///   the categorical cross-entropy plus the Gaussian NLL of the continuous
///   codes with σ fixed at 1 (½(c − μ)² summed over the codes, the constant
///   dropped) — is added to both D's loss (training Q and the shared body) and
///   G's loss. No labels are used.
///
/// ```swift
/// var o = GANModel.defaultOptions
/// o.variant = .infogan
/// o.categorical = 10     // nil reads as 10
/// o.continuous = 2       // nil reads as 2
/// ```
public enum GANVariant: String, Codable, Sendable, CaseIterable {
    case plain
    case conditional
    case acgan
    case infogan

    /// For `--help`.
    public static let help = "plain; conditional (the one-hot class into G and D; labelled data); acgan (G sees the class, D has a class head; labelled data); infogan (categorical and continuous codes with the mutual-information term; see --categorical, --continuous, --info-weight)."

    /// Whether the variant trains on the data's labels.
    public var needsLabels: Bool { self == .conditional || self == .acgan }

    /// The number written into a checkpoint beside the weights (plain writes none, as before the option existed).
    var code: Float {
        switch self {
        case .plain: 0
        case .conditional: 1
        case .acgan: 2
        case .infogan: 3
        }
    }

    init?(code: Float) {
        guard let v = GANVariant.allCases.first(where: { $0.code == code }) else { return nil }
        self = v
    }

    /// How users name the variant in messages ("an InfoGAN").
    public var described: String {
        switch self {
        case .plain: "a plain GAN"
        case .conditional: "a conditional GAN"
        case .acgan: "an AC-GAN"
        case .infogan: "an InfoGAN"
        }
    }
}

/// What a GAN feeds its generator besides z, and how D sees labels; built by
/// `GANModel` from `GANOptions` and the data's classes.
///
/// ```swift
/// let c = GANConditioning(variant: .acgan, classes: 10)
/// c.generatorCodes   // 10: the one-hot class beside z
/// ```
public struct GANConditioning: Sendable, Equatable {
    public var variant: GANVariant = .plain
    /// K: the data's classes (conditional, acgan) or the categorical code's values (infogan); 0 for plain.
    public var classes = 0
    /// InfoGAN's continuous codes.
    public var continuous = 0
    /// InfoGAN's λ.
    public var infoWeight: Float = 1
    /// Conditional D: the pixels each class's one-hot entry is repeated over beside the image —
    /// 1 for the MLP (K inputs beside the flattened image), H·W for the DCGAN (K constant channels).
    public var labelPixels = 1
    /// Conditional MLP D: a projection discriminator, D(x, y) = ψ(φ(x)) + embed(y)·φ(x); the class
    /// embedding is `GAN.auxiliary` (a bias-free Linear from the one-hot class to φ's width).
    public var projection = false

    public init(variant: GANVariant = .plain, classes: Int = 0, continuous: Int = 0, infoWeight: Float = 1, labelPixels: Int = 1,
                projection: Bool = false) {
        self.variant = variant
        self.projection = projection
        self.classes = classes
        self.continuous = continuous
        self.infoWeight = infoWeight
        self.labelPixels = labelPixels
    }

    /// The conditional D's extra inputs for `labels`: [N, K·labelPixels], class k's block all ones.
    public func labelInputs(_ labels: [Int]) -> Tensor {
        var values = [Float](repeating: 0, count: labels.count * classes * labelPixels)
        for (i, label) in labels.enumerated() {
            precondition(label >= 0 && label < classes, "class \(label) outside 0..<\(classes)")
            let start = (i * classes + label) * labelPixels
            for p in start..<(start + labelPixels) { values[p] = 1 }
        }
        return Tensor(values, shape: [labels.count, classes * labelPixels])
    }

    /// Inputs of G beside z.
    public var generatorCodes: Int {
        switch variant {
        case .plain: 0
        case .conditional, .acgan: classes
        case .infogan: classes + continuous
        }
    }

    /// Outputs of D's auxiliary head (AC-GAN's class logits, InfoGAN's Q: K logits then C means); 0 without one.
    public var auxiliaryOutputs: Int {
        switch variant {
        case .plain, .conditional: 0
        case .acgan: classes
        case .infogan: classes + continuous
        }
    }
}

/// The codes one batch of generated images was drawn with.
public struct GANCodes {
    /// The class (conditional, acgan) or categorical code (infogan) of each row; empty for plain.
    public var labels: [Int]
    /// InfoGAN's continuous codes [N, C]; nil otherwise.
    public var continuous: Tensor?

    public init(labels: [Int], continuous: Tensor? = nil) {
        self.labels = labels
        self.continuous = continuous
    }
}

/// A model whose generator takes interpretable codes besides its noise: an
/// InfoGAN. `latent traverse` varies one code at a time; `latent evaluate
/// --conditional-accuracy` checks how well the categorical code matches the classes.
///
/// ```swift
/// if let info = model as? any CodeTraversalModel, let codes = info.infoCodes {
///     let z = Tensor.zeros([codes.categorical, info.latentSize])
///     let images = info.generate(noise: z, categorical: Array(0..<codes.categorical),
///                                continuous: nil)   // every continuous code at 0
/// }
/// ```
public protocol CodeTraversalModel: SamplingModel {
    /// The noise dimensions z (the codes come beside them).
    var latentSize: Int { get }
    /// K values of the categorical code and C continuous codes; nil when the model has none (not an InfoGAN).
    var infoCodes: (categorical: Int, continuous: Int)? { get }
    /// Images [N, C·H·W] in the data's range for noise [N, latentSize], one categorical value per row and
    /// continuous codes [N, C] (training drew them from U(−1, 1); nil: none, or all at 0).
    func generate(noise: Tensor, categorical: [Int], continuous: Tensor?) -> Tensor
}

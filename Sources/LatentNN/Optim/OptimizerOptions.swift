/// The optimizer of a gradient-trained family (VAE, autoencoder, classifier):
/// which one, its learning rate, SGD's momentum and gradient clipping.
///
/// ```swift
/// var o = OptimizerOptions()
/// o.kind = .sgd
/// o.momentum = 0.5
/// let optimizer = o.make(model.parameters())
/// ```
public struct OptimizerOptions: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable { case adam, adamax, sgd }

    public var kind: Kind = .adam
    public var learningRate: Float = 1e-3
    /// SGD's momentum (nil: 0.9); only SGD has one.
    public var momentum: Float?
    /// Clip the global gradient norm to this value (nil: no clipping).
    public var clipNorm: Float?
    /// Adam's and Adamax's (β₁, β₂) (nil: 0.9, 0.999).
    public var betas: [Float]?

    public static let defaultMomentum: Float = 0.9

    public init() {}

    /// The optimizer over `parameters`.
    public func make(_ parameters: [Parameter]) -> any Optimizer {
        switch kind {
        case .adam: return Adam(parameters, learningRate: learningRate, beta1: betas?[0] ?? 0.9, beta2: betas?[1] ?? 0.999)
        case .adamax: return Adamax(parameters, learningRate: learningRate, beta1: betas?[0] ?? 0.9, beta2: betas?[1] ?? 0.999)
        case .sgd: return SGD(parameters, learningRate: learningRate, momentum: momentum ?? Self.defaultMomentum)
        }
    }

    /// Clips the gradients of `parameters` when asked to (call between backward and step).
    public func clip(_ parameters: [Parameter]) {
        DataParallel.synchronizeGradients(parameters)   // the norm of the global batch's gradient, the same on every rank
        if let clipNorm { clipGradientNorm(parameters, maxNorm: clipNorm) }
    }
}

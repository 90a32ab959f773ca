import Foundation
import LatentTensor

/// The prior p(z) an adversarial autoencoder's discriminator imposes on the
/// codes: the standard Gaussian N(0, I), or the paper's 2-D picture prior, a
/// mixture of 10 equally weighted Gaussians of standard deviation 0.5 in every
/// dimension whose means lie on a circle of radius 3 in the first two
/// dimensions (0 in the others).
///
/// ```swift
/// let prior = try CodePrior(.mixture, latent: 2)
/// var rng = RandomGenerator(seed: 0)
/// let (z, component) = prior.sampleWithComponents(1_000, rng: &rng)   // z: [1000, 2]; component k centred at 3·(cos 2πk/10, sin 2πk/10)
/// ```
public struct CodePrior: Sendable, Equatable {
    /// Which prior.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// N(0, I).
        case gaussian
        /// 10 Gaussians on a circle (the paper's Figure 4 prior).
        case mixture
    }

    public let kind: Kind
    public let latent: Int

    /// Mixture components.
    public static let components = 10
    /// Radius of the circle the mixture's means lie on.
    public static let radius: Float = 3
    /// Each mixture component's standard deviation, in every dimension.
    public static let componentStd: Float = 0.5

    public init(_ kind: Kind, latent: Int) throws {
        guard latent >= 1 else { throw LatentError.invalidArgument("the prior needs at least one latent dimension") }
        if kind == .mixture && latent < 2 {
            throw LatentError.invalidArgument("--prior mixture puts its components on a circle in the first two dimensions; it needs --latent 2 or more")
        }
        self.kind = kind
        self.latent = latent
    }

    /// The mixture's means [10, latent]: component k at radius·(cos 2πk/10, sin 2πk/10, 0, …).
    public var componentMeans: Tensor {
        var values = [Float](repeating: 0, count: Self.components * latent)
        for k in 0..<Self.components {
            let angle = 2 * Double.pi * Double(k) / Double(Self.components)
            values[k * latent] = Self.radius * Float(cos(angle))
            values[k * latent + 1] = Self.radius * Float(sin(angle))
        }
        return Tensor(values, shape: [Self.components, latent])
    }

    /// `count` codes z ~ p(z): [count, latent].
    public func sample(_ count: Int, rng: inout RandomGenerator) -> Tensor {
        sampleWithComponents(count, rng: &rng).codes
    }

    /// `count` codes and, for the mixture, the component each was drawn from (nil for the Gaussian).
    public func sampleWithComponents(_ count: Int, rng: inout RandomGenerator) -> (codes: Tensor, components: [Int]?) {
        switch kind {
        case .gaussian:
            return (Tensor.normal([count, latent], rng: &rng), nil)
        case .mixture:
            let chosen = (0..<count).map { _ in Int(rng.next() % UInt64(Self.components)) }
            let noise = Tensor.normal([count, latent], std: Self.componentStd, rng: &rng)
            return (componentMeans.gatherRows(chosen) + noise, chosen)
        }
    }

    /// The prior's standard deviation per dimension, averaged over the dimensions
    /// (1 for N(0, I)): what the codes' spread is compared with.
    public var meanMarginalStd: Float {
        switch kind {
        case .gaussian: return 1
        case .mixture:
            let s2 = Self.componentStd * Self.componentStd
            // The means spread r²/2 in each of the circle's two dimensions (uniform angles).
            let circle = (Self.radius * Self.radius / 2 + s2).squareRoot()
            return (2 * circle + Float(latent - 2) * Self.componentStd) / Float(latent)
        }
    }
}

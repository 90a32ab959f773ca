import Foundation

/// The forward process of a diffusion model, q(x_t | x_{t−1}) = N(√(1−β_t) x_{t−1}, β_t I),
/// and every coefficient derived from it, in Double, indexed by t − 1 (index 0 is t = 1).
///
/// - ᾱ_t = Π_{s≤t} (1 − β_s), so q(x_t | x_0) = N(√ᾱ_t x_0, (1 − ᾱ_t) I);
/// - the posterior q(x_{t−1} | x_t, x_0) = N(c₀ x_0 + c_t x_t, β̃_t I) with
///   c₀ = β_t √ᾱ_{t−1} / (1 − ᾱ_t), c_t = √α_t (1 − ᾱ_{t−1}) / (1 − ᾱ_t),
///   β̃_t = β_t (1 − ᾱ_{t−1}) / (1 − ᾱ_t) and ᾱ_0 = 1 (Ho et al. 2020, eq. 6–7).
///
/// ```swift
/// let s = NoiseSchedule(.cosine, timesteps: 1000)
/// s.alphaBar[999]            // ᾱ_T ≈ 0
/// s.posteriorVariance[0]     // β̃_1 = 0
/// ```
public struct NoiseSchedule: Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// β_t from 10⁻⁴ to 0.02 linearly, both ends scaled by 1000/T so that T ≠ 1000 keeps ᾱ_T small (Ho et al.; Nichol & Dhariwal's scaling).
        case linear
        /// ᾱ_t = f(t)/f(0), f(t) = cos²(π/2 · (t/T + s)/(1 + s)), s = 0.008, β_t = min(1 − ᾱ_t/ᾱ_{t−1}, 0.999) (Nichol & Dhariwal 2021).
        case cosine
    }

    public let kind: Kind
    public let beta: [Double]
    public let alphaBar: [Double]
    /// ᾱ_{t−1} (1 for t = 1).
    public let alphaBarPrevious: [Double]
    /// β̃_t; 0 at t = 1.
    public let posteriorVariance: [Double]
    /// c₀ and c_t of the posterior mean.
    public let posteriorMeanX0: [Double]
    public let posteriorMeanXt: [Double]

    public var timesteps: Int { beta.count }

    public init(_ kind: Kind, timesteps: Int) {
        precondition(timesteps >= 2, "a noise schedule needs at least 2 steps")
        let t = Double(timesteps)
        var beta: [Double]
        switch kind {
        case .linear:
            let scale = 1000 / t
            let (low, high) = (scale * 1e-4, Swift.min(scale * 0.02, 0.999))
            beta = (0..<timesteps).map { low + (high - low) * Double($0) / (t - 1) }
        case .cosine:
            let s = 0.008
            func f(_ step: Double) -> Double { let c = cos((step / t + s) / (1 + s) * .pi / 2); return c * c }
            beta = (1...timesteps).map { Swift.min(1 - f(Double($0)) / f(Double($0 - 1)), 0.999) }
        }
        self.init(kind: kind, beta: beta)
    }

    init(kind: Kind, beta: [Double]) {
        self.kind = kind
        self.beta = beta
        var products: [Double] = [], running = 1.0
        for b in beta { running *= 1 - b; products.append(running) }
        let previous = [1] + products.dropLast()
        alphaBar = products
        alphaBarPrevious = previous
        posteriorVariance = beta.indices.map { beta[$0] * (1 - previous[$0]) / (1 - products[$0]) }
        posteriorMeanX0 = beta.indices.map { beta[$0] * previous[$0].squareRoot() / (1 - products[$0]) }
        posteriorMeanXt = beta.indices.map { (1 - beta[$0]).squareRoot() * (1 - previous[$0]) / (1 - products[$0]) }
    }

    /// The variance of p(x_{t−1} | x_t): β̃_t, with β̃_2 at t = 1 where β̃_1 = 0
    /// (Ho et al.'s "fixed small" variance, clipped as in their code for the decoder L₀).
    public func modelVariance(_ index: Int) -> Double { index == 0 ? posteriorVariance[1] : posteriorVariance[index] }

    /// S indices 0 = τ₁ < … < τ_S ≤ T − 1 spread evenly over the chain, for DDIM.
    public func strided(_ steps: Int) -> [Int] {
        precondition(steps >= 1 && steps <= timesteps, "DDIM needs 1 to \(timesteps) steps, got \(steps)")
        return (0..<steps).map { $0 * timesteps / steps }
    }
}

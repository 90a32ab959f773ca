import LatentTensor

/// Corruption of a denoising autoencoder's input: additive Gaussian noise or
/// masking each pixel to 0 with a probability. The target stays clean.
///
/// ```swift
/// let noise = try InputNoise("mask:0.5")
/// let corrupted = noise.apply(batch, rng: &rng)
/// ```
public enum InputNoise: Equatable, Sendable {
    case gaussian(std: Float)
    case mask(probability: Float)

    /// Parses "gaussian:0.3" or "mask:0.5".
    public init(_ text: String) throws {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let v = Float(parts[1]), v.isFinite, v >= 0 else {
            throw LatentError.invalidArgument("--noise wants gaussian:STD or mask:P, got '\(text)'")
        }
        switch parts[0] {
        case "gaussian": self = .gaussian(std: v)
        case "mask":
            guard v < 1 else { throw LatentError.invalidArgument("--noise mask:P needs P below 1, got \(v)") }
            self = .mask(probability: v)
        default: throw LatentError.invalidArgument("--noise kind must be gaussian or mask, got '\(parts[0])'")
        }
    }

    public func apply(_ x: Tensor, rng: inout RandomGenerator) -> Tensor {
        switch self {
        case .gaussian(let std): return x + Tensor.normal(x.shape, std: std, rng: &rng)
        case .mask(let p): return x * Tensor.uniform(x.shape, rng: &rng).greater(p)
        }
    }
}

import LatentTensor

/// The value range pixels are scaled to, and every conversion between ranges.
/// Data are read in [0, 1]; tanh generators want [−1, 1]; pictures and
/// feature extractors want their own range back.
///
/// ```swift
/// let range = PixelRange.symmetric
/// let shown = range.toUnit(samples)          // [−1, 1] → [0, 1] for a PNG
/// let forGAN = range.fromUnit(images)        // [0, 1] → [−1, 1]
/// let same = PixelRange.unit.convert(x, to: .symmetric)
/// ```
public enum PixelRange: String, Codable, Sendable, CaseIterable {
    /// [0, 1]: what Bernoulli likelihoods and RBMs expect.
    case unit
    /// [−1, 1]: what tanh generators (GANs) expect.
    case symmetric

    /// The smallest and largest pixel value.
    public var bounds: (low: Float, high: Float) { self == .symmetric ? (-1, 1) : (0, 1) }

    /// Values in this range mapped to [0, 1].
    public func toUnit(_ t: Tensor) -> Tensor { self == .symmetric ? (t + 1) * 0.5 : t }

    /// Values in [0, 1] mapped to this range.
    public func fromUnit(_ t: Tensor) -> Tensor { self == .symmetric ? t * 2 - 1 : t }

    /// Values in this range mapped to `target`.
    public func convert(_ t: Tensor, to target: PixelRange) -> Tensor { self == target ? t : target.fromUnit(toUnit(t)) }
}

import Foundation
import LatentTensor

/// Weight initialisation schemes, with PyTorch's conventions for fan-in and fan-out.
///
/// ```swift
/// let dense = Linear(784, 512, initializer: .kaimingNormal, rng: &rng)
/// let gen = ConvTranspose2d(128, 64, kernelSize: 4, stride: 2, padding: 1, initializer: .normal(std: 0.02), rng: &rng)
/// ```
public enum Initializer: Sendable, Equatable {
    /// PyTorch's default for Linear and Conv: U(±1/√fanIn) (kaiming_uniform with a = √5).
    case pytorchDefault
    /// Glorot: U(±√(6 / (fanIn + fanOut))).
    case xavierUniform
    /// Glorot: N(0, 2 / (fanIn + fanOut)).
    case xavierNormal
    /// He: U(±√(6 / fanIn)), for ReLU networks.
    case kaimingUniform
    /// He: N(0, 2 / fanIn).
    case kaimingNormal
    /// N(0, std²), e.g. 0.02 as in DCGAN.
    case normal(std: Float)

    /// A tensor of `shape` drawn from this scheme.
    public func make(_ shape: [Int], fanIn: Int, fanOut: Int, rng: inout RandomGenerator) -> Tensor {
        let fi = Float(max(fanIn, 1)), fo = Float(max(fanOut, 1))
        switch self {
        case .pytorchDefault:
            let bound = 1 / fi.squareRoot()
            return .uniform(shape, low: -bound, high: bound, rng: &rng)
        case .xavierUniform:
            let bound = (6 / (fi + fo)).squareRoot()
            return .uniform(shape, low: -bound, high: bound, rng: &rng)
        case .xavierNormal:
            return .normal(shape, std: (2 / (fi + fo)).squareRoot(), rng: &rng)
        case .kaimingUniform:
            let bound = (6 / fi).squareRoot()
            return .uniform(shape, low: -bound, high: bound, rng: &rng)
        case .kaimingNormal:
            return .normal(shape, std: (2 / fi).squareRoot(), rng: &rng)
        case .normal(let std):
            return .normal(shape, std: std, rng: &rng)
        }
    }

    /// The bias that goes with this scheme: PyTorch's U(±1/√fanIn) for the default, zeros otherwise.
    public func makeBias(_ count: Int, fanIn: Int, rng: inout RandomGenerator) -> Tensor {
        if self == .pytorchDefault {
            let bound = 1 / Float(max(fanIn, 1)).squareRoot()
            return .uniform([count], low: -bound, high: bound, rng: &rng)
        }
        return .zeros([count])
    }
}

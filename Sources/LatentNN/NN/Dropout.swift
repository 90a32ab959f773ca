import LatentTensor

/// Zeroes each element with probability `p` in training and scales the rest
/// by 1/(1-p) (inverted dropout, as PyTorch); the identity in evaluation.
///
/// ```swift
/// let drop = Dropout(0.3, seed: 7)
/// let y = drop(x)
/// ```
public final class Dropout: Module, Layer {
    public let probability: Float
    var rng: RandomGenerator

    public init(_ probability: Float, seed: UInt64 = 0) {
        precondition(probability >= 0 && probability < 1, "dropout probability must be in [0, 1), got \(probability)")
        self.probability = probability
        rng = RandomGenerator(seed: seed)
        super.init()
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        guard isTraining, probability > 0 else { return x }
        let keep = 1 - probability
        let scale = 1 / keep
        let mask = Tensor.uniform(x.shape, rng: &rng).mapValues { u in Vec().replacing(with: scale, where: u .< keep) }
        return x * mask
    }
}

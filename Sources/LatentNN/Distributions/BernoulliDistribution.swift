import Foundation
import LatentTensor

/// Bernoulli likelihood on logits, per row: Σ [x log σ(l) + (1-x) log(1-σ(l))].
public enum BernoulliDistribution {
    public static func logProbability(logits: Tensor, _ x: Tensor) -> Tensor {
        -Loss.binaryCrossEntropyWithLogits(logits, targets: x, reduction: .none).sum(axis: -1)
    }
}

import Foundation
import LatentTensor

/// Categorical over `levels` values per pixel: logits [N, levels, D], observed
/// levels [N, D] (integers stored as floats) → log-probability per row [N].
public enum CategoricalDistribution {
    public static func logProbability(logits: Tensor, levels: Tensor) -> Tensor {
        logits.logSoftmax(axis: 1).takeAlongAxis1(levels).sum(axis: -1)
    }

    /// The most likely level (or a draw) per pixel: [N, D].
    public static func sample(logits: Tensor, rng: inout RandomGenerator) -> Tensor {
        let (n, k, d) = (logits.shape[0], logits.shape[1], logits.shape[2])
        let p = logits.detached().softmax(axis: 1).scalars
        var out = [Float](repeating: 0, count: n * d)
        for i in 0..<n { for j in 0..<d {
            let u = rng.nextUniform()
            var acc: Float = 0
            var level = k - 1
            for c in 0..<k { acc += p[(i * k + c) * d + j]; if u < acc { level = c; break } }
            out[i * d + j] = Float(level)
        } }
        return Tensor(out, shape: [n, d])
    }
}

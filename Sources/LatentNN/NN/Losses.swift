import Foundation
import LatentTensor

/// How a loss combines its per-element values.
public enum Reduction: Sendable {
    /// One value per element.
    case none
    /// The sum of all elements.
    case sum
    /// The mean over all elements.
    case mean
    /// The sum over all but the first axis, averaged over the first: nats per
    /// example, the usual VAE convention.
    case sumPerExample

    func apply(_ t: Tensor) -> Tensor {
        switch self {
        case .none: return t
        case .sum: return t.sum()
        case .mean: return t.mean()
        case .sumPerExample: return t.sum().scaled(by: 1 / Float(max(t.shape.first ?? 1, 1)))
        }
    }
}

/// Loss functions with PyTorch's definitions.
public enum Loss {
    /// Binary cross-entropy on logits: max(x,0) - x·t + log(1 + e^{-|x|}),
    /// fused into one pass with gradient σ(x) - t. Targets may be any value in [0, 1].
    ///
    /// ```swift
    /// let loss = Loss.binaryCrossEntropyWithLogits(logits, targets: x, reduction: .sumPerExample)
    /// ```
    public static func binaryCrossEntropyWithLogits(_ logits: Tensor, targets: Tensor, reduction: Reduction = .mean) -> Tensor {
        precondition(logits.shape == targets.shape, "BCE: logits \(logits.shape) and targets \(targets.shape) differ")
        let values = logits.detached().zipMap(BCEWithLogitsKernel.self, targets.detached())
        let x = logits.detached(), t = targets.detached()
        let needT = targets.requiresGradient
        let elementwise = Tensor.record("bceWithLogits", values, [logits, targets]) { g in
            let dx = x.zipMap(SigmoidMinusKernel.self, t).zipMap(MulKernel.self, g)
            // d/dt = -x
            return [dx, needT ? g.zipMap(MulKernel.self, x).negated() : nil]
        }
        return reduction.apply(elementwise)
    }

    /// Mean squared error (x - y)².
    public static func meanSquaredError(_ prediction: Tensor, _ target: Tensor, reduction: Reduction = .mean) -> Tensor {
        let d = prediction - target
        return reduction.apply(d * d)
    }

    /// Gaussian negative log-likelihood of `target` under N(mean, exp(logVariance)):
    /// ½(log 2π + logσ² + (x-μ)²/σ²). Broadcasting lets a shared variance be a smaller tensor.
    public static func gaussianNegativeLogLikelihood(_ target: Tensor, mean: Tensor, logVariance: Tensor,
                                                     reduction: Reduction = .mean) -> Tensor {
        let d = target - mean
        let nll = ((d * d) * (-logVariance).exp() + logVariance + Float(Foundation.log(2 * Double.pi))) * 0.5
        return reduction.apply(nll)
    }

    /// Cross-entropy of class `labels` under softmax(logits), logits [N, C].
    ///
    /// ```swift
    /// let loss = Loss.crossEntropy(model(x), labels: [3, 1, 4])
    /// ```
    public static func crossEntropy(_ logits: Tensor, labels: [Int], reduction: Reduction = .mean) -> Tensor {
        precondition(logits.rank == 2 && logits.shape[0] == labels.count,
                     "crossEntropy: logits \(logits.shape) for \(labels.count) labels")
        let picked = (logits.logSoftmax(axis: 1) * Tensor.oneHot(labels, classes: logits.shape[1])).sum(axis: 1)
        return reduction.apply(picked.negated())
    }
}

/// max(x,0) - x·t + log(1 + e^{-|x|}).
enum BCEWithLogitsKernel: BinaryKernel {
    @inlinable @inline(__always) static func apply(_ x: Vec, _ t: Vec) -> Vec {
        SIMDMath.softplus(x) - x * t
    }
}

/// σ(x) - t.
enum SigmoidMinusKernel: BinaryKernel {
    @inlinable @inline(__always) static func apply(_ x: Vec, _ t: Vec) -> Vec { SIMDMath.sigmoid(x) - t }
}

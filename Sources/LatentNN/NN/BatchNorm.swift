import LatentTensor

/// Batch normalisation over the channel axis of [N, C] or [N, C, H, W] input.
/// Training mode normalises with the batch's mean and biased variance and
/// updates running statistics (unbiased variance, momentum 0.1) exactly as
/// PyTorch's BatchNorm1d/2d; evaluation mode uses the running statistics.
///
/// ```swift
/// let bn = BatchNorm(64)
/// let y = bn(x)        // x: [N, 64, H, W]
/// bn.eval()            // now uses running mean and variance
/// ```
public final class BatchNorm: Module, Layer {
    public let weight: Parameter
    public let bias: Parameter
    public let runningMean: Buffer
    public let runningVar: Buffer
    public let momentum: Float
    public let epsilon: Float

    public init(_ features: Int, momentum: Float = 0.1, epsilon: Float = 1e-5) {
        weight = Parameter(.ones([features]))
        bias = Parameter(.zeros([features]))
        runningMean = Buffer(.zeros([features]))
        runningVar = Buffer(.ones([features]))
        self.momentum = momentum
        self.epsilon = epsilon
        super.init()
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        let c = weight.value.count
        precondition((x.rank == 2 || x.rank == 4) && x.shape[1] == c,
                     "BatchNorm(\(c)): input \(x.shape) is not [N, \(c)] or [N, \(c), H, W]")
        let axes = x.rank == 2 ? [0] : [0, 2, 3]
        let statShape = x.rank == 2 ? [1, c] : [1, c, 1, 1]
        if isTraining && x.rank == 4 {
            // One fused op (two passes forward, two backward): the same formula as below.
            let n = x.count / c
            precondition(n > 1, "BatchNorm needs more than one value per channel in training, got input \(x.shape)")
            let (y, mean, variance) = x.batchNormalized(weight: weight.value, bias: bias.value, epsilon: epsilon)
            let m = momentum
            runningMean.value = runningMean.value * (1 - m) + mean * m
            runningVar.value = runningVar.value * (1 - m) + variance * (Float(n) / Float(n - 1) * m)
            return y
        }
        let normalized: Tensor
        if isTraining {
            let n = x.count / c
            precondition(n > 1, "BatchNorm needs more than one value per channel in training, got input \(x.shape)")
            let mean = x.mean(axes: axes, keepDims: true)
            let centered = x - mean
            let variance = (centered * centered).mean(axes: axes, keepDims: true)
            normalized = centered * (variance + epsilon).pow(-0.5)
            // Running statistics: no gradient.
            let m = momentum
            let batchMean = mean.detached().reshaped([c])
            let unbiased = variance.detached().reshaped([c]) * (Float(n) / Float(n - 1))
            runningMean.value = runningMean.value * (1 - m) + batchMean * m
            runningVar.value = runningVar.value * (1 - m) + unbiased * m
        } else {
            let mean = runningMean.value.reshaped(statShape)
            let invStd = (runningVar.value + epsilon).pow(-0.5).reshaped(statShape)
            normalized = (x - mean) * invStd
        }
        return normalized * weight.value.reshaped(statShape) + bias.value.reshaped(statShape)
    }
}

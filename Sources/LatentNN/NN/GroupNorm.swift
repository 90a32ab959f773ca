import LatentTensor

/// Group normalisation (Wu & He 2018) of [N, C, H, W] input: the channels are
/// split into `groups` groups and each image's group is normalised by its own
/// mean and biased variance, then scaled and shifted per channel — PyTorch's
/// `GroupNorm(groups, C)`. It uses no batch statistics, so training and
/// evaluation compute the same function (the U-Net of a diffusion model
/// relies on that). Built from differentiable tensor ops, so its gradient is
/// the composition's.
///
/// ```swift
/// let norm = GroupNorm(groups: 8, channels: 32)
/// let y = norm(x)        // x: [N, 32, H, W]; each image's 8 groups of 4 channels have mean 0, variance 1
/// ```
public final class GroupNorm: Module, Layer {
    public let weight: Parameter
    public let bias: Parameter
    public let groups: Int
    public let epsilon: Float

    public init(groups: Int, channels: Int, epsilon: Float = 1e-5) {
        precondition(groups >= 1 && channels % groups == 0, "GroupNorm: \(channels) channels do not split into \(groups) groups")
        weight = Parameter(.ones([channels]))
        bias = Parameter(.zeros([channels]))
        self.groups = groups
        self.epsilon = epsilon
        super.init()
    }

    /// The largest group count ≤ `preferred` that divides `channels` (8 for 32 channels, 6 for 12).
    public static func groupCount(channels: Int, preferred: Int = 8) -> Int {
        var g = Swift.min(preferred, channels)
        while channels % g != 0 { g -= 1 }
        return g
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        let c = weight.value.count
        precondition(x.rank == 4 && x.shape[1] == c, "GroupNorm(\(c)): input \(x.shape) is not [N, \(c), H, W]")
        let (n, h, w) = (x.shape[0], x.shape[2], x.shape[3])
        let grouped = x.reshaped([n, groups, c / groups * h * w])
        let mean = grouped.mean(axis: 2, keepDims: true)
        let centered = grouped - mean
        let variance = (centered * centered).mean(axis: 2, keepDims: true)
        let normalized = (centered * (variance + epsilon).pow(-0.5)).reshaped([n, c, h, w])
        return normalized * weight.value.reshaped([1, c, 1, 1]) + bias.value.reshaped([1, c, 1, 1])
    }
}

import LatentTensor

/// Depthwise-separable convolution (as in MobileNet and Xception): a depthwise
/// k×k convolution, one filter per input channel (groups = in), then a
/// pointwise 1×1 convolution that mixes the channels. It has in·k² + in·out
/// (+ out bias) weights where a full convolution has in·out·k²: about k² times
/// fewer when out is large. The depthwise step has no bias (the pointwise
/// bias would absorb it). Parameters are named `depthwise.weight`,
/// `pointwise.weight` and `pointwise.bias`.
///
/// ```swift
/// let sep = DepthwiseSeparableConv2d(32, 64, kernelSize: 4, stride: 2, padding: 1, rng: &rng)
/// sep(Tensor.zeros([8, 32, 14, 14])).shape   // [8, 64, 7, 7]
/// sep.parameterCount                          // 32·16 + 32·64 + 64 = 2624 (a full Conv2d: 32 832)
/// ```
public final class DepthwiseSeparableConv2d: Module, Layer {
    /// The k×k filter per channel: weight [in, 1, k, k].
    public let depthwise: Conv2d
    /// The 1×1 channel mix: weight [out, in, 1, 1], bias [out].
    public let pointwise: Conv2d

    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                dilation: Int = 1, bias: Bool = true, initializer: Initializer = .pytorchDefault, rng: inout RandomGenerator) {
        depthwise = Conv2d(inChannels, inChannels, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation,
                           groups: inChannels, bias: false, initializer: initializer, rng: &rng)
        pointwise = Conv2d(inChannels, outChannels, kernelSize: 1, bias: bias, initializer: initializer, rng: &rng)
        super.init()
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { pointwise(depthwise(x)) }
}

/// The up-sampling counterpart of `DepthwiseSeparableConv2d`: a depthwise
/// transposed k×k convolution (one up-sampling filter per input channel,
/// groups = in), then a pointwise 1×1 convolution to `outChannels`. Weights
/// in·k² + in·out (+ out bias) instead of in·out·k². Parameters are named
/// `depthwise.weight`, `pointwise.weight` and `pointwise.bias`.
///
/// ```swift
/// let up = DepthwiseSeparableConvTranspose2d(64, 32, kernelSize: 4, stride: 2, padding: 1, rng: &rng)
/// up(Tensor.zeros([8, 64, 7, 7])).shape   // [8, 32, 14, 14]
/// ```
public final class DepthwiseSeparableConvTranspose2d: Module, Layer {
    /// The k×k up-sampling filter per channel: weight [in, 1, k, k].
    public let depthwise: ConvTranspose2d
    /// The 1×1 channel mix: weight [out, in, 1, 1], bias [out].
    public let pointwise: Conv2d

    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                outputPadding: Int = 0, dilation: Int = 1, bias: Bool = true, initializer: Initializer = .pytorchDefault,
                rng: inout RandomGenerator) {
        depthwise = ConvTranspose2d(inChannels, inChannels, kernelSize: kernelSize, stride: stride, padding: padding,
                                    outputPadding: outputPadding, dilation: dilation, groups: inChannels, bias: false,
                                    initializer: initializer, rng: &rng)
        pointwise = Conv2d(inChannels, outChannels, kernelSize: 1, bias: bias, initializer: initializer, rng: &rng)
        super.init()
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { pointwise(depthwise(x)) }
}

import LatentTensor

/// 2-D convolution layer on NCHW input; weight [out, in/groups, k, k] as in PyTorch.
///
/// `dilation` d spaces the kernel's taps d pixels apart: a k×k kernel then sees
/// a (d·(k−1)+1)² window with k² weights, and the output side is
/// (H + 2·padding − d·(k−1) − 1) / stride + 1. `groups` g splits the channels
/// into g independent convolutions (in and out divisible by g); g = in is a
/// depthwise convolution, one k×k filter per channel.
///
/// ```swift
/// let conv = Conv2d(1, 32, kernelSize: 4, stride: 2, padding: 1, rng: &rng)
/// conv(Tensor.zeros([8, 1, 28, 28])).shape   // [8, 32, 14, 14]
/// let wide = Conv2d(1, 32, kernelSize: 3, stride: 2, padding: 2, dilation: 2, rng: &rng)
/// wide(Tensor.zeros([8, 1, 28, 28])).shape   // [8, 32, 14, 14], each output seeing 5×5 pixels
/// let depthwise = Conv2d(32, 32, kernelSize: 3, padding: 1, groups: 32, rng: &rng)   // weight [32, 1, 3, 3]
/// ```
public final class Conv2d: Module, Layer {
    public let weight: Parameter
    public let bias: Parameter?
    public let stride: Int, padding: Int
    public let dilation: Int, groups: Int

    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                dilation: Int = 1, groups: Int = 1,
                bias: Bool = true, initializer: Initializer = .pytorchDefault, rng: inout RandomGenerator) {
        precondition(dilation >= 1 && groups >= 1 && inChannels % groups == 0 && outChannels % groups == 0,
                     "Conv2d: dilation and groups must be ≥ 1 and divide the channels (\(inChannels) → \(outChannels), groups \(groups))")
        // PyTorch's fans: dimension 1 (in/groups) and dimension 0 (out) of the weight, times the taps.
        let fanIn = inChannels / groups * kernelSize * kernelSize
        weight = Parameter(initializer.make([outChannels, inChannels / groups, kernelSize, kernelSize],
                                            fanIn: fanIn, fanOut: outChannels * kernelSize * kernelSize, rng: &rng))
        self.bias = bias ? Parameter(initializer.makeBias(outChannels, fanIn: fanIn, rng: &rng)) : nil
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.groups = groups
        super.init()
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        x.conv2d(weight: weight.value, bias: bias?.value, stride: stride, padding: padding, dilation: dilation, groups: groups)
    }
}

/// Transposed 2-D convolution (learned up-sampling); weight [in, out/groups, k, k] as in PyTorch.
/// The output side is (H − 1)·stride − 2·padding + dilation·(k − 1) + 1 + outputPadding;
/// `dilation` and `groups` mean what they mean for `Conv2d`, whose adjoint this is.
///
/// ```swift
/// let up = ConvTranspose2d(64, 32, kernelSize: 4, stride: 2, padding: 1, rng: &rng)
/// up(Tensor.zeros([8, 64, 7, 7])).shape   // [8, 32, 14, 14]
/// let wide = ConvTranspose2d(64, 32, kernelSize: 3, stride: 2, padding: 2, outputPadding: 1, dilation: 2, rng: &rng)
/// wide(Tensor.zeros([8, 64, 7, 7])).shape   // [8, 32, 14, 14]
/// ```
public final class ConvTranspose2d: Module, Layer {
    public let weight: Parameter
    public let bias: Parameter?
    public let stride: Int, padding: Int, outputPadding: Int
    public let dilation: Int, groups: Int

    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                outputPadding: Int = 0, dilation: Int = 1, groups: Int = 1, bias: Bool = true,
                initializer: Initializer = .pytorchDefault, rng: inout RandomGenerator) {
        precondition(dilation >= 1 && groups >= 1 && inChannels % groups == 0 && outChannels % groups == 0,
                     "ConvTranspose2d: dilation and groups must be ≥ 1 and divide the channels (\(inChannels) → \(outChannels), groups \(groups))")
        // PyTorch takes fan-in from dimension 1 of the weight: out/groups · k · k.
        let fanIn = outChannels / groups * kernelSize * kernelSize
        weight = Parameter(initializer.make([inChannels, outChannels / groups, kernelSize, kernelSize],
                                            fanIn: fanIn, fanOut: inChannels * kernelSize * kernelSize, rng: &rng))
        self.bias = bias ? Parameter(initializer.makeBias(outChannels, fanIn: fanIn, rng: &rng)) : nil
        self.stride = stride
        self.padding = padding
        self.outputPadding = outputPadding
        self.dilation = dilation
        self.groups = groups
        super.init()
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        x.convTranspose2d(weight: weight.value, bias: bias?.value, stride: stride, padding: padding, outputPadding: outputPadding,
                          dilation: dilation, groups: groups)
    }
}

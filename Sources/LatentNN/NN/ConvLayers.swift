import LatentTensor

/// 2-D convolution layer on NCHW input; weight [out, in, k, k] as in PyTorch.
///
/// ```swift
/// let conv = Conv2d(1, 32, kernelSize: 4, stride: 2, padding: 1, rng: &rng)
/// conv(Tensor.zeros([8, 1, 28, 28])).shape   // [8, 32, 14, 14]
/// ```
public final class Conv2d: Module, Layer {
    public let weight: Parameter
    public let bias: Parameter?
    public let stride: Int, padding: Int

    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                bias: Bool = true, initializer: Initializer = .pytorchDefault, rng: inout RandomGenerator) {
        let fanIn = inChannels * kernelSize * kernelSize
        weight = Parameter(initializer.make([outChannels, inChannels, kernelSize, kernelSize],
                                            fanIn: fanIn, fanOut: outChannels * kernelSize * kernelSize, rng: &rng))
        self.bias = bias ? Parameter(initializer.makeBias(outChannels, fanIn: fanIn, rng: &rng)) : nil
        self.stride = stride
        self.padding = padding
        super.init()
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        x.conv2d(weight: weight.value, bias: bias?.value, stride: stride, padding: padding)
    }
}

/// Transposed 2-D convolution (learned up-sampling); weight [in, out, k, k] as in PyTorch.
///
/// ```swift
/// let up = ConvTranspose2d(64, 32, kernelSize: 4, stride: 2, padding: 1, rng: &rng)
/// up(Tensor.zeros([8, 64, 7, 7])).shape   // [8, 32, 14, 14]
/// ```
public final class ConvTranspose2d: Module, Layer {
    public let weight: Parameter
    public let bias: Parameter?
    public let stride: Int, padding: Int, outputPadding: Int

    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                outputPadding: Int = 0, bias: Bool = true, initializer: Initializer = .pytorchDefault,
                rng: inout RandomGenerator) {
        // PyTorch takes fan-in from dimension 1 of the weight: out · k · k.
        let fanIn = outChannels * kernelSize * kernelSize
        weight = Parameter(initializer.make([inChannels, outChannels, kernelSize, kernelSize],
                                            fanIn: fanIn, fanOut: inChannels * kernelSize * kernelSize, rng: &rng))
        self.bias = bias ? Parameter(initializer.makeBias(outChannels, fanIn: fanIn, rng: &rng)) : nil
        self.stride = stride
        self.padding = padding
        self.outputPadding = outputPadding
        super.init()
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        x.convTranspose2d(weight: weight.value, bias: bias?.value, stride: stride, padding: padding, outputPadding: outputPadding)
    }
}

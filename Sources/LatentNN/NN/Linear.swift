import LatentTensor

/// Fully connected layer y = x·Wᵀ + b, weight [out, in] as in PyTorch.
///
/// ```swift
/// var rng = RandomGenerator(seed: 0)
/// let layer = Linear(784, 512, rng: &rng)
/// let y = layer(Tensor.zeros([128, 784]))   // [128, 512]
/// ```
public final class Linear: Module, Layer {
    public let weight: Parameter
    public let bias: Parameter?

    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true,
                initializer: Initializer = .pytorchDefault, rng: inout RandomGenerator) {
        weight = Parameter(initializer.make([outFeatures, inFeatures], fanIn: inFeatures, fanOut: outFeatures, rng: &rng))
        self.bias = bias ? Parameter(initializer.makeBias(outFeatures, fanIn: inFeatures, rng: &rng)) : nil
        super.init()
    }

    public var inFeatures: Int { weight.value.shape[1] }
    public var outFeatures: Int { weight.value.shape[0] }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        x.linear(weight: weight.value, bias: bias?.value)
    }
}

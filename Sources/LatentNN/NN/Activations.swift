import LatentTensor

/// Activation functions and reshaping steps as layers, for `Sequential`.
///
/// ```swift
/// let net = Sequential(Linear(784, 256, rng: &rng), ReLU(), Linear(256, 10, rng: &rng))
/// ```
public final class ReLU: Module, Layer {
    public override init() { super.init() }
    public func callAsFunction(_ x: Tensor) -> Tensor { x.relu() }
}

public final class LeakyReLU: Module, Layer {
    public let slope: Float
    public init(_ slope: Float = 0.01) { self.slope = slope; super.init() }
    public func callAsFunction(_ x: Tensor) -> Tensor { x.leakyRelu(slope) }
}

public final class Sigmoid: Module, Layer {
    public override init() { super.init() }
    public func callAsFunction(_ x: Tensor) -> Tensor { x.sigmoid() }
}

public final class Tanh: Module, Layer {
    public override init() { super.init() }
    public func callAsFunction(_ x: Tensor) -> Tensor { x.tanh() }
}

public final class Softplus: Module, Layer {
    public override init() { super.init() }
    public func callAsFunction(_ x: Tensor) -> Tensor { x.softplus() }
}

/// [N, ...] → [N, product of the rest].
public final class Flatten: Module, Layer {
    public override init() { super.init() }
    public func callAsFunction(_ x: Tensor) -> Tensor { x.flattenedBatch() }
}

/// [N, ...] → [N] + `shape` (e.g. a Linear output to [N, 128, 7, 7]).
public final class Unflatten: Module, Layer {
    public let shape: [Int]
    public init(_ shape: [Int]) { self.shape = shape; super.init() }
    public func callAsFunction(_ x: Tensor) -> Tensor { x.reshaped([x.shape[0]] + shape) }
}

/// Layers applied in order. Parameters are named "index.field" as in PyTorch.
///
/// ```swift
/// let mlp = Sequential(Linear(2, 8, rng: &rng), Tanh(), Linear(8, 1, rng: &rng))
/// let y = mlp(x)
/// ```
public final class Sequential: Module, Layer {
    public let layers: [any Layer]

    public init(_ layers: [any Layer]) { self.layers = layers; super.init() }
    public convenience init(_ layers: any Layer...) { self.init(layers) }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        var h = x
        for layer in layers { h = layer(h) }
        return h
    }
}

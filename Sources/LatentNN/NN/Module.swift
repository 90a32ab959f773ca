import LatentTensor

/// A trainable tensor owned by a module. Its `value` is a gradient leaf:
/// every forward pass that uses it records onto the graph, and `backward()`
/// accumulates into `grad`.
///
/// ```swift
/// let w = Parameter(Tensor.zeros([3]))
/// (w.value * w.value).sum().backward()
/// w.grad   // zeros
/// ```
public final class Parameter: @unchecked Sendable {
    private var stored: Tensor

    public init(_ initial: Tensor) { stored = initial.requiringGradient() }

    /// The current values: a leaf of the autodiff graph, or plain values while frozen.
    public var value: Tensor { isFrozen ? stored.detached() : stored }

    /// A frozen parameter takes part in forward passes but records no graph, so
    /// no gradient is computed for it (a GAN's discriminator during the
    /// generator's step; PyTorch's `requires_grad_(False)`).
    public var isFrozen = false

    /// The gradient accumulated since the last `zeroGrad()`, if any.
    public var grad: Tensor? { stored.node?.grad }

    /// Forgets the accumulated gradient.
    public func zeroGrad() { stored.node?.clearGradient() }

    /// Replaces the values (same shape), keeping the parameter's identity.
    public func assign(_ newValue: Tensor) {
        precondition(newValue.shape == stored.shape, "assign: shape \(newValue.shape) differs from \(stored.shape)")
        stored = Tensor(shape: newValue.shape, storage: newValue.storage.copy(), node: stored.node)
    }

    /// In-place update of the values (used by optimizers; copies first if shared).
    public func update(_ body: (UnsafeMutablePointer<Float>, Int) -> Void) {
        let n = stored.count
        stored.withMutableData { body($0, n) }
    }

    /// Replaces the gradient (used by clipping).
    func setGradient(_ g: Tensor?) { stored.node?.grad = g }
}

/// A non-trainable tensor saved with a module, such as BatchNorm's running statistics.
public final class Buffer: @unchecked Sendable {
    public var value: Tensor
    public init(_ value: Tensor) { self.value = value }
}

/// Base class of network parts. Parameters, buffers and sub-modules are found
/// by reflection over stored properties (also inside arrays), so a model is
/// just a class with `let` fields, as in PyTorch and MLX.
///
/// ```swift
/// final class MLP: Module {
///     let hidden: Linear, output: Linear
///     init(rng: inout RandomGenerator) {
///         hidden = Linear(784, 128, rng: &rng); output = Linear(128, 10, rng: &rng)
///     }
///     func callAsFunction(_ x: Tensor) -> Tensor { output(hidden(x).relu()) }
/// }
/// ```
open class Module {
    /// Training mode (batch statistics, dropout on) or evaluation mode.
    public private(set) var isTraining = true

    public init() {}

    /// Sets training or evaluation mode here and in every sub-module.
    public func train(_ on: Bool = true) {
        isTraining = on
        for (_, child) in children() { child.train(on) }
    }

    /// Evaluation mode (PyTorch's `model.eval()`).
    public func eval() { train(false) }

    /// Freezes or unfreezes every parameter (see `Parameter.isFrozen`).
    public func setFrozen(_ frozen: Bool) { for p in parameters() { p.isFrozen = frozen } }

    /// Direct sub-modules with their field names.
    public func children() -> [(String, Module)] {
        var result: [(String, Module)] = []
        visitFields { name, value in
            if let m = value as? Module { result.append((name, m)) }
        }
        return result
    }

    /// Every parameter, named by its path ("encoder.0.weight").
    public func namedParameters() -> [(String, Parameter)] {
        var result: [(String, Parameter)] = []
        visitFields { name, value in
            if let p = value as? Parameter { result.append((name, p)) }
        }
        for (name, child) in children() {
            result += child.namedParameters().map { ("\(name).\($0.0)", $0.1) }
        }
        return result
    }

    /// All parameters, in a stable order.
    public func parameters() -> [Parameter] { namedParameters().map(\.1) }

    /// Every buffer, named by its path.
    public func namedBuffers() -> [(String, Buffer)] {
        var result: [(String, Buffer)] = []
        visitFields { name, value in
            if let b = value as? Buffer { result.append((name, b)) }
        }
        for (name, child) in children() {
            result += child.namedBuffers().map { ("\(name).\($0.0)", $0.1) }
        }
        return result
    }

    /// Parameters and buffers by name: what a checkpoint holds.
    public func stateDict() -> [String: Tensor] {
        var d: [String: Tensor] = [:]
        for (n, p) in namedParameters() { d[n] = p.value.detached() }
        for (n, b) in namedBuffers() { d[n] = b.value }
        return d
    }

    /// Every parameter and buffer name with its shape, all required: what
    /// `loadStateDict` accepts (and nothing else).
    ///
    /// ```swift
    /// let header = try Safetensors.header(from: url)      // no tensor data read yet
    /// try model.stateLayout().check(shapes: header.tensors.mapValues(\.shape))
    /// ```
    public func stateLayout() -> StateLayout {
        var layout = StateLayout()
        for (n, p) in namedParameters() { layout.require(n, shape: p.value.shape) }
        for (n, b) in namedBuffers() { layout.require(n, shape: b.value.shape) }
        return layout
    }

    /// Loads values saved by `stateDict()`. Every name must be present with its
    /// shape and no other name may appear; all of it is checked before the
    /// first value is assigned, so on error the module is unchanged.
    ///
    /// ```swift
    /// try model.loadStateDict(Safetensors.load(from: url))
    /// ```
    public func loadStateDict(_ state: [String: Tensor]) throws {
        try stateLayout().check(state)
        assignCheckedState(state)
    }

    /// Assigns a state dict that passed `stateLayout().check` (a caller that
    /// checks several parts first and then assigns them all).
    package func assignCheckedState(_ state: [String: Tensor]) {
        for (n, p) in namedParameters() { p.assign(state[n]!) }
        for (n, b) in namedBuffers() {
            let t = state[n]!
            b.value = Tensor(shape: t.shape, storage: t.storage.copy())
        }
    }

    /// Number of trainable scalars.
    public var parameterCount: Int { parameters().reduce(0) { $0 + $1.value.count } }

    /// Calls `body` for each stored property, and for each element of array
    /// properties with the index as the name.
    private func visitFields(_ body: (String, Any) -> Void) {
        var mirror: Mirror? = Mirror(reflecting: self)
        while let m = mirror {
            for child in m.children {
                guard let label = child.label else { continue }
                if let array = child.value as? [Any] {
                    for (i, element) in array.enumerated() { body("\(label).\(i)", element) }
                } else {
                    body(label, child.value)
                }
            }
            mirror = m.superclassMirror
        }
    }
}

/// A module with one input and one output, usable in `Sequential`.
public protocol Layer: Module {
    func callAsFunction(_ x: Tensor) -> Tensor
}

extension Dictionary where Key == String {
    /// The entries whose names start with `prefix`, with the prefix removed
    /// (one network's part of a checkpoint that holds several).
    public func section(_ prefix: String) -> [String: Value] {
        Dictionary(uniqueKeysWithValues: filter { $0.key.hasPrefix(prefix) }.map { (String($0.key.dropFirst(prefix.count)), $0.value) })
    }
}

import Foundation

/// An n-dimensional array of `Float`: contiguous, row-major (NCHW for images),
/// with value semantics (copy on write) and optional gradient tracking.
///
/// ```swift
/// let x = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
/// let w = Tensor.ones([3, 1]).requiringGradient()
/// let loss = x.matmul(w).sigmoid().mean()
/// loss.backward()
/// print(w.gradient!.shape)   // [3, 1]
/// ```
public struct Tensor: @unchecked Sendable {
    /// Dimensions, outermost first.
    public internal(set) var shape: [Int]
    /// The shared buffer. Never written through while shared (see `withMutableData`).
    public internal(set) var storage: TensorStorage
    /// The recorded operation that produced this tensor, if it needs a gradient.
    public internal(set) var node: GraphNode?

    package init(shape: [Int], storage: TensorStorage, node: GraphNode? = nil) {
        precondition(storage.count == shape.reduce(1, *), "storage of \(storage.count) elements for shape \(shape)")
        self.shape = shape
        self.storage = storage
        self.node = node
    }

    /// Uninitialised tensor for kernels that write every element.
    @usableFromInline
    package init(uninitializedShape shape: [Int]) {
        self.init(shape: shape, storage: TensorStorage(uninitializedCount: Tensor.elementCount(shape)))
    }

    /// A tensor of `shape` with every element equal to `value`.
    public init(shape: [Int], repeating value: Float) {
        self.init(shape: shape, storage: TensorStorage(repeating: value, count: Tensor.elementCount(shape)))
    }

    /// A tensor holding `scalars` in row-major order; a 1-D tensor when `shape` is nil.
    public init(_ scalars: [Float], shape: [Int]? = nil) {
        let shape = shape ?? [scalars.count]
        precondition(Tensor.elementCount(shape) == scalars.count,
                     "\(scalars.count) values do not fill shape \(shape)")
        self.init(uninitializedShape: shape)
        scalars.withUnsafeBufferPointer { storage.pointer.update(from: $0.baseAddress!, count: scalars.count) }
    }

    /// A rank-0 tensor (one value).
    public init(scalar: Float) {
        self.init(shape: [], repeating: scalar)
    }

    /// Number of elements, the product of the dimensions (1 for rank 0).
    public var count: Int { storage.count }
    /// Number of dimensions.
    public var rank: Int { shape.count }

    /// The elements in row-major order.
    public var scalars: [Float] { Array(UnsafeBufferPointer(start: storage.pointer, count: count)) }

    /// The single element of a one-element tensor.
    public var item: Float {
        precondition(count == 1, "item needs a one-element tensor, got shape \(shape)")
        return storage.pointer[0]
    }

    /// Element at a multi-index (slow; for tests and small reads).
    public subscript(_ index: Int...) -> Float {
        precondition(index.count == rank, "index \(index) for shape \(shape)")
        var offset = 0
        for (i, d) in zip(index, shape) {
            precondition(i >= 0 && i < d, "index \(index) out of range for shape \(shape)")
            offset = offset * d + i
        }
        return storage.pointer[offset]
    }

    /// Read access to the contiguous elements.
    @inlinable
    public func withData<R>(_ body: (UnsafePointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafePointer(storage.pointer))
    }

    /// Write access; copies the buffer first if another tensor shares it.
    /// Writing does not record anything for autodiff.
    public mutating func withMutableData<R>(_ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        return try body(storage.pointer)
    }

    static func elementCount(_ shape: [Int]) -> Int {
        var n = 1
        for d in shape {
            precondition(d >= 0, "negative dimension in shape \(shape)")
            n *= d
        }
        return n
    }
}

// MARK: - Creation

extension Tensor {
    /// All zeros.
    public static func zeros(_ shape: [Int]) -> Tensor { Tensor(shape: shape, repeating: 0) }
    /// All ones.
    public static func ones(_ shape: [Int]) -> Tensor { Tensor(shape: shape, repeating: 1) }
    /// Every element `value`.
    public static func full(_ shape: [Int], _ value: Float) -> Tensor { Tensor(shape: shape, repeating: value) }

    /// Zeros shaped like `other`.
    public static func zeros(like other: Tensor) -> Tensor { zeros(other.shape) }

    /// Independent U[low, high) elements from `rng`.
    public static func uniform(_ shape: [Int], low: Float = 0, high: Float = 1, rng: inout RandomGenerator) -> Tensor {
        let t = Tensor(uninitializedShape: shape)
        rng.fillUniform(t.storage.pointer, count: t.count, low: low, high: high)
        return t
    }

    /// Independent N(mean, std²) elements from `rng`.
    public static func normal(_ shape: [Int], mean: Float = 0, std: Float = 1, rng: inout RandomGenerator) -> Tensor {
        let t = Tensor(uninitializedShape: shape)
        rng.fillNormal(t.storage.pointer, count: t.count, mean: mean, std: std)
        return t
    }

    /// Elements 1 with probability `probabilities[i]`, else 0 (no gradient).
    public static func bernoulli(_ probabilities: Tensor, rng: inout RandomGenerator) -> Tensor {
        let t = Tensor(uninitializedShape: probabilities.shape)
        rng.fillBernoulli(probabilities: probabilities.storage.pointer, into: t.storage.pointer, count: t.count)
        return t
    }

    /// 0, 1, …, n-1 as floats.
    public static func arange(_ n: Int) -> Tensor { Tensor((0..<n).map(Float.init)) }

    /// One-hot rows: shape [labels.count, classes].
    public static func oneHot(_ labels: [Int], classes: Int) -> Tensor {
        var t = Tensor.zeros([labels.count, classes])
        t.withMutableData { p in
            for (i, l) in labels.enumerated() {
                precondition(l >= 0 && l < classes, "label \(l) outside 0..<\(classes)")
                p[i * classes + l] = 1
            }
        }
        return t
    }
}

// MARK: - Gradient bookkeeping

extension Tensor {
    /// True when operations on this tensor are recorded for `backward()`.
    public var requiresGradient: Bool { node != nil }

    /// This tensor as a leaf that accumulates a gradient.
    public func requiringGradient() -> Tensor {
        Tensor(shape: shape, storage: storage, node: GraphNode(name: "leaf", inputs: [], pullback: nil))
    }

    /// The same values, cut from the graph (PyTorch's `detach()`).
    public func detached() -> Tensor { Tensor(shape: shape, storage: storage) }

    /// The gradient accumulated into this leaf by `backward()`.
    public var gradient: Tensor? { node?.grad }

    /// Wraps `result` in a node when gradients are being recorded and any
    /// input needs one. `pullback` maps the output gradient to one gradient per
    /// input (nil where not needed).
    @inline(__always)
    package static func record(_ name: String, _ result: Tensor, _ inputs: [Tensor],
                       _ pullback: @escaping (Tensor) -> [Tensor?]) -> Tensor {
        guard GradientMode.isEnabled, inputs.contains(where: { $0.node != nil }) else { return result }
        var r = result
        r.node = GraphNode(name: name, inputs: inputs.map(\.node), pullback: pullback)
        return r
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let shown = scalars.prefix(8).map { String(format: "%.4g", $0) }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(shown)\(count > 8 ? ", …" : "")])"
    }
}

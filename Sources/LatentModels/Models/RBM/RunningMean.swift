import LatentTensor

/// The mean of every column over all rows seen so far, and binary noise drawn
/// with those frequencies (uniform when nothing has been seen).
public struct RunningMean: Sendable {
    public private(set) var tensor: Tensor?
    private var count = 0

    public init(_ mean: Tensor? = nil) {
        tensor = mean
        count = mean == nil ? 0 : 1_000_000
    }

    /// Restores a mean saved with `countTensor`, so it goes on moving exactly as
    /// before (a checkpoint without the count, from before it was saved, freezes it).
    public init(_ mean: Tensor?, count saved: Tensor?) {
        self.init(mean)
        if mean != nil, let c = saved, c.count == 1, case let v = c.scalars[0], v.isFinite, v >= 1, v <= Float(1 << 24), v == v.rounded() {
            count = Int(v)
        }
    }

    /// The number of rows averaged so far, as a one-element tensor for a state dict.
    public var countTensor: Tensor { Tensor([Float(Swift.min(count, 1 << 24))]) }

    public mutating func add(_ rows: Tensor) {
        // Weighted update; stops moving after a million rows (the estimate is settled by then).
        guard count < 1_000_000 else { return }
        let n = rows.shape[0]
        let batchMean = withoutGradient { rows.mean(axis: 0) }
        if let t = tensor {
            tensor = withoutGradient { t * (Float(count) / Float(count + n)) + batchMean * (Float(n) / Float(count + n)) }
        } else {
            tensor = batchMean
        }
        count += n
    }

    /// `count` rows of independent binary pixels with the recorded frequencies.
    public func noise(_ count: Int, width: Int, rng: inout RandomGenerator) -> Tensor {
        guard let t = tensor, t.count == width else { return Tensor.uniform([count, width], rng: &rng).greater(0.5) }
        return Tensor.bernoulli(t.reshaped([1, width]).broadcasted(to: [count, width]).detached(), rng: &rng)
    }
}

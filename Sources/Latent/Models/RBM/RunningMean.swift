/// The mean of every column over all rows seen so far, and binary noise drawn
/// with those frequencies (uniform when nothing has been seen).
public struct RunningMean: Sendable {
    public private(set) var tensor: Tensor?
    private var count = 0

    public init(_ mean: Tensor? = nil) {
        tensor = mean
        count = mean == nil ? 0 : 1_000_000
    }

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

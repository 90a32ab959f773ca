import LatentTensor

/// Index lists of the mini-batches of one epoch, shuffled by a seeded generator
/// (or in order). The last partial batch is kept, as PyTorch's DataLoader does
/// by default.
///
/// ```swift
/// var rng = RandomGenerator(seed: 0)
/// for indices in MiniBatches(count: 60_000, batchSize: 128, shuffle: &rng) {
///     let x = images.gatherRows(indices)
/// }
/// ```
public struct MiniBatches: Sequence {
    public let order: [Int]
    public let batchSize: Int

    public init(count: Int, batchSize: Int, shuffle rng: inout RandomGenerator) {
        precondition(batchSize > 0, "batch size must be positive")
        order = rng.permutation(count)
        self.batchSize = batchSize
    }

    public init(count: Int, batchSize: Int) {
        precondition(batchSize > 0, "batch size must be positive")
        order = Array(0..<count)
        self.batchSize = batchSize
    }

    /// Number of batches, the last one possibly partial.
    public var batchCount: Int { (order.count + batchSize - 1) / batchSize }

    public func makeIterator() -> AnyIterator<[Int]> {
        var start = 0
        return AnyIterator {
            guard start < order.count else { return nil }
            let end = Swift.min(start + batchSize, order.count)
            defer { start = end }
            return Array(order[start..<end])
        }
    }
}

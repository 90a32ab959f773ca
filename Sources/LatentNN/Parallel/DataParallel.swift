import Foundation
import LatentTensor

/// This rank's rows of a global mini-batch: rows `offset ..< offset + count` of `total`. The first
/// `total % size` ranks take one row more. `weight` is this rank's share of the batch's mean
/// (count ÷ total; 0 for a rank that had no rows and trains on a stand-in row).
///
/// ```swift
/// RowShard.split(total: 128, rank: 1, size: 3)   // offset 43, count 43, weight 43/128
/// ```
public struct RowShard: Equatable, Sendable {
    public let offset: Int
    public let count: Int
    public let total: Int
    public let weight: Float

    public init(offset: Int, count: Int, total: Int, weight: Float? = nil) {
        self.offset = offset
        self.count = count
        self.total = total
        self.weight = weight ?? Float(count) / Float(Swift.max(total, 1))
    }

    /// Rank `rank` of `size`'s rows. A rank left without rows (a batch smaller than the ranks) gets
    /// row 0 with weight 0, so it still takes part in every collective and adds nothing.
    public static func split(total: Int, rank: Int, size: Int) -> RowShard {
        let base = total / size, extra = total % size
        let count = base + (rank < extra ? 1 : 0)
        let offset = rank * base + Swift.min(rank, extra)
        if count == 0 { return RowShard(offset: 0, count: 1, total: total, weight: 0) }
        return RowShard(offset: offset, count: count, total: total)
    }

    /// The rows of this shard.
    public var range: Range<Int> { offset ..< offset + count }
}

/// Data-parallel training on several processes (or threads), the way PyTorch's DDP does it: every rank
/// holds the same model, takes its `RowShard` of each global mini-batch, and the optimizers' `step()`
/// first replaces each rank's gradients by their batch-weighted sum over ranks with ONE allreduce over
/// one contiguous buffer (`synchronizeGradients`), so every rank takes the same step. The trainer makes
/// a context current for each step (`during`); outside one, or on one process, every hook here is a no-op.
///
/// Random draws whose shape follows the batch (a VAE's ε, an RBM's Gibbs draws) go through `normal` and
/// `bernoulli`: each rank draws for the whole global batch and keeps its rows, so the generator advances
/// as in one process and the result does not depend on the number of ranks beyond summation order.
///
/// ```swift
/// let context = DataParallel(communicator: world, shard: .split(total: 128, rank: world.rank, size: world.size))
/// let metrics = try context.during { try model.trainStep(myRows, labels: myLabels, epoch: 1, rng: &rng) }
/// ```
public final class DataParallel: @unchecked Sendable {
    public let communicator: any Communicator
    /// This rank's rows of the current global batch.
    public var shard: RowShard
    /// Parameters whose gradients were synchronized since their optimizer last stepped.
    private var synchronized: Set<ObjectIdentifier> = []

    /// The context of the step being trained on this thread, if any.
    @TaskLocal public static var current: DataParallel?

    public init(communicator: any Communicator, shard: RowShard) {
        self.communicator = communicator
        self.shard = shard
    }

    /// Runs `body` (one training step, a checkpoint) with this context current.
    public func during<T>(_ body: () throws -> T) rethrows -> T {
        try DataParallel.$current.withValue(self) { try body() }
    }

    /// The context when several ranks train together, else nil.
    static var active: DataParallel? {
        guard let c = current, c.communicator.size > 1 else { return nil }
        return c
    }

    // MARK: Gradients

    /// Replaces the gradients of `parameters` by their sum over ranks, each rank's weighted by its
    /// share of the global batch (the mean over the global batch when each rank's loss is a mean over
    /// its rows): one allreduce over one buffer holding every gradient. Called by every optimizer's
    /// `step()` and by `OptimizerOptions.clip` (before clipping); a second call before the step is free.
    ///
    /// ```swift
    /// loss.backward()
    /// DataParallel.synchronizeGradients(optimizer.parameters)   // what step() does first
    /// ```
    public static func synchronizeGradients(_ parameters: [Parameter]) {
        guard let context = active else { return }
        let withGradient = parameters.filter { $0.grad != nil }
        guard !withGradient.isEmpty,
              !withGradient.allSatisfy({ context.synchronized.contains(ObjectIdentifier($0)) }) else { return }
        let summed = context.allreduceSum(withGradient.map { $0.grad! }, scale: context.shard.weight)
        for (p, g) in zip(withGradient, summed) {
            p.setGradient(g)
            context.synchronized.insert(ObjectIdentifier(p))
        }
    }

    /// Called at the end of an optimizer's `step()`: the next gradients of `parameters` are new.
    public static func stepTaken(_ parameters: [Parameter]) {
        guard let context = active else { return }
        for p in parameters { context.synchronized.remove(ObjectIdentifier(p)) }
    }

    /// The sum over ranks of `tensors` × `scale`, as new tensors: one allreduce over one buffer.
    ///
    /// ```swift
    /// let (w, b) = ... ; let summed = context.allreduceSum([w, b], scale: 1)
    /// ```
    public func allreduceSum(_ tensors: [Tensor], scale: Float) -> [Tensor] {
        let total = tensors.reduce(0) { $0 + $1.count }
        let buffer = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(total, 1))
        defer { buffer.deallocate() }
        var at = 0
        for t in tensors {
            t.withData { p in for i in 0..<t.count { buffer[at + i] = p[i] * scale } }
            at += t.count
        }
        communicator.allreduceSum(buffer, count: total)
        at = 0
        return tensors.map { t in
            let storage = TensorStorage(repeating: 0, count: t.count)
            storage.pointer.update(from: buffer + at, count: t.count)
            at += t.count
            return Tensor(shape: t.shape, storage: storage)
        }
    }

    /// Every rank's rows of a tensor whose rows are split like `shard` ([shard.count, …] here):
    /// [shard.total, …] on every rank, by one allreduce of a zero-padded buffer.
    public func gatherRows(_ local: Tensor, shard: RowShard) -> Tensor {
        let width = local.count / Swift.max(local.shape[0], 1)
        let padded = Tensor.zeros([shard.total] + local.shape.dropFirst())
        if shard.weight > 0 {
            local.withData { p in (padded.storage.pointer + shard.offset * width).update(from: p, count: shard.count * width) }
        }
        return allreduceSum([padded], scale: 1)[0]
    }

    // MARK: Random draws for the global batch

    /// The shard that a tensor of `rows` rows drawn during this step belongs to, if it is batch-shaped.
    private static func batchShard(rows: Int) -> RowShard? {
        guard let context = active, !context.shard.range.isEmpty, rows == context.shard.count else { return nil }
        return context.shard
    }

    /// N(0, 1) draws of `shape` whose first axis is the batch: in a data-parallel step, the whole
    /// batch's draws with this rank's rows kept; otherwise `Tensor.normal(shape)`.
    ///
    /// ```swift
    /// let eps = DataParallel.normal(mean.shape, rng: &rng)
    /// ```
    public static func normal(_ shape: [Int], rng: inout RandomGenerator) -> Tensor {
        guard let shard = batchShard(rows: shape.first ?? 0) else { return Tensor.normal(shape, rng: &rng) }
        return Tensor.normal([shard.total] + shape.dropFirst(), rng: &rng).rows(shard.range)
    }

    /// Bernoulli draws with the probabilities `p` whose first axis is the batch: in a data-parallel
    /// step, drawn for the whole batch (other ranks' rows with probability 0) with this rank's rows
    /// kept; otherwise `Tensor.bernoulli(p)`.
    ///
    /// ```swift
    /// let h = DataParallel.bernoulli(hiddenProbabilities, rng: &rng)
    /// ```
    public static func bernoulli(_ p: Tensor, rng: inout RandomGenerator) -> Tensor {
        guard let shard = batchShard(rows: p.shape.first ?? 0) else { return Tensor.bernoulli(p, rng: &rng) }
        let width = p.count / shard.count
        let global = Tensor.zeros([shard.total] + p.shape.dropFirst())
        p.withData { source in (global.storage.pointer + shard.offset * width).update(from: source, count: p.count) }
        return Tensor.bernoulli(global, rng: &rng).rows(shard.range)
    }
}

import Foundation

/// N communicators over threads of one process, sharing a barrier-based reduction: the data-parallel
/// logic runs in `make test` without MPI. Sums add the ranks' buffers in rank order, the same order on
/// every rank, so all ranks get bit-identical results (as MPI's reductions of 2 ranks do).
///
/// ```swift
/// let group = ThreadCommunicator.group(size: 2)
/// DispatchQueue.concurrentPerform(iterations: 2) { r in
///     var v: [Float] = [Float(r + 1)]
///     group[r].allreduceSum(&v)       // [3] on both
/// }
/// ```
public final class ThreadCommunicator: Communicator, @unchecked Sendable {
    public let rank: Int
    public var size: Int { shared.size }
    private let shared: Shared

    /// `size` communicators, one per thread; rank r must be used by one thread only.
    public static func group(size: Int) -> [ThreadCommunicator] {
        precondition(size >= 1, "a group needs at least one rank")
        let shared = Shared(size: size)
        return (0..<size).map { ThreadCommunicator(rank: $0, shared: shared) }
    }

    private init(rank: Int, shared: Shared) {
        self.rank = rank
        self.shared = shared
    }

    final class Shared: @unchecked Sendable {
        let size: Int
        let condition = NSCondition()
        var arrived = 0
        var generation = 0
        var pointers: [UnsafeMutableRawPointer?]
        init(size: Int) {
            self.size = size
            pointers = Array(repeating: nil, count: size)
        }
    }

    public func barrier() {
        let s = shared
        s.condition.lock()
        let generation = s.generation
        s.arrived += 1
        if s.arrived == s.size {
            s.arrived = 0
            s.generation += 1
            s.condition.broadcast()
        } else {
            while generation == s.generation { s.condition.wait() }
        }
        s.condition.unlock()
    }

    private func publish(_ pointer: UnsafeMutableRawPointer) {
        shared.condition.lock()
        shared.pointers[rank] = pointer
        shared.condition.unlock()
    }

    private func pointer(of r: Int) -> UnsafeMutableRawPointer {
        shared.condition.lock()
        defer { shared.condition.unlock() }
        return shared.pointers[r]!
    }

    private func sum<T: FloatingPoint>(_ buffer: UnsafeMutablePointer<T>, count: Int) {
        guard size > 1 else { return }
        publish(UnsafeMutableRawPointer(buffer))
        barrier()                                   // every buffer is published
        let total = UnsafeMutablePointer<T>.allocate(capacity: Swift.max(count, 1))
        defer { total.deallocate() }
        total.update(from: pointer(of: 0).assumingMemoryBound(to: T.self), count: count)
        for r in 1..<size {
            let p = pointer(of: r).assumingMemoryBound(to: T.self)
            for i in 0..<count { total[i] += p[i] }
        }
        barrier()                                   // every rank has read every buffer
        buffer.update(from: total, count: count)
    }

    public func allreduceSum(_ buffer: UnsafeMutablePointer<Float>, count: Int) { sum(buffer, count: count) }
    public func allreduceSum(_ buffer: UnsafeMutablePointer<Double>, count: Int) { sum(buffer, count: count) }

    public func broadcast(_ buffer: UnsafeMutableRawPointer, bytes: Int, root: Int) {
        guard size > 1 else { return }
        if rank == root { publish(buffer) }
        barrier()
        if rank != root { buffer.copyMemory(from: pointer(of: root), byteCount: bytes) }
        barrier()
    }
}

import Foundation
import Testing
@testable import Latent
@testable import LatentNN

/// Runs `body(rank)` on `size` threads of their own (not a pool, which may hold fewer threads than ranks)
/// and returns the results by rank.
func onThreads<T>(_ size: Int, _ body: @escaping @Sendable (Int) throws -> T) throws -> [T] {
    let results = ThreadResults<T>(size)
    let done = DispatchSemaphore(value: 0)
    for rank in 0..<size {
        let thread = Thread {
            let r = Result { try body(rank) }
            results.lock.lock(); results.values[rank] = r; results.lock.unlock()
            done.signal()
        }
        thread.stackSize = 16 << 20
        thread.start()
    }
    for _ in 0..<size { done.wait() }
    return try results.values.map { try $0!.get() }
}

/// What each thread of `onThreads` returned or threw, by rank.
final class ThreadResults<T>: @unchecked Sendable {
    var values: [Result<T, any Error>?]
    let lock = NSLock()
    init(_ n: Int) { values = Array(repeating: nil, count: n) }
}

/// The thread-backed communicator, the row split, the batch-shaped draws and the gradient hook.
@Suite struct CommunicatorTests {
    @Test func allreduceSumsInRankOrderOnEveryRank() throws {
        let group = ThreadCommunicator.group(size: 3)
        let sums = try onThreads(3) { r -> ([Float], [Double]) in
            var f: [Float] = [Float(r + 1), 0.5 * Float(r)]
            var d: [Double] = [Double(r) * 10]
            group[r].allreduceSum(&f)
            group[r].allreduceSum(&d)
            return (f, d)
        }
        for (f, d) in sums {
            #expect(f == [6, 1.5])
            #expect(d == [30])
        }
        let averages = try onThreads(3) { r -> [Double] in
            var v = [Double(r)]
            group[r].allreduceAverage(&v)
            return v
        }
        #expect(averages == [[1], [1], [1]])
    }

    @Test func broadcastCopiesTheRootsValuesAndStrings() throws {
        let group = ThreadCommunicator.group(size: 3)
        let got = try onThreads(3) { r -> ([Int], String) in
            var v = [r, r * 2]
            group[r].broadcast(&v, root: 1)
            group[r].barrier()
            return (v, group[r].broadcast(r == 0 ? "runs/vae-2" : ""))
        }
        for (v, s) in got {
            #expect(v == [1, 2])
            #expect(s == "runs/vae-2")
        }
    }

    @Test func singleProcessLeavesBuffersAlone() {
        let one = SingleProcessCommunicator()
        var v: [Float] = [1, 2]
        one.allreduceSum(&v)
        one.barrier()
        #expect(v == [1, 2])
        #expect(one.rank == 0 && one.size == 1)
    }

    @Test func rowsAreSplitWithTheRemainderOnTheFirstRanks() {
        let shards = (0..<3).map { RowShard.split(total: 128, rank: $0, size: 3) }
        #expect(shards.map(\.count) == [43, 43, 42])
        #expect(shards.map(\.offset) == [0, 43, 86])
        #expect(abs(shards.map(\.weight).reduce(0, +) - 1) < 1e-6)
        // A batch smaller than the ranks: the rank without rows trains on row 0 with weight 0.
        let empty = RowShard.split(total: 1, rank: 1, size: 2)
        #expect(empty.count == 1 && empty.offset == 0 && empty.weight == 0)
    }

    @Test func launcherEnvironmentChoosesTheCommunicator() throws {
        #expect(Communicators.launchedSize([:]) == nil)
        #expect(Communicators.launchedSize(["OMPI_COMM_WORLD_SIZE": "4"]) == 4)
        #expect(try Communicators.world([:]).size == 1)
        if !Communicators.mpiAvailable {
            expectLatentError(["built without MPI", "make build-mpi"]) { _ = try Communicators.world(["OMPI_COMM_WORLD_SIZE": "2"]) }
            #expect(try Communicators.world(["OMPI_COMM_WORLD_SIZE": "1"]).size == 1)
            #expect(Communicators.summary([:]) == "not in this build (make build-mpi)")
        }
    }

    @Test func batchShapedDrawsAreTheRanksRowsOfTheWholeBatchsDraws() throws {
        var reference = RandomGenerator(seed: 9)
        let normal = Tensor.normal([5, 3], rng: &reference)
        let p = Tensor((0..<10).map { Float($0) / 10 }, shape: [5, 2])
        let bernoulli = Tensor.bernoulli(p, rng: &reference)
        let group = ThreadCommunicator.group(size: 2)
        let parts = try onThreads(2) { r -> (Tensor, Tensor, UInt64) in
            let shard = RowShard.split(total: 5, rank: r, size: 2)
            var rng = RandomGenerator(seed: 9)
            let context = DataParallel(communicator: group[r], shard: shard)
            return context.during {
                let n = DataParallel.normal([shard.count, 3], rng: &rng)
                let b = DataParallel.bernoulli(p.rows(shard.range), rng: &rng)
                return (n, b, rng.next())
            }
        }
        expectClose(Tensor.concatenate([parts[0].0, parts[1].0], axis: 0), normal, tolerance: 0)
        expectClose(Tensor.concatenate([parts[0].1, parts[1].1], axis: 0), bernoulli, tolerance: 0)
        #expect(parts[0].2 == reference.next() && parts[1].2 == parts[0].2)
        // Outside a data-parallel step the draws are the plain ones.
        var a = RandomGenerator(seed: 4), b = RandomGenerator(seed: 4)
        expectClose(DataParallel.normal([2, 2], rng: &a), Tensor.normal([2, 2], rng: &b), tolerance: 0)
    }

    @Test func gradientsAreSummedByShareOnceBeforeTheStep() throws {
        let group = ThreadCommunicator.group(size: 2)
        // Rank 0 holds 3 of 4 rows, rank 1 one: the global mean's gradient is ¾·g₀ + ¼·g₁.
        let results = try onThreads(2) { r -> (Tensor, Tensor) in
            let w = Parameter(Tensor([1, 2], shape: [2]))
            let context = DataParallel(communicator: group[r], shard: RowShard(offset: r == 0 ? 0 : 3, count: r == 0 ? 3 : 1, total: 4))
            return context.during {
                (w.value * Tensor([Float(r == 0 ? 4 : 8), 0], shape: [2])).sum().backward()
                var options = OptimizerOptions()
                options.kind = .sgd
                options.learningRate = 1
                options.momentum = 0
                let optimizer = options.make([w])
                options.clip([w])                      // synchronizes once...
                let synced = w.grad!
                optimizer.step()                       // ...and the step does not sum again
                return (synced, w.value)
            }
        }
        for (g, w) in results {
            expectClose(g, Tensor([5, 0], shape: [2]), tolerance: 0)
            expectClose(w, Tensor([-4, 2], shape: [2]), tolerance: 0)
        }
    }
}

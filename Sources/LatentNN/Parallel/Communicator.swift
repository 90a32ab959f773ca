import Foundation
import LatentTensor

/// The processes of one data-parallel job, as the training code sees them: who am I (`rank`), how many
/// are we (`size`), and the collective operations the trainer needs. Every process must call the same
/// collectives in the same order with the same counts. Three implementations: `SingleProcessCommunicator`
/// (one process, every call a no-op), `MPICommunicator` (Open MPI, in builds with the `MPI` trait) and
/// `ThreadCommunicator` (N communicators over threads of one process, for tests).
///
/// ```swift
/// let world = try Communicators.world()          // MPI under mpirun, else one process
/// var gradients: [Float] = [1, 2, 3]
/// world.allreduceAverage(&gradients)           // the mean over all ranks, on every rank
/// ```
public protocol Communicator: AnyObject, Sendable {
    /// This process's index, 0 ..< size; rank 0 writes the run's files.
    var rank: Int { get }
    /// The number of processes.
    var size: Int { get }
    /// Replaces `buffer[0 ..< count]` on every rank by the sum over ranks.
    func allreduceSum(_ buffer: UnsafeMutablePointer<Float>, count: Int)
    /// Replaces `buffer[0 ..< count]` on every rank by the sum over ranks.
    func allreduceSum(_ buffer: UnsafeMutablePointer<Double>, count: Int)
    /// Copies `bytes` bytes at `buffer` on rank `root` into `buffer` on every other rank.
    func broadcast(_ buffer: UnsafeMutableRawPointer, bytes: Int, root: Int)
    /// Returns once every rank has called it.
    func barrier()
}

extension Communicator {
    /// The sum over ranks of `values`, on every rank.
    ///
    /// ```swift
    /// var counts: [Double] = [Double(myImages)]
    /// world.allreduceSum(&counts)
    /// ```
    public func allreduceSum(_ values: inout [Float]) {
        let n = values.count
        values.withUnsafeMutableBufferPointer { allreduceSum($0.baseAddress!, count: n) }
    }

    /// The sum over ranks of `values`, on every rank.
    public func allreduceSum(_ values: inout [Double]) {
        let n = values.count
        values.withUnsafeMutableBufferPointer { allreduceSum($0.baseAddress!, count: n) }
    }

    /// The mean over ranks of `values`, on every rank.
    ///
    /// ```swift
    /// var g: [Float] = [2, 4]
    /// world.allreduceAverage(&g)
    /// ```
    public func allreduceAverage(_ values: inout [Float]) {
        allreduceSum(&values)
        let scale = 1 / Float(size)
        for i in values.indices { values[i] *= scale }
    }

    /// The mean over ranks of `values`, on every rank.
    public func allreduceAverage(_ values: inout [Double]) {
        allreduceSum(&values)
        let scale = 1 / Double(size)
        for i in values.indices { values[i] *= scale }
    }

    /// Rank `root`'s `values` on every rank (the counts must agree).
    ///
    /// ```swift
    /// var state: [UInt64] = rng.words
    /// world.broadcast(&state, root: 0)
    /// ```
    public func broadcast<T: BitwiseCopyable>(_ values: inout [T], root: Int = 0) {
        let bytes = values.count * MemoryLayout<T>.stride
        guard bytes > 0 else { return }
        values.withUnsafeMutableBytes { broadcast($0.baseAddress!, bytes: bytes, root: root) }
    }

    /// Rank `root`'s string on every rank.
    ///
    /// ```swift
    /// let name = world.broadcast(run.name)   // the folder rank 0 created
    /// ```
    public func broadcast(_ text: String, root: Int = 0) -> String {
        guard size > 1 else { return text }
        var length = [rank == root ? text.utf8.count : 0]
        broadcast(&length, root: root)
        var bytes = rank == root ? Array(text.utf8) : [UInt8](repeating: 0, count: length[0])
        broadcast(&bytes, root: root)
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// One process: rank 0 of 1, every collective returns at once with the buffer unchanged.
///
/// ```swift
/// let one = SingleProcessCommunicator()
/// one.barrier()    // returns at once
/// ```
public final class SingleProcessCommunicator: Communicator {
    public init() {}
    public var rank: Int { 0 }
    public var size: Int { 1 }
    public func allreduceSum(_ buffer: UnsafeMutablePointer<Float>, count: Int) {}
    public func allreduceSum(_ buffer: UnsafeMutablePointer<Double>, count: Int) {}
    public func broadcast(_ buffer: UnsafeMutableRawPointer, bytes: Int, root: Int) {}
    public func barrier() {}
}

/// How a process finds its communicator.
public enum Communicators {
    /// Whether this binary was built with Open MPI (`make build-mpi`, the `MPI` package trait).
    public static var mpiAvailable: Bool {
        #if MPI
        return true
        #else
        return false
        #endif
    }

    /// Open MPI's version ("Open MPI v4.1.4") in a build with MPI, else nil.
    public static var mpiLibrary: String? {
        #if MPI
        return MPICommunicator.libraryVersion
        #else
        return nil
        #endif
    }

    /// After an error this process cannot recover from: ends the whole mpirun job (every rank) when
    /// several processes train together, so none waits forever for this one; does nothing otherwise.
    ///
    /// ```swift
    /// // after printing the error line
    /// Communicators.abortJob(exitCode: 1)
    /// ```
    public static func abortJob(exitCode: Int32) {
        #if MPI
        MPICommunicator.abortJob(exitCode: exitCode)
        #endif
    }

    /// `latent doctor`'s MPI line: whether this binary has MPI and, started by mpirun, this process's rank.
    ///
    /// ```swift
    /// Communicators.summary()   // "not in this build (make build-mpi)"
    /// ```
    public static func summary(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        var line = mpiLibrary.map { "\($0) (this build trains on several processes under mpirun)" } ?? "not in this build (make build-mpi)"
        if let launched = launchedSize(environment) {
            if let world = try? world(environment) {
                line += "; started by mpirun: rank \(world.rank) of \(world.size)"
            } else {
                line += "; started by mpirun as one of \(launched) processes, which this build refuses to train"
            }
        }
        return line
    }

    /// The number of processes mpirun started, from its environment (`OMPI_COMM_WORLD_SIZE`, or
    /// `PMI_SIZE`/`PMIX_SIZE` of other launchers); nil when not started by a launcher.
    ///
    /// ```swift
    /// Communicators.launchedSize(["OMPI_COMM_WORLD_SIZE": "2"])   // 2
    /// ```
    public static func launchedSize(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Int? {
        for key in ["OMPI_COMM_WORLD_SIZE", "PMIX_SIZE", "PMI_SIZE"] {
            if let text = environment[key], let n = Int(text), n >= 1 { return n }
        }
        return nil
    }

    /// BLAS threads for each of `size` processes sharing the machines: the physical cores this process may
    /// use (`CPUTopology`) ÷ the processes on this machine (`OMPI_COMM_WORLD_LOCAL_SIZE`, else `size`), at
    /// least 1; nil when LATENT_THREADS sets the count.
    ///
    /// ```swift
    /// Communicators.threadsPerProcess(size: 2, environment: [:])   // 1 on a 2-core machine
    /// ```
    public static func threadsPerProcess(size: Int, environment: [String: String] = ProcessInfo.processInfo.environment) -> Int? {
        guard !BLAS.setsThreadCount(environment) else { return nil }
        let local = environment["OMPI_COMM_WORLD_LOCAL_SIZE"].flatMap { Int($0) } ?? size
        return Swift.max(1, CPUTopology.current.physicalCores / Swift.max(local, 1))
    }

    /// The communicator of this process: MPI when this binary has it and a launcher started it,
    /// else one process. A binary without MPI started as one of several processes refuses in one
    /// line, since every copy would train and write the same run.
    ///
    /// ```swift
    /// let world = try Communicators.world()
    /// if world.rank == 0 { print("training on \(world.size) processes") }
    /// ```
    public static func world(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> any Communicator {
        guard let launched = launchedSize(environment) else { return SingleProcessCommunicator() }
        #if MPI
        return try MPICommunicator.world()
        #else
        guard launched == 1 else {
            throw LatentError.invalidArgument("this latent was built without MPI, so \(launched) copies started by mpirun would each train and write the same run; build it with `make build-mpi`, or start one process")
        }
        return SingleProcessCommunicator()
        #endif
    }
}

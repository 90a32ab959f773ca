#if MPI
import CMPI
import Foundation
import LatentTensor

/// The processes mpirun started (MPI_COMM_WORLD), over Open MPI. Built only with the `MPI` package
/// trait (`make build-mpi`). `world()` initialises MPI once per process and finalises it at exit.
///
/// ```swift
/// // mpirun -np 2 latent train vae --data fashion-mnist --batch 128
/// let world = try MPICommunicator.world()
/// print(world.rank, world.size)
/// ```
public final class MPICommunicator: Communicator, @unchecked Sendable {
    public let rank: Int
    public let size: Int
    private static let lock = NSLock()
    nonisolated(unsafe) private static var shared: MPICommunicator?

    private init(rank: Int, size: Int) {
        self.rank = rank
        self.size = size
    }

    /// MPI_COMM_WORLD, initialised on first use (MPI_Init_thread, funneled: only the training thread calls MPI).
    public static func world() throws -> MPICommunicator {
        lock.lock()
        defer { lock.unlock() }
        if let shared { return shared }
        var provided: Int32 = 0
        guard MPI_Init_thread(nil, nil, latent_mpi_thread_funneled(), &provided) == latent_mpi_success() else {
            throw LatentError.invalidArgument("MPI_Init failed; is this process started by mpirun?")
        }
        atexit { _ = MPI_Finalize() }
        var rank: Int32 = 0, size: Int32 = 0
        MPI_Comm_rank(latent_mpi_comm_world(), &rank)
        MPI_Comm_size(latent_mpi_comm_world(), &size)
        let world = MPICommunicator(rank: Int(rank), size: Int(size))
        shared = world
        return world
    }

    /// Ends every process of the job (MPI_Abort) when MPI is running on several: after an error on one
    /// rank the others would otherwise wait forever in their next collective call.
    static func abortJob(exitCode: Int32) {
        lock.lock()
        let world = shared
        lock.unlock()
        guard let world, world.size > 1 else { return }
        _ = MPI_Abort(latent_mpi_comm_world(), exitCode)
    }

    /// Open MPI's version line ("Open MPI v4.1.4, …").
    public static var libraryVersion: String {
        var buffer = [CChar](repeating: 0, count: 512)
        let n = latent_mpi_library_version(&buffer, Int32(buffer.count))
        let line = String(decoding: buffer.prefix(Int(n)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return line.split(separator: ",").first.map(String.init) ?? line
    }

    private func check(_ code: Int32, _ what: String) {
        precondition(code == latent_mpi_success(), "\(what) failed with MPI error \(code)")
    }

    public func allreduceSum(_ buffer: UnsafeMutablePointer<Float>, count: Int) {
        guard size > 1, count > 0 else { return }
        precondition(count <= Int(Int32.max), "allreduce of more than 2³¹ elements")
        check(MPI_Allreduce(latent_mpi_in_place(), buffer, Int32(count), latent_mpi_float(), latent_mpi_sum(), latent_mpi_comm_world()),
              "MPI_Allreduce")
    }

    public func allreduceSum(_ buffer: UnsafeMutablePointer<Double>, count: Int) {
        guard size > 1, count > 0 else { return }
        precondition(count <= Int(Int32.max), "allreduce of more than 2³¹ elements")
        check(MPI_Allreduce(latent_mpi_in_place(), buffer, Int32(count), latent_mpi_double(), latent_mpi_sum(), latent_mpi_comm_world()),
              "MPI_Allreduce")
    }

    public func broadcast(_ buffer: UnsafeMutableRawPointer, bytes: Int, root: Int) {
        guard size > 1, bytes > 0 else { return }
        precondition(bytes <= Int(Int32.max), "broadcast of more than 2³¹ bytes")
        check(MPI_Bcast(buffer, Int32(bytes), latent_mpi_byte(), Int32(root), latent_mpi_comm_world()), "MPI_Bcast")
    }

    public func barrier() {
        guard size > 1 else { return }
        check(MPI_Barrier(latent_mpi_comm_world()), "MPI_Barrier")
    }
}
#endif

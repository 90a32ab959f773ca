import CCPU
import Foundation

/// Flush-to-zero and denormals-are-zero (MXCSR bits 0x8040) for the threads
/// that compute. Subnormal floats are 10-100× slower on x86; as a model trains,
/// small values become subnormal and training slowed by 25-33% within a few
/// epochs on the CPUs we measured. Flushing them keeps the speed flat and left
/// the printed losses unchanged.
///
/// MXCSR belongs to each thread. ``enable()`` sets it on the calling thread and
/// restarts OpenBLAS's worker threads from there (they inherit it);
/// ``concurrentPerform(iterations:execute:)`` sets it on Dispatch workers.
/// The `latent` command enables it at launch unless `LATENT_DENORMALS=keep`.
///
/// ```swift
/// DenormalMode.enable()                       // main thread and BLAS workers
/// DenormalMode.isFlushing                     // true
/// DenormalMode.concurrentPerform(iterations: 4) { i in /* FTZ|DAZ here too */ }
/// ```
public enum DenormalMode {
    /// MXCSR flush-to-zero (bit 15) and denormals-are-zero (bit 6).
    public static let flushBits: UInt32 = 0x8040

    /// The calling thread's MXCSR.
    public static var mxcsr: UInt32 { latent_get_mxcsr() }

    /// True when the calling thread flushes subnormal results and inputs to zero.
    public static var isFlushing: Bool { mxcsr & flushBits == flushBits }

    /// Sets or clears FTZ|DAZ on the calling thread only.
    public static func setFlushing(_ on: Bool) {
        let value = latent_get_mxcsr()
        latent_set_mxcsr(on ? value | flushBits : value & ~flushBits)
    }

    /// Whether `LATENT_DENORMALS` asks to keep denormals ("keep"); anything
    /// else but "flush" or empty is refused.
    ///
    /// ```swift
    /// try DenormalMode.wantsFlushing(environment: ["LATENT_DENORMALS": "keep"])   // false
    /// ```
    public static func wantsFlushing(environment: [String: String]) throws -> Bool {
        switch environment["LATENT_DENORMALS"]?.lowercased() {
        case nil, "", "flush": return true
        case "keep": return false
        case let other?:
            throw LatentError.invalidArgument("LATENT_DENORMALS is '\(other)'; expected 'flush' (the default) or 'keep'")
        }
    }

    /// Sets FTZ|DAZ on the calling thread and restarts OpenBLAS's worker
    /// threads so that they are created again from this thread (new threads
    /// inherit MXCSR). Call from the thread that drives the computation, before it starts.
    public static func enable() {
        setFlushing(true)
        restartBLASWorkers()
    }

    /// Stops OpenBLAS's worker threads; its next threaded product starts them
    /// again from the calling thread, with the calling thread's MXCSR.
    public static func restartBLASWorkers() {
        let threads = BLAS.threads
        blas_thread_shutdown_()
        BLAS.threads = threads
    }

    /// `DispatchQueue.concurrentPerform` whose workers compute with the
    /// calling thread's FTZ|DAZ setting (and get their own back afterwards).
    public static func concurrentPerform(iterations: Int, execute work: @Sendable (Int) -> Void) {
        let flushing = isFlushing
        DispatchQueue.concurrentPerform(iterations: iterations) { i in
            let saved = latent_get_mxcsr()
            setFlushing(flushing)
            defer { latent_set_mxcsr(saved) }
            work(i)
        }
    }

    /// Where subnormal results are flushed, measured rather than assumed.
    public struct Probe: Sendable, Equatable {
        /// The calling thread.
        public var callingThread: Bool
        /// OpenBLAS's worker threads (a product split over 2 threads in which every term is subnormal).
        public var blasWorkers: Bool
        /// Workers of ``concurrentPerform(iterations:execute:)``.
        public var dispatchWorkers: Bool
    }

    /// Multiplies numbers whose products are subnormal (1e-20 × 1e-20 = 1e-40) on each kind of
    /// thread and reports which gave 0. Runs one 256×256×256 sgemm on 2 BLAS threads (restored after):
    /// OpenBLAS 0.3.21 splits it between its threads, while it keeps a 256×256×64 product on one.
    ///
    /// ```swift
    /// DenormalMode.enable()
    /// DenormalMode.probe()   // Probe(callingThread: true, blasWorkers: true, dispatchWorkers: true)
    /// ```
    public static func probe() -> Probe {
        let tiny: Float = 1e-20
        let calling = latent_multiply_at_runtime(tiny, tiny) == 0

        let (m, n, k) = (256, 256, 256)         // large enough for OpenBLAS to split the work
        let a = [Float](repeating: tiny, count: m * k), b = [Float](repeating: tiny, count: k * n)
        var c = [Float](repeating: 1, count: m * n)
        let saved = BLAS.threads
        BLAS.threads = 2
        BLAS.sgemm(transA: false, transB: false, m: m, n: n, k: k, alpha: 1, a: a, lda: k, b: b, ldb: n,
                   beta: 0, c: &c, ldc: n)
        BLAS.threads = saved
        let blas = c.allSatisfy { $0 == 0 }

        let results = ProbeResults(count: 8)
        concurrentPerform(iterations: 8) { i in results.set(i, latent_multiply_at_runtime(tiny, tiny) == 0) }
        return Probe(callingThread: calling, blasWorkers: blas, dispatchWorkers: results.all)
    }

    /// Per-iteration flags written from Dispatch workers (each index by one worker only).
    private final class ProbeResults: @unchecked Sendable {
        private var flags: UnsafeMutablePointer<Bool>
        let count: Int
        init(count: Int) {
            self.count = count
            flags = .allocate(capacity: count)
            flags.initialize(repeating: false, count: count)
        }
        deinit { flags.deallocate() }
        func set(_ i: Int, _ value: Bool) { flags[i] = value }
        var all: Bool { (0..<count).allSatisfy { flags[$0] } }
    }
}

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
}

import CCPU
import Foundation

/// How long OpenBLAS's idle worker threads spin before they sleep. Its built-in wait is 2^28 cycles
/// (about 0.1 s): after every threaded product the workers keep their cores busy that long, so oneDNN's
/// OpenMP threads and Latent's own work between products wait behind them. At 2 threads on the 2-core
/// development machine the conv-VAE (W6) ran at 3,417 img/s with the built-in wait and 6,100–6,500 with
/// 2^10 to 2^22 cycles, the DCGAN (W5) at 686 and 1,000 (docs/PERFORMANCE.md). Latent sets 2^18 cycles
/// (about 0.1 ms: back-to-back products still find their workers awake) unless `OPENBLAS_THREAD_TIMEOUT`
/// is set. OpenBLAS reads the setting when it loads, so `apply` sets it, has OpenBLAS read its
/// environment again, takes the variable away again (child processes such as numpy must not inherit it)
/// and restarts the workers, which take the new wait when they start.
///
/// ```swift
/// BLASWorkerSpin.apply(environment: ProcessInfo.processInfo.environment)
/// BLASWorkerSpin.exponent        // 18: idle workers spin 2^18 cycles, then sleep
/// ```
public enum BLASWorkerSpin {
    /// Latent's wait, as OPENBLAS_THREAD_TIMEOUT's exponent (OpenBLAS accepts 4 to 30).
    public static let latentExponent: Int32 = 18

    /// The exponent in force (0: OpenBLAS's built-in 28). OpenBLAS clamps a set value to 4...30 when it
    /// starts its workers; this is the value it will use.
    public static var exponent: Int {
        let e = Int(openblas_thread_timeout())
        return e > 0 ? Swift.min(Swift.max(e, 4), 30) : 0
    }

    /// Applies Latent's wait unless the environment sets OPENBLAS_THREAD_TIMEOUT; whether it did.
    @discardableResult
    public static func apply(environment: [String: String]) -> Bool {
        guard (environment["OPENBLAS_THREAD_TIMEOUT"] ?? "").isEmpty else { return false }
        setenv("OPENBLAS_THREAD_TIMEOUT", "\(latentExponent)", 1)
        openblas_read_env()
        unsetenv("OPENBLAS_THREAD_TIMEOUT")
        DenormalMode.restartBLASWorkers()
        return exponent == Int(latentExponent)
    }

    /// "2^18 cycles (Latent's)" or "2^28 cycles (OpenBLAS's built-in)" for `latent doctor`.
    public static var summary: String {
        let e = exponent
        return e == 0 ? "2^28 cycles (OpenBLAS's built-in)"
            : "2^\(e) cycles (\(e == Int(latentExponent) ? "Latent's; OPENBLAS_THREAD_TIMEOUT to change" : "OPENBLAS_THREAD_TIMEOUT"))"
    }
}

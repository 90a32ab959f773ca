import CBLAS
import Foundation

/// Thin, typed access to OpenBLAS: single-precision GEMM and the library's thread pool.
///
/// ```swift
/// BLAS.threads = 1
/// BLAS.sgemm(transA: false, transB: true, m: 128, n: 512, k: 784,
///            alpha: 1, a: x, lda: 784, b: w, ldb: 784, beta: 0, c: y, ldc: 512)
/// ```
public enum BLAS {
    /// Thread count of OpenBLAS. Defaults to `LATENT_THREADS` or, when unset, 1:
    /// on the 2-core machines we measured, the second thread slowed the small
    /// matrices of our models down more often than it sped them up (docs/PERFORMANCE.md).
    /// Values are clamped to ``threadRange``.
    public static var threads: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(min(max(threadRange.lowerBound, newValue), threadRange.upperBound))) }
    }

    /// Thread counts Latent accepts from `--threads` and `LATENT_THREADS`.
    public static let threadRange = 1...256

    /// The thread count `LATENT_THREADS` asks for (1 when unset), validated.
    ///
    /// ```swift
    /// try BLAS.threadCount(environment: ["LATENT_THREADS": "4"])   // 4
    /// try BLAS.threadCount(environment: [:])                        // 1
    /// ```
    public static func threadCount(environment: [String: String]) throws -> Int {
        guard setsThreadCount(environment), let text = environment["LATENT_THREADS"] else { return 1 }
        return try validatedThreadCount(text, source: "LATENT_THREADS")
    }

    /// Whether `LATENT_THREADS` sets the count (present and not empty); when it does not, training measures it.
    ///
    /// ```swift
    /// BLAS.setsThreadCount(["LATENT_THREADS": ""])   // false
    /// ```
    public static func setsThreadCount(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        !(environment["LATENT_THREADS"] ?? "").isEmpty
    }

    /// Parses a thread count given as text (`source` names where it came from in the error).
    public static func validatedThreadCount(_ text: String, source: String) throws -> Int {
        guard let n = Int(text.trimmingCharacters(in: .whitespaces)), threadRange.contains(n) else {
            throw LatentError.invalidArgument("\(source) is '\(text)'; expected a whole number of threads "
                + "from \(threadRange.lowerBound) to \(threadRange.upperBound)")
        }
        return n
    }

    /// Reads `LATENT_THREADS` once and applies it. Called by every entry point
    /// that does heavy work; cheap after the first call. An invalid value is
    /// ignored here (1 thread); the `latent` command refuses it at launch.
    public static func configureFromEnvironment() {
        _ = configured
    }

    private static let configured: Bool = {
        let requested = (try? threadCount(environment: ProcessInfo.processInfo.environment)) ?? 1
        threads = requested
        return true
    }()

    /// C = alpha * op(A) * op(B) + beta * C, all row-major.
    @inlinable
    public static func sgemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
                             alpha: Float, a: UnsafePointer<Float>, lda: Int,
                             b: UnsafePointer<Float>, ldb: Int,
                             beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        if m == 0 || n == 0 { return }
        if k == 0 {
            if beta == 0 { for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) } }
            else if beta != 1 { for i in 0..<m { scaleInPlace(c + i * ldc, n, beta) } }
            return
        }
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}

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
    public static var threads: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(max(1, newValue))) }
    }

    /// Reads `LATENT_THREADS` once and applies it. Called by every entry point
    /// that does heavy work; cheap after the first call.
    public static func configureFromEnvironment() {
        _ = configured
    }

    private static let configured: Bool = {
        let requested = ProcessInfo.processInfo.environment["LATENT_THREADS"].flatMap(Int.init) ?? 1
        openblas_set_num_threads(Int32(max(1, requested)))
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

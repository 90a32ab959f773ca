/// A quick numeric check of the BLAS kernel in use: small and odd-shaped
/// sgemm products, all four transpose pairs, against a Double reference.
/// Wide kernels of an older BLAS on a newer CPU have computed wrong results,
/// so a kernel Latent chooses proves itself first. Takes about a millisecond.
///
/// ```swift
/// let check = BLASSelfTest.run()
/// if !check.passed { print("BLAS kernel \(BLASKernelChoice.currentKernel) is wrong: \(check.summary)") }
/// ```
public enum BLASSelfTest {
    public struct Result: Sendable {
        /// True when every product is within tolerance.
        public var passed: Bool
        /// Largest error seen, in units of the tolerance (≤ 1 passes).
        public var worstRelativeError: Double
        /// The first failing case ("m=17 n=5 k=33 transA=true transB=false: error …"), or "ok".
        public var summary: String
    }

    /// Shapes (m, n, k): tiny, odd, and a few that cross the kernels' blocking sizes.
    static let shapes: [(Int, Int, Int)] = [
        (1, 1, 1), (2, 3, 4), (7, 5, 3), (17, 5, 33), (16, 16, 16), (31, 33, 17), (64, 48, 80),
        (65, 97, 129), (128, 10, 300), (3, 200, 9),
    ]

    /// Runs every shape with every transpose pair; `sgemm` defaults to Latent's BLAS.
    public static func run(
        sgemm: (Bool, Bool, Int, Int, Int, UnsafePointer<Float>, Int, UnsafePointer<Float>, Int,
                UnsafeMutablePointer<Float>, Int) -> Void = { ta, tb, m, n, k, a, lda, b, ldb, c, ldc in
            BLAS.sgemm(transA: ta, transB: tb, m: m, n: n, k: k, alpha: 1, a: a, lda: lda,
                       b: b, ldb: ldb, beta: 0, c: c, ldc: ldc)
        }
    ) -> Result {
        var worst = 0.0
        var rng: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Float {
            rng = rng &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int(rng >> 40) % 2001 - 1000) / 1000      // [-1, 1], exactly representable steps
        }
        for (m, n, k) in shapes {
            for transA in [false, true] {
                for transB in [false, true] {
                    let a = (0..<(m * k)).map { _ in next() }
                    let b = (0..<(k * n)).map { _ in next() }
                    var c = [Float](repeating: .nan, count: m * n)
                    let lda = transA ? m : k, ldb = transB ? k : n
                    a.withUnsafeBufferPointer { pa in
                        b.withUnsafeBufferPointer { pb in
                            c.withUnsafeMutableBufferPointer { pc in
                                sgemm(transA, transB, m, n, k, pa.baseAddress!, lda, pb.baseAddress!, ldb,
                                      pc.baseAddress!, n)
                            }
                        }
                    }
                    let tolerance = 1e-5 * Double(k).squareRoot() + 1e-6
                    for i in 0..<m {
                        for j in 0..<n {
                            var exact = 0.0
                            for p in 0..<k {
                                let x = transA ? a[p * lda + i] : a[i * lda + p]
                                let y = transB ? b[j * ldb + p] : b[p * ldb + j]
                                exact += Double(x) * Double(y)
                            }
                            let got = Double(c[i * n + j])
                            let error = got.isFinite ? abs(got - exact) / tolerance : .infinity
                            if error > worst { worst = error }
                            if !(error <= 1) {
                                return Result(passed: false, worstRelativeError: error,
                                              summary: "m=\(m) n=\(n) k=\(k) transA=\(transA) transB=\(transB): "
                                                  + "C[\(i),\(j)] = \(got), expected \(exact)")
                            }
                        }
                    }
                }
            }
        }
        return Result(passed: true, worstRelativeError: worst, summary: "ok")
    }
}

import LatentTensor
import LatentOutput

/// Workload W7: float32 matrix products through OpenBLAS, timed as the
/// reference `gemm.py` does: warm-up, then `trials` trials each long enough
/// (≥ `minimumTrialSeconds`) by repeating the call; GFLOP/s = 2·M·N·K / t.
///
/// ```swift
/// let result = GemmBenchmark.run(m: 1024, k: 1024, n: 1024)
/// print(result.gflops.median)
/// ```
public enum GemmBenchmark {
    /// The (M, K, N) shapes of W7.
    public static let shapes: [(m: Int, k: Int, n: Int)] = [
        (256, 256, 256), (512, 512, 512), (1024, 1024, 1024), (2048, 2048, 2048), (128, 784, 512), (128, 512, 784),
    ]

    public struct Result: Codable, Sendable {
        public let shape: String
        public let threads: Int
        public let gflops: Measurement
    }

    public static func run(m: Int, k: Int, n: Int, trials: Int = 7, minimumTrialSeconds: Double = 0.2) -> Result {
        var rng = RandomGenerator(seed: 0)
        let a = Tensor.uniform([m, k], rng: &rng), b = Tensor.uniform([k, n], rng: &rng)
        let c = Tensor.zeros([m, n])
        let call = {
            BLAS.sgemm(transA: false, transB: false, m: m, n: n, k: k, alpha: 1, a: a.storage.pointer, lda: k,
                       b: b.storage.pointer, ldb: n, beta: 0, c: c.storage.pointer, ldc: n)
        }
        for _ in 0..<3 { call() }
        let once = Stopwatch()
        call()
        let inner = Swift.max(1, Int(minimumTrialSeconds / Swift.max(once.elapsed, 1e-6)))
        let flops = 2.0 * Double(m) * Double(n) * Double(k)
        var rates: [Double] = []
        for _ in 0..<trials {
            let watch = Stopwatch()
            for _ in 0..<inner { call() }
            rates.append(flops / (watch.elapsed / Double(inner)) / 1e9)
        }
        return Result(shape: "(\(m)x\(k))@(\(k)x\(n))", threads: BLAS.threads, gflops: Measurement(rates, higherIsBetter: true))
    }
}

import LatentTensor
import LatentData
import LatentOutput
import LatentModels

/// Workload W2: scikit-learn's BernoulliRBM setting — 100 hidden units,
/// learning rate 0.01, batch 10, PCD-1, continuous pixels, batches visited in
/// order (scikit-learn does not shuffle) — timed per epoch, then scored with
/// scikit-learn's pseudo-likelihood on test images (not timed). Each step
/// does exactly scikit-learn's work: the update, without the reconstruction
/// error `latent train rbm` monitors.
///
/// ```swift
/// let r = RBMTrainingBenchmark.run(train: x, test: y, epochs: 1)
/// print(r.imagesPerSecond, r.testPseudoLikelihood)
/// ```
public enum RBMTrainingBenchmark {
    public struct Result: Codable, Sendable {
        public let threads: Int
        public let epochs: Int
        public let seconds: Double
        public let imagesPerSecond: Double
        public let testPseudoLikelihood: Double
    }

    public static func run(train: Tensor, test: Tensor, epochs: Int, hidden: Int = 100, batchSize: Int = 10,
                           learningRate: Float = 0.01, seed: UInt64 = 0) -> Result {
        var rng = RandomGenerator(seed: seed)
        let rbm = RBM(visible: train.shape[1], hidden: hidden, rng: &rng)
        let watch = Stopwatch()
        for _ in 0..<epochs {
            for indices in MiniBatches(count: train.shape[0], batchSize: batchSize) {
                rbm.update(train.gatherRows(indices), learningRate: learningRate, negative: .persistent(steps: 1), rng: &rng)
            }
        }
        let seconds = watch.elapsed
        var scoreRng = RandomGenerator(seed: seed &+ 1)
        let pl = Double(rbm.pseudoLikelihood(test, rng: &scoreRng).mean().item)
        return Result(threads: BLAS.threads, epochs: epochs, seconds: seconds,
                      imagesPerSecond: Double(train.shape[0] * epochs) / seconds, testPseudoLikelihood: pl)
    }
}

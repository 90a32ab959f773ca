import LatentTensor
import LatentNN
import LatentData
import LatentOutput
import LatentModels

/// Workloads W1 and W6: training the MLP VAE (784-512-256-(2×20),
/// 20-256-512-784) or the convolutional VAE (latent 16) with a Bernoulli
/// likelihood, Adam 1e-3, batch 128, on shuffled images, timed as the
/// reference `vae_mlp.py` / `conv_vae.py` time their epochs: every step of the
/// loop, batch gathering included.
///
/// ```swift
/// let r = try VAETrainingBenchmark.run(images: train.flatImages, steps: 200)
/// print(r.imagesPerSecond)
/// ```
public enum VAETrainingBenchmark {
    public struct Result: Codable, Sendable {
        public let threads: Int
        public let steps: Int
        public let images: Int
        public let seconds: Double
        public let imagesPerSecond: Double
        public let finalTrainNegativeELBO: Double
    }

    /// Trains from scratch for `steps` steps (0: one whole epoch) and reports throughput.
    public static func run(images: Tensor, imageShape: [Int] = [1, 28, 28], body: VAEArchitecture.Body = .mlp,
                           steps: Int, batchSize: Int = 128, seed: UInt64 = 0) throws -> Result {
        precondition(images.rank == 2, "VAETrainingBenchmark wants [N, D] images")
        var rng = RandomGenerator(seed: seed)
        let architecture = VAEArchitecture(body: body, imageShape: imageShape, latent: body == .mlp ? 20 : 16)
        let vae = VAE(architecture, rng: &rng)
        let optimizer = Adam(vae.parameters(), learningRate: 1e-3)
        var done = 0, seen = 0
        var total = 0.0
        let watch = Stopwatch()
        for indices in MiniBatches(count: images.shape[0], batchSize: batchSize, shuffle: &rng) {
            let x = images.gatherRows(indices)
            let terms = vae.negativeELBO(x, rng: &rng)
            optimizer.zeroGrad()
            terms.loss.backward()
            optimizer.step()
            let value = terms.loss.item
            guard value.isFinite else { throw LatentError.nonFinite("W1 benchmark: loss became \(value) at step \(done + 1)") }
            total += Double(value) * Double(indices.count)
            seen += indices.count
            done += 1
            if steps > 0 && done >= steps { break }
        }
        let seconds = watch.elapsed
        return Result(threads: BLAS.threads, steps: done, images: seen, seconds: seconds,
                      imagesPerSecond: Double(seen) / seconds, finalTrainNegativeELBO: total / Double(seen))
    }
}

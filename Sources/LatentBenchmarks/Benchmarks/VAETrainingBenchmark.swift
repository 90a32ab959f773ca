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

    /// Training FLOPs per image of the MLP body: 6 per weight of its linear
    /// layers (2 in the forward product, 4 in the two backward ones), the
    /// convention of roofline estimates; biases and element-wise work are not
    /// counted. W1 (784-512-256-40, 20-256-512-784) is 6.48 MFLOP. Nil for the
    /// convolutional body, whose cost is not one product per weight.
    ///
    /// ```swift
    /// let flops = VAETrainingBenchmark.trainingFlopsPerImage(body: .mlp)   // 6_481_920
    /// ```
    public static func trainingFlopsPerImage(imageShape: [Int] = [1, 28, 28], body: VAEArchitecture.Body) -> Double? {
        guard body == .mlp else { return nil }
        var rng = RandomGenerator(seed: 0)
        let vae = VAE(VAEArchitecture(body: body, imageShape: imageShape, latent: 20), rng: &rng)
        var weights = 0
        for parameter in vae.parameters() where parameter.value.rank == 2 { weights += parameter.value.count }
        return 6 * Double(weights)
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

import LatentTensor
import LatentData
import LatentOutput
import LatentModels

/// Workloads W4 (MLP GAN, batch 512, Adam 1e-3) and W5 (DCGAN 28×28, batch
/// 64, Adam 2e-4) on images in [−1, 1], timed as `gan_mlp.py` / `dcgan.py`
/// time them: D step on real + fresh fakes, then G step, every step of the
/// loop including batch gathering; W5 first runs 5 untimed warm-up steps.
public enum GANTrainingBenchmark {
    public struct Result: Codable, Sendable {
        public let threads: Int
        public let steps: Int
        public let seconds: Double
        public let imagesPerSecond: Double
    }

    public static func run(images: Tensor, convolutional: Bool, steps: Int, seed: UInt64 = 0) -> Result {
        var rng = RandomGenerator(seed: seed)
        let x = PixelRange.symmetric.fromUnit(images)
        let gan: GAN
        let batch: Int
        if convolutional {
            gan = GAN(generator: GANNetworks.dcganGenerator(latent: 64, imageShape: [1, 28, 28], rng: &rng),
                      discriminator: GANNetworks.dcganDiscriminator(imageShape: [1, 28, 28], rng: &rng), latent: 64, learningRate: 2e-4)
            batch = 64
        } else {
            gan = GAN(generator: GANNetworks.mlpGenerator(latent: 20, hidden: [256, 512, 1024], outputs: 784, rng: &rng),
                      discriminator: GANNetworks.mlpDiscriminator(inputs: 784, hidden: [1024, 512, 256], rng: &rng), latent: 20,
                      learningRate: 1e-3)
            batch = 512
        }
        var order = MiniBatches(count: x.shape[0], batchSize: batch, shuffle: &rng).makeIterator()
        func step() {
            guard let indices = order.next() else {
                order = MiniBatches(count: x.shape[0], batchSize: batch, shuffle: &rng).makeIterator()
                return step()
            }
            let real = x.gatherRows(indices)
            gan.discriminatorStep(real, rng: &rng)
            gan.generatorStep(batchSize: indices.count, rng: &rng)
        }
        if convolutional { for _ in 0..<5 { step() } }
        let watch = Stopwatch()
        for _ in 0..<steps { step() }
        let seconds = watch.elapsed
        return Result(threads: BLAS.threads, steps: steps, seconds: seconds, imagesPerSecond: Double(steps * batch) / seconds)
    }
}

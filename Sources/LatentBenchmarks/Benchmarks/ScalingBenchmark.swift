import Foundation
import LatentTensor
import LatentNN
import LatentData
import LatentOutput
import LatentModels

/// `latent bench scale`: data-parallel training steps of W1 (the MLP VAE, batch 128) and W5 (the
/// DCGAN, batch 64) through a communicator — one process, or every rank of `mpirun -np N` — with the
/// global batch split over the ranks as `latent train` splits it. Per workload: the time of a step,
/// the images per second of the whole job, the bytes of gradients summed over ranks per step, the
/// time of one allreduce of that many floats on its own, and the time the steps spent in allreduce
/// (waiting for the slowest rank included) with its share of the step.
///
/// ```swift
/// let world = try Communicators.world()
/// let r = ScalingBenchmark.run(.w1, images: train.flatImages, communicator: world, steps: 40, repeats: 5)
/// print(r.stepSeconds.median, r.allreduceShare)
/// ```
public enum ScalingBenchmark {
    /// The measured workloads.
    public enum Workload: String, CaseIterable, Codable, Sendable {
        /// W1: MLP VAE 784-512-256-(2×20), Adam 1e-3, global batch 128.
        case w1
        /// W5: DCGAN 28×28, latent 64, two Adams 2e-4, global batch 64 (one D step and one G step per step).
        case w5

        public var title: String { self == .w1 ? "W1 VAE MLP" : "W5 DCGAN" }
        public var batchSize: Int { self == .w1 ? 128 : 64 }
    }

    public struct Result: Codable, Sendable {
        public let workload: Workload
        public let processes: Int
        public let threadsPerProcess: Int
        public let globalBatch: Int
        public let steps: Int
        public let repeats: Int
        /// Seconds per training step (median and best of the repeats).
        public let stepSeconds: Measurement
        /// Images per second of the whole job (global batch ÷ median step time).
        public let imagesPerSecond: Double
        /// Floats (and bytes) of gradients allreduced per step: every parameter of the model (W5: G and D).
        public let gradientFloats: Int
        public var gradientBytes: Int { gradientFloats * 4 }
        /// One allreduce of `gradientFloats` floats on its own, after a barrier (0 on one process).
        public let allreduceSeconds: Measurement
        /// Seconds per step spent inside the communicator's allreduce during training (median of the repeats).
        public let allreduceSecondsPerStep: Double
        /// `allreduceSecondsPerStep` ÷ the median step.
        public var allreduceShare: Double { allreduceSecondsPerStep / stepSeconds.median }
    }

    /// Runs `repeats` timed blocks of `steps` steps (after 3 untimed ones) on every rank of
    /// `communicator`; every rank must call it with the same arguments. The result is rank 0's view.
    public static func run(_ workload: Workload, images: Tensor, communicator: any Communicator, steps: Int, repeats: Int,
                           seed: UInt64 = 0) -> Result {
        precondition(images.rank == 2 && steps > 0 && repeats > 0, "ScalingBenchmark wants [N, D] images, steps and repeats")
        let timed = TimedCommunicator(communicator)
        var rng = RandomGenerator(seed: seed)
        let batch = workload.batchSize
        let shard = RowShard.split(total: batch, rank: communicator.rank, size: communicator.size)
        let context = DataParallel(communicator: timed, shard: shard)
        let step: (inout RandomGenerator, Tensor) -> Void
        let floats: Int
        let x: Tensor
        switch workload {
        case .w1:
            x = images
            let vae = VAE(VAEArchitecture(body: .mlp, imageShape: [1, 28, 28], latent: 20), rng: &rng)
            let optimizer = Adam(vae.parameters(), learningRate: 1e-3)
            floats = vae.parameters().reduce(0) { $0 + $1.value.count }
            step = { rng, rows in
                let terms = vae.negativeELBO(rows, rng: &rng)
                optimizer.zeroGrad()
                terms.loss.backward()
                optimizer.step()
            }
        case .w5:
            x = PixelRange.symmetric.fromUnit(images)
            let gan = GAN(generator: GANNetworks.dcganGenerator(latent: 64, imageShape: [1, 28, 28], rng: &rng),
                          discriminator: GANNetworks.dcganDiscriminator(imageShape: [1, 28, 28], rng: &rng), latent: 64, learningRate: 2e-4)
            floats = (gan.generator.parameters() + gan.discriminator.parameters()).reduce(0) { $0 + $1.value.count }
            step = { rng, rows in
                gan.discriminatorStep(rows, rng: &rng)
                gan.generatorStep(batchSize: rows.shape[0], rng: &rng)
            }
        }
        var order = MiniBatches(count: x.shape[0], batchSize: batch, shuffle: &rng).makeIterator()
        func next() -> Tensor {
            guard let indices = order.next(), indices.count == batch else {
                order = MiniBatches(count: x.shape[0], batchSize: batch, shuffle: &rng).makeIterator()
                return next()
            }
            return x.gatherRows(Array(indices[shard.range]))
        }
        for _ in 0..<3 { let rows = next(); context.during { step(&rng, rows) } }
        var stepTimes: [Double] = [], inAllreduce: [Double] = []
        for _ in 0..<repeats {
            communicator.barrier()
            timed.seconds = 0
            let watch = Stopwatch()
            for _ in 0..<steps { let rows = next(); context.during { step(&rng, rows) } }
            stepTimes.append(watch.elapsed / Double(steps))
            inAllreduce.append(timed.seconds / Double(steps))
        }
        // One allreduce of the gradients' size on its own, each after a barrier.
        let buffer = UnsafeMutablePointer<Float>.allocate(capacity: floats)
        defer { buffer.deallocate() }
        buffer.initialize(repeating: 1, count: floats)
        var alone: [Double] = []
        for _ in 0..<(repeats * 4) {
            communicator.barrier()
            let watch = Stopwatch()
            communicator.allreduceSum(buffer, count: floats)
            alone.append(watch.elapsed)
        }
        let stepMeasure = Measurement(stepTimes, higherIsBetter: false)
        return Result(workload: workload, processes: communicator.size, threadsPerProcess: BLAS.threads, globalBatch: batch,
                      steps: steps, repeats: repeats, stepSeconds: stepMeasure, imagesPerSecond: Double(batch) / stepMeasure.median,
                      gradientFloats: floats, allreduceSeconds: Measurement(alone, higherIsBetter: false),
                      allreduceSecondsPerStep: inAllreduce.sorted()[inAllreduce.count / 2])
    }
}

/// A communicator that forwards to another and adds up the seconds its float allreduces took.
final class TimedCommunicator: Communicator, @unchecked Sendable {
    let base: any Communicator
    var seconds = 0.0
    init(_ base: any Communicator) { self.base = base }
    var rank: Int { base.rank }
    var size: Int { base.size }
    func allreduceSum(_ buffer: UnsafeMutablePointer<Float>, count: Int) {
        let watch = Stopwatch()
        base.allreduceSum(buffer, count: count)
        seconds += watch.elapsed
    }
    func allreduceSum(_ buffer: UnsafeMutablePointer<Double>, count: Int) { base.allreduceSum(buffer, count: count) }
    func broadcast(_ buffer: UnsafeMutableRawPointer, bytes: Int, root: Int) { base.broadcast(buffer, bytes: bytes, root: root) }
    func barrier() { base.barrier() }
}

import Foundation
import Testing
@testable import Latent
@testable import LatentBenchmarks
@testable import LatentNN

/// `bench scale`'s library part on one process and on 2 thread ranks: the gradient count is W1's
/// closed form, every rank gets the same shape of result, and one process spends no time in allreduce.
@Suite struct ScalingBenchmarkTests {
    let images = Tensor((0..<(256 * 784)).map { Float(($0 * 7) % 11) / 10 }, shape: [256, 784])

    @Test func oneProcessCountsW1sGradientsAndSpendsNothingInAllreduce() {
        let r = ScalingBenchmark.run(.w1, images: images, communicator: SingleProcessCommunicator(), steps: 2, repeats: 1)
        // 784-512-256-40 encoder and 20-256-512-784 decoder, weights and biases.
        let w1 = (784 * 512 + 512) + (512 * 256 + 256) + (256 * 40 + 40) + (20 * 256 + 256) + (256 * 512 + 512) + (512 * 784 + 784)
        #expect(r.gradientFloats == w1 && r.gradientBytes == 4 * w1)
        #expect(r.processes == 1 && r.globalBatch == 128 && r.steps == 2)
        #expect(r.allreduceSecondsPerStep == 0 && r.allreduceShare == 0)
        #expect(r.imagesPerSecond > 0)
    }

    @Test func twoRanksTrainTheirSharesAndTimeTheAllreduce() throws {
        let group = ThreadCommunicator.group(size: 2)
        let images = self.images
        let results = try onThreads(2) { r in
            ScalingBenchmark.run(.w5, images: images, communicator: group[r], steps: 1, repeats: 1)
        }
        #expect(results.allSatisfy { $0.processes == 2 && $0.globalBatch == 64 })
        #expect(results[0].gradientFloats == results[1].gradientFloats)
        #expect(results[0].allreduceSecondsPerStep > 0, "the steps went through the communicator")
    }
}

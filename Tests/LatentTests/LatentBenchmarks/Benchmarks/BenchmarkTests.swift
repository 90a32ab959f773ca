import Testing
@testable import Latent

/// The benchmark workloads do the work they claim (counts, the same model as
/// training); their speed is measured by `latent bench`, never asserted here.
@Suite struct BenchmarkTests {
    @Test func measurementTakesTheBestAndTheMedian() {
        let faster = Measurement([3, 1, 2, 5, 4], higherIsBetter: true)
        #expect(faster.best == 5 && faster.median == 3)
        let shorter = Measurement([3, 1, 2, 5, 4], higherIsBetter: false)
        #expect(shorter.best == 1 && shorter.median == 3)
    }

    @Test func theVAEWorkloadTrainsTheStepsItReports() throws {
        var rng = RandomGenerator(seed: 1)
        let images = Tensor.uniform([256, 16], rng: &rng).greater(0.5)
        let epoch = try VAETrainingBenchmark.run(images: images, imageShape: [1, 4, 4], steps: 0, batchSize: 128)
        #expect(epoch.steps == 2 && epoch.images == 256)
        let three = try VAETrainingBenchmark.run(images: images, imageShape: [1, 4, 4], steps: 3, batchSize: 64)
        #expect(three.steps == 3 && three.images == 192)
        // Random binary pixels cost about 16·log 2 ≈ 11 nats per image for a model that learned nothing; a fresh one costs more.
        #expect(three.finalTrainNegativeELBO.isFinite && three.finalTrainNegativeELBO > 11)
        #expect(three.seconds > 0 && three.imagesPerSecond > 0)
    }

    @Test func theRBMWorkloadScoresItsModelOnTheTestImages() {
        var rng = RandomGenerator(seed: 2)
        let train = Tensor.uniform([40, 9], rng: &rng).greater(0.5), test = Tensor.uniform([20, 9], rng: &rng).greater(0.5)
        let result = RBMTrainingBenchmark.run(train: train, test: test, epochs: 2, hidden: 4, batchSize: 10)
        #expect(result.epochs == 2)
        // Pseudo-likelihood of 9 binary pixels: between 9·log(small) and 0; near 9·log ½ for a barely trained model.
        #expect(result.testPseudoLikelihood < 0 && result.testPseudoLikelihood > -9 * 3)
    }

    @Test func theGEMMWorkloadReportsItsShape() {
        let result = GemmBenchmark.run(m: 8, k: 4, n: 2, trials: 3, minimumTrialSeconds: 0.001)
        #expect(result.shape.contains("8") && result.gflops.best >= result.gflops.median && result.gflops.median > 0)
    }
    @Test func theRooflineCountsSixFLOPsPerWeightOfW1() throws {
        // 784·512 + 512·256 + 256·40 (encoder) + 20·256 + 256·512 + 512·784 (decoder) = 1,080,320 weights.
        let flops = try #require(VAETrainingBenchmark.trainingFlopsPerImage(body: .mlp))
        #expect(flops == 6_481_920, "6 FLOPs per weight: \(flops)")
        #expect(VAETrainingBenchmark.trainingFlopsPerImage(body: .conv) == nil)
    }

    @Test func theBenchmarkedRBMUpdateIsTrainingsUpdateWithoutTheMonitor() {
        var rng = RandomGenerator(seed: 3)
        let batch = Tensor.uniform([10, 12], rng: &rng)
        var r1 = RandomGenerator(seed: 4), r2 = RandomGenerator(seed: 4)
        let trained = RBM(visible: 12, hidden: 5, rng: &r1), updated = RBM(visible: 12, hidden: 5, rng: &r2)
        let initial = updated.weights.value.scalars
        for _ in 0..<3 {
            let error = trained.train(batch, learningRate: 0.05, rng: &r1)
            #expect(error > 0)
            updated.update(batch, learningRate: 0.05, rng: &r2)
        }
        #expect(trained.weights.value.scalars == updated.weights.value.scalars)
        #expect(updated.weights.value.scalars != initial)
    }
}

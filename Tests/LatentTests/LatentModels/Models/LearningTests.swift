import Testing
@testable import Latent

/// A small MLP classifier on the real MNIST digits: the whole stack (data,
/// layers, autodiff, Adam) must learn, and a seed must reproduce it exactly.
@Suite struct LearningTests {
    final class Classifier: Module {
        let hidden: Linear, output: Linear
        init(rng: inout RandomGenerator) {
            hidden = Linear(784, 256, rng: &rng)
            output = Linear(256, 10, rng: &rng)
        }
        func callAsFunction(_ x: Tensor) -> Tensor { output(hidden(x).relu()) }
    }

    /// Trains for `epochs` and returns (per-step losses, test accuracy).
    func train(_ train: LabeledImages, _ test: LabeledImages, epochs: Int, seed: UInt64) -> ([Float], Double) {
        var rng = RandomGenerator(seed: seed)
        let model = Classifier(rng: &rng)
        let optimizer = Adam(model.parameters(), learningRate: 1e-3)
        let x = train.flatImages
        var losses: [Float] = []
        for _ in 0..<epochs {
            for indices in MiniBatches(count: train.count, batchSize: 64, shuffle: &rng) {
                optimizer.zeroGrad()
                let loss = Loss.crossEntropy(model(x.gatherRows(indices)), labels: indices.map { train.labels[$0] })
                loss.backward()
                optimizer.step()
                losses.append(loss.item)
            }
        }
        let predictions = withoutGradient { model(test.flatImages).argmax(axis: 1).scalars }
        let correct = zip(predictions, test.labels).filter { Int($0) == $1 }.count
        return (losses, Double(correct) / Double(test.count))
    }

    @Test(.enabled(if: TestData.mnistDirectory != nil, "needs ../shared/data/mnist"))
    func mlpReachesNinetyFivePercentOnMNIST() throws {
        BLAS.threads = 1
        let digits = try LabeledImages.idx(directory: TestData.mnistDirectory!, split: .test)
        let (trainSet, testSet) = digits.split(at: 8_000)
        let (losses, accuracy) = train(trainSet, testSet, epochs: 8, seed: 1)
        #expect(accuracy >= 0.95, "test accuracy \(accuracy)")
        #expect(losses.last! < losses.first! / 5)
    }

    @Test(.enabled(if: TestData.mnistDirectory != nil, "needs ../shared/data/mnist"))
    func sameSeedGivesBitwiseIdenticalLosses() throws {
        BLAS.threads = 1
        let digits = try LabeledImages.idx(directory: TestData.mnistDirectory!, split: .test).prefix(1_000)
        let (trainSet, testSet) = digits.split(at: 800)
        let (a, _) = train(trainSet, testSet, epochs: 1, seed: 42)
        let (b, _) = train(trainSet, testSet, epochs: 1, seed: 42)
        let (c, _) = train(trainSet, testSet, epochs: 1, seed: 43)
        #expect(a.map(\.bitPattern) == b.map(\.bitPattern))
        #expect(a != c)
    }
}

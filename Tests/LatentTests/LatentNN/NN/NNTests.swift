import Foundation
import Testing
@testable import Latent

@Suite struct NNTests {
    @Test func batchNormMatchesItsDefinition() {
        let bn = BatchNorm(2)
        let x = Tensor([1, 10, 3, 20, 5, 60], shape: [3, 2])
        let y = bn(x)
        // Channel 0: mean 3, biased variance 8/3.
        let expected0 = [1, 3, 5].map { (Float($0) - 3) / (Float(8.0 / 3.0) + 1e-5).squareRoot() }
        for (i, e) in expected0.enumerated() { #expect(Swift.abs(y[i, 0] - e) < 1e-5) }
        // Running statistics: momentum 0.1, unbiased variance (4 for channel 0).
        #expect(Swift.abs(bn.runningMean.value[0] - 0.3) < 1e-6)
        #expect(Swift.abs(bn.runningVar.value[0] - (0.9 + 0.1 * 4)) < 1e-5)
        bn.eval()
        let z = bn(x)
        #expect(Swift.abs(z[0, 0] - (1 - 0.3) / (1.3 + 1e-5).squareRoot()) < 1e-5)
    }

    @Test func batchNorm2dNormalisesEachChannel() {
        let bn = BatchNorm(3)
        let x = randomTensor([4, 3, 5, 5], seed: 1, low: 2, high: 9)
        let y = bn(x)
        let mean = y.mean(axes: [0, 2, 3]).scalars
        let variance = (y * y).mean(axes: [0, 2, 3]).scalars
        for c in 0..<3 {
            #expect(Swift.abs(mean[c]) < 1e-5)
            #expect(Swift.abs(variance[c] - 1) < 1e-3)
        }
    }

    @Test func dropoutKeepsTheExpectation() {
        let drop = Dropout(0.3, seed: 1)
        let y = drop(Tensor.ones([100_000]))
        let zeros = y.scalars.filter { $0 == 0 }.count
        #expect(Swift.abs(Double(zeros) / 100_000 - 0.3) < 0.01)
        #expect(Swift.abs(y.mean().item - 1) < 0.02)
        drop.eval()
        #expect(drop(Tensor.ones([10])).scalars == Array(repeating: 1, count: 10))
    }

    @Test func parametersAreNamedByPath() {
        var rng = RandomGenerator(seed: 0)
        let net = Sequential(Linear(4, 3, rng: &rng), ReLU(), BatchNorm(3), Linear(3, 2, bias: false, rng: &rng))
        let names = net.namedParameters().map(\.0)
        #expect(names == ["layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias", "layers.3.weight"])
        #expect(net.namedBuffers().map(\.0) == ["layers.2.runningMean", "layers.2.runningVar"])
        #expect(net.parameterCount == 12 + 3 + 3 + 3 + 6)
        net.eval()
        #expect(!(net.layers[2] as! BatchNorm).isTraining)
    }

    @Test func initializersHaveTheirVariance() {
        var rng = RandomGenerator(seed: 3)
        func variance(_ t: Tensor) -> Double {
            let v = t.scalars.map(Double.init)
            let m = v.reduce(0, +) / Double(v.count)
            return v.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(v.count)
        }
        let (fanIn, fanOut) = (400, 200)
        let cases: [(Initializer, Double)] = [
            (.pytorchDefault, 1.0 / 3 / Double(fanIn)),           // U(±1/√fanIn)
            (.xavierUniform, 2.0 / Double(fanIn + fanOut)),
            (.xavierNormal, 2.0 / Double(fanIn + fanOut)),
            (.kaimingUniform, 2.0 / Double(fanIn)),
            (.kaimingNormal, 2.0 / Double(fanIn)),
            (.normal(std: 0.02), 0.0004),
        ]
        for (initializer, expected) in cases {
            let t = initializer.make([fanOut, fanIn], fanIn: fanIn, fanOut: fanOut, rng: &rng)
            #expect(Swift.abs(variance(t) / expected - 1) < 0.03, "\(initializer)")
        }
    }

    @Test func lossValuesMatchTheirFormulas() {
        let logits = Tensor([-2, 0, 3]), targets = Tensor([0, 1, 0.25])
        let bce = Loss.binaryCrossEntropyWithLogits(logits, targets: targets, reduction: .none).scalars
        for i in 0..<3 {
            let x = Double(logits.scalars[i]), t = Double(targets.scalars[i])
            let p = 1 / (1 + exp(-x))
            #expect(Swift.abs(Double(bce[i]) - (-(t * log(p) + (1 - t) * log(1 - p)))) < 1e-6)
        }
        let ce = Loss.crossEntropy(Tensor([1, 2, 3], shape: [1, 3]), labels: [2]).item
        #expect(Swift.abs(Double(ce) - (-(3 - log(exp(1.0) + exp(2.0) + exp(3.0))))) < 1e-6)
        let nll = Loss.gaussianNegativeLogLikelihood(Tensor([1]), mean: Tensor([0.5]), logVariance: Tensor([log(Float(2))]), reduction: .sum).item
        #expect(Swift.abs(Double(nll) - (0.5 * log(2 * Double.pi * 2) + 0.25 / 4)) < 1e-6)
        #expect(Loss.meanSquaredError(Tensor([1, 2]), Tensor([0, 0])).item == 2.5)
        #expect(Loss.binaryCrossEntropyWithLogits(Tensor([0, 0, 0, 0], shape: [2, 2]), targets: Tensor.ones([2, 2]),
                                                  reduction: .sumPerExample).item == Float(2 * log(2.0)))
    }
}

import Testing
@testable import Latent

/// The fused training-mode batch normalisation against the same formula written
/// as separate tensor ops, and against finite differences; plane sizes that are
/// and are not multiples of the 16-lane vectors.
@Suite struct BatchNormOpsTests {
    /// y = (x − mean)/√(var + ε)·γ + β with the batch's biased statistics, as broadcast ops.
    func composed(_ x: Tensor, _ gamma: Tensor, _ beta: Tensor, epsilon: Float) -> Tensor {
        let c = x.shape[1]
        let mean = x.mean(axes: [0, 2, 3], keepDims: true)
        let centered = x - mean
        let variance = (centered * centered).mean(axes: [0, 2, 3], keepDims: true)
        return centered * (variance + epsilon).pow(-0.5) * gamma.reshaped([1, c, 1, 1]) + beta.reshaped([1, c, 1, 1])
    }

    @Test(arguments: [[3, 4, 5, 5], [2, 3, 4, 8], [5, 2, 1, 1], [2, 17, 7, 7]])
    func matchesTheComposedFormula(_ shape: [Int]) {
        let c = shape[1]
        let x = randomTensor(shape, seed: 601, low: -2, high: 5)
        let gamma = randomTensor([c], seed: 602, low: 0.5, high: 2), beta = randomTensor([c], seed: 603)
        let r = randomTensor(shape, seed: 604)
        func run(_ f: (Tensor, Tensor, Tensor) -> Tensor) -> [Tensor] {
            let (xs, gs, bs) = (x.requiringGradient(), gamma.requiringGradient(), beta.requiringGradient())
            let y = f(xs, gs, bs)
            (y * r).sum().backward()
            return [y, xs.gradient!, gs.gradient!, bs.gradient!]
        }
        let fused = run { $0.batchNormalized(weight: $1, bias: $2, epsilon: 1e-5).output }
        let reference = run { composed($0, $1, $2, epsilon: 1e-5) }
        for (a, b) in zip(fused, reference) { expectClose(a, b, tolerance: 2e-4) }
    }

    @Test func returnsTheBatchStatistics() {
        // Channel 0 holds 1, 3 (image 0) and 5, 7 (image 1): mean 4, biased variance 5.
        let x = Tensor([1, 3, 10, 10, 5, 7, 20, 30], shape: [2, 2, 1, 2])
        let (_, mean, variance) = x.batchNormalized(weight: .ones([2]), bias: .zeros([2]), epsilon: 1e-5)
        #expect(mean.scalars == [4, 17.5])
        #expect(abs(variance.scalars[0] - 5) < 1e-5 && abs(variance.scalars[1] - 68.75) < 1e-3)
    }

    @Test func gradientsAgreeWithFiniteDifferences() {
        checkGradients([randomTensor([3, 2, 3, 5], seed: 611), randomTensor([2], seed: 612, low: 0.5, high: 1.5),
                        randomTensor([2], seed: 613)]) {
            $0[0].batchNormalized(weight: $0[1], bias: $0[2], epsilon: 1e-5).output
        }
    }

    @Test func theLayerKeepsPyTorchsRunningStatistics() {
        let bn = BatchNorm(2)
        let x = Tensor([1, 3, 10, 10, 5, 7, 20, 30], shape: [2, 2, 1, 2])
        _ = bn(x)
        // momentum 0.1, unbiased variance: channel 0 5·4/3, channel 1 68.75·4/3
        #expect(abs(bn.runningMean.value[0] - 0.4) < 1e-6 && abs(bn.runningMean.value[1] - 1.75) < 1e-5)
        #expect(abs(bn.runningVar.value[0] - (0.9 + 0.1 * 20 / 3)) < 1e-5)
        #expect(abs(bn.runningVar.value[1] - (0.9 + 0.1 * 68.75 * 4 / 3)) < 1e-4)
    }
}

import Testing
@testable import Latent

/// Every differentiable op against finite differences (see `checkGradients`).
@Suite struct OpGradientTests {
    @Test func arithmeticWithBroadcasting() {
        let a = randomTensor([3, 4], seed: 1), b = randomTensor([4], seed: 2)
        let c = randomTensor([3, 1], seed: 3), d = randomTensor([2, 3, 4], seed: 4)
        checkGradients([a, b]) { $0[0] + $0[1] }
        checkGradients([a, c]) { $0[0] - $0[1] }
        checkGradients([a, b]) { $0[0] * $0[1] }
        checkGradients([d, c]) { $0[0] * $0[1] }
        checkGradients([a, randomTensor([4], seed: 5, low: 0.5, high: 2)]) { $0[0] / $0[1] }
        checkGradients([randomTensor([1, 4], seed: 6), c]) { $0[0] * $0[1] }   // both broadcast
        checkGradients([a]) { ($0[0] * 3 + 1 - 0.5) / 2 }
        checkGradients([randomTensor([3, 4], seed: 7, low: 0.5, high: 2)]) { 2 / $0[0] }
        checkGradients([a]) { -$0[0] }
    }

    @Test func maximumAndMinimum() {
        let a = randomTensor([5, 3], seed: 11), b = randomTensor([5, 3], seed: 12)
        checkGradients([a, b]) { $0[0].maximum($0[1]) }
        checkGradients([a, b]) { $0[0].minimum($0[1]) }
    }

    @Test func unaryFunctions() {
        let x = randomTensor([4, 5], seed: 21, low: -3, high: 3)
        let positive = randomTensor([4, 5], seed: 22, low: 0.2, high: 3)
        checkGradients([x]) { $0[0].exp() }
        checkGradients([positive]) { $0[0].log() }
        checkGradients([positive]) { $0[0].sqrt() }
        checkGradients([positive]) { $0[0].pow(1.7) }
        checkGradients([x]) { $0[0].pow(3) }
        checkGradients([positive]) { $0[0].pow(-0.5) }
        checkGradients([positive, randomTensor([5], seed: 23)]) { $0[0].pow($0[1]) }
        checkGradients([awayFromZero([4, 5], seed: 24)]) { $0[0].abs() }
        checkGradients([x]) { $0[0].sigmoid() }
        checkGradients([x]) { $0[0].tanh() }
        checkGradients([awayFromZero([4, 5], seed: 25)]) { $0[0].relu() }
        checkGradients([awayFromZero([4, 5], seed: 26)]) { $0[0].leakyRelu(0.2) }
        checkGradients([randomTensor([4, 5], seed: 27, low: -20, high: 20)]) { $0[0].softplus() }
        checkGradients([randomTensor([4, 5], seed: 28, low: -20, high: 20)]) { $0[0].logSigmoid() }
        checkGradients([awayFromZero([4, 5], seed: 29, low: -2, high: 2)]) { ($0[0] - 0.5).clamped(min: -1, max: 1) }
    }

    @Test func reductions() {
        let x = randomTensor([3, 4, 5], seed: 31)
        checkGradients([x]) { $0[0].sum() }
        checkGradients([x]) { $0[0].sum(axis: 1) }
        checkGradients([x]) { $0[0].sum(axes: [0, 2], keepDims: true) }
        checkGradients([x]) { $0[0].mean(axis: 2) }
        checkGradients([x]) { $0[0].mean() }
        checkGradients([x]) { $0[0].max(axis: 1) }
        checkGradients([x]) { $0[0].max(axis: 2, keepDims: true) }
        checkGradients([x]) { $0[0].logSumExp(axis: 2) }
        checkGradients([x]) { $0[0].logSumExp(axis: 1, keepDims: true) }
        checkGradients([x]) { $0[0].logSumExp(axis: 0) }
        checkGradients([x]) { $0[0].softmax(axis: 2) }
        checkGradients([x]) { $0[0].logSoftmax(axis: 1) }
    }

    @Test func shapeOperations() {
        let x = randomTensor([4, 6], seed: 41)
        checkGradients([x]) { $0[0].reshaped([2, 12]) * $0[0].reshaped([2, 12]) }
        checkGradients([x]) { $0[0].transposed() }
        checkGradients([x]) { $0[0].rows(1..<3) }
        checkGradients([x]) { $0[0].narrow(axis: 1, start: 2, length: 3) }
        checkGradients([x]) { $0[0].gatherRows([3, 0, 3, 1]) }
        checkGradients([x, randomTensor([4, 2], seed: 42)]) { Tensor.concatenate([$0[0], $0[1]], axis: 1) }
        checkGradients([x, randomTensor([1, 6], seed: 43)]) { Tensor.concatenate([$0[0], $0[1]], axis: 0) }
        checkGradients([randomTensor([6], seed: 44)]) { $0[0].broadcasted(to: [3, 6]) }
    }

    @Test func whereSelects() {
        let cond = randomTensor([3, 4], seed: 51).greater(0)
        checkGradients([randomTensor([3, 4], seed: 52), randomTensor([4], seed: 53)]) { Tensor.where(cond, $0[0], $0[1]) }
    }

    @Test func matrixProducts() {
        let a = randomTensor([5, 7], seed: 61), b = randomTensor([7, 3], seed: 62)
        checkGradients([a, b]) { $0[0].matmul($0[1]) }
        checkGradients([a, randomTensor([4, 7], seed: 63), randomTensor([4], seed: 64)]) {
            $0[0].linear(weight: $0[1], bias: $0[2])
        }
        checkGradients([a, randomTensor([4, 7], seed: 65)]) { $0[0].linear(weight: $0[1], bias: nil) }
    }

    @Test(arguments: [(1, 0), (2, 1), (1, 1), (2, 0), (3, 2)])
    func convolution(stride: Int, padding: Int) {
        let x = randomTensor([2, 3, 7, 6], seed: 71)
        let w = randomTensor([4, 3, 3, 3], seed: 72), b = randomTensor([4], seed: 73)
        checkGradients([x, w, b]) { $0[0].conv2d(weight: $0[1], bias: $0[2], stride: stride, padding: padding) }
    }

    @Test(arguments: [(1, 0, 0), (2, 1, 0), (2, 1, 1), (2, 0, 0), (3, 1, 2)])
    func transposedConvolution(stride: Int, padding: Int, outputPadding: Int) {
        let x = randomTensor([2, 3, 4, 5], seed: 81)
        let w = randomTensor([3, 2, 4, 4], seed: 82), b = randomTensor([2], seed: 83)
        checkGradients([x, w, b]) {
            $0[0].convTranspose2d(weight: $0[1], bias: $0[2], stride: stride, padding: padding, outputPadding: outputPadding)
        }
    }

    @Test func losses() {
        let logits = randomTensor([4, 6], seed: 91, low: -4, high: 4)
        let targets = randomTensor([4, 6], seed: 92, low: 0, high: 1)
        checkGradients([logits, targets]) { Loss.binaryCrossEntropyWithLogits($0[0], targets: $0[1], reduction: .none) }
        checkGradients([logits]) { Loss.binaryCrossEntropyWithLogits($0[0], targets: targets, reduction: .sumPerExample) }
        checkGradients([logits, targets]) { Loss.meanSquaredError($0[0], $0[1]) }
        checkGradients([targets, logits, randomTensor([6], seed: 93)]) {
            Loss.gaussianNegativeLogLikelihood($0[0], mean: $0[1], logVariance: $0[2], reduction: .sum)
        }
        checkGradients([logits]) { Loss.crossEntropy($0[0], labels: [0, 5, 2, 2]) }
    }

    @Test func layersCompose() {
        var rng = RandomGenerator(seed: 5)
        let bn = BatchNorm(3)
        checkGradients([randomTensor([4, 3, 2, 2], seed: 101)]) { bn($0[0]) }
        let bn1 = BatchNorm(5)
        checkGradients([randomTensor([6, 5], seed: 102)]) { bn1($0[0]) }
        let net = Sequential(Linear(5, 4, rng: &rng), Tanh(), Linear(4, 2, rng: &rng))
        checkGradients([randomTensor([3, 5], seed: 103)]) { net($0[0]) }
    }
}

/// The checker itself must fail on a wrong gradient, or every test above proves nothing.
@Suite struct GradientCheckerTests {
    @Test func detectsAWrongPullback() {
        // y = x², but the recorded pullback claims dy/dx = x (half the truth).
        func wrongSquare(_ x: Tensor) -> Tensor {
            let out = x.detached() * x.detached()
            return Tensor.record("wrongSquare", out, [x]) { g in [g * x.detached()] }
        }
        withKnownIssue("the checker must flag the halved gradient") {
            checkGradients([randomTensor([3, 3], seed: 1, low: 0.5, high: 1)]) { wrongSquare($0[0]) }
        }
    }
}

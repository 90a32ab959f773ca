import Testing
@testable import Latent

/// Finite differences against the pullbacks of dilated, grouped and depthwise
/// convolutions (input, weight and bias), on odd sizes, strides and paddings.
@Suite struct ConvolutionVariantGradientTests {
    @Test(arguments: [(1, 0), (2, 1), (3, 2), (2, 0)])
    func dilatedConvolution(stride: Int, padding: Int) {
        let x = randomTensor([2, 3, 7, 6], seed: 171)
        let w = randomTensor([4, 3, 3, 3], seed: 172), b = randomTensor([4], seed: 173)
        checkGradients([x, w, b]) { $0[0].conv2d(weight: $0[1], bias: $0[2], stride: stride, padding: padding, dilation: 2) }
    }

    @Test func dilationThreeWithAnEvenKernel() {
        let x = randomTensor([1, 2, 9, 7], seed: 174)
        checkGradients([x, randomTensor([3, 2, 2, 2], seed: 175), randomTensor([3], seed: 176)]) {
            $0[0].conv2d(weight: $0[1], bias: $0[2], stride: 2, padding: 1, dilation: 3)
        }
    }

    @Test(arguments: [(1, 1, 1), (2, 1, 2), (2, 0, 1)])
    func depthwiseConvolution(stride: Int, padding: Int, dilation: Int) {
        let x = randomTensor([2, 3, 7, 6], seed: 181)
        checkGradients([x, randomTensor([3, 1, 3, 3], seed: 182), randomTensor([3], seed: 183)]) {
            $0[0].conv2d(weight: $0[1], bias: $0[2], stride: stride, padding: padding, dilation: dilation, groups: 3)
        }
    }

    @Test func groupedConvolution() {
        let x = randomTensor([2, 4, 6, 5], seed: 191)
        checkGradients([x, randomTensor([6, 2, 3, 3], seed: 192), randomTensor([6], seed: 193)]) {
            $0[0].conv2d(weight: $0[1], bias: $0[2], stride: 2, padding: 1, groups: 2)
        }
    }

    @Test(arguments: [(2, 2, 1), (1, 0, 0), (3, 1, 2)])
    func dilatedTransposedConvolution(stride: Int, padding: Int, outputPadding: Int) {
        let x = randomTensor([2, 3, 4, 5], seed: 201)
        checkGradients([x, randomTensor([3, 2, 3, 3], seed: 202), randomTensor([2], seed: 203)]) {
            $0[0].convTranspose2d(weight: $0[1], bias: $0[2], stride: stride, padding: padding, outputPadding: outputPadding, dilation: 2)
        }
    }

    @Test func depthwiseAndGroupedTransposedConvolution() {
        let x = randomTensor([2, 3, 4, 5], seed: 211)
        checkGradients([x, randomTensor([3, 1, 4, 4], seed: 212), randomTensor([3], seed: 213)]) {
            $0[0].convTranspose2d(weight: $0[1], bias: $0[2], stride: 2, padding: 1, groups: 3)
        }
        let y = randomTensor([2, 4, 3, 5], seed: 214)
        checkGradients([y, randomTensor([4, 3, 3, 3], seed: 215), randomTensor([6], seed: 216)]) {
            $0[0].convTranspose2d(weight: $0[1], bias: $0[2], stride: 2, padding: 1, outputPadding: 1, dilation: 2, groups: 2)
        }
    }

    /// Depthwise then pointwise, as `DepthwiseSeparableConv2d` composes them.
    @Test func separableComposition() {
        let x = randomTensor([2, 3, 7, 6], seed: 221)
        checkGradients([x, randomTensor([3, 1, 4, 4], seed: 222), randomTensor([5, 3, 1, 1], seed: 223), randomTensor([5], seed: 224)]) {
            $0[0].conv2d(weight: $0[1], stride: 2, padding: 1, groups: 3).conv2d(weight: $0[2], bias: $0[3])
        }
    }
}

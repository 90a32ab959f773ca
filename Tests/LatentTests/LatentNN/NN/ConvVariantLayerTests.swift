import Testing
@testable import Latent
@testable import LatentNN

/// The dilated, depthwise and separable layers: shapes, parameter counts and
/// names, and finite-difference gradients of the input and of every parameter.
@Suite struct ConvVariantLayerTests {
    /// Central differences of L = Σ layer(x)·r against `grad` of each parameter and of x.
    func checkLayer(_ layer: any Layer & Module, input: Tensor, sourceLocation: SourceLocation = #_sourceLocation) {
        // The input through the shared oracle.
        checkGradients([input], sourceLocation: sourceLocation) { layer($0[0]) }
        // The parameters: perturb each entry in place.
        var rng = RandomGenerator(seed: 5)
        let y = layer(input)
        let weights = Tensor.uniform(y.shape, low: -1, high: 1, rng: &rng)
        for p in layer.parameters() { p.zeroGrad() }
        (y * weights).sum().backward()
        func loss() -> Double {
            withoutGradient { zip(layer(input).scalars, weights.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) } }
        }
        let step: Float = 5e-3
        for (name, p) in layer.namedParameters() {
            guard let grad = p.grad else {
                Issue.record("\(name) received no gradient", sourceLocation: sourceLocation)
                continue
            }
            let probe = Swift.max(1, p.value.count / 24)
            for j in Swift.stride(from: 0, to: p.value.count, by: probe) {
                p.update { $0[j] += step; _ = $1 }
                let plus = loss()
                p.update { $0[j] -= 2 * step; _ = $1 }
                let minus = loss()
                p.update { $0[j] += step; _ = $1 }
                let numeric = (plus - minus) / (2 * Double(step)), analytic = Double(grad.scalars[j])
                #expect(Swift.abs(analytic - numeric) <= 2e-3 + 2e-2 * Swift.abs(numeric),
                        "\(name)[\(j)]: analytic \(analytic), numeric \(numeric)", sourceLocation: sourceLocation)
            }
        }
    }

    @Test func dilatedConv2dLayer() {
        var rng = RandomGenerator(seed: 1)
        let conv = Conv2d(3, 4, kernelSize: 3, stride: 2, padding: 2, dilation: 2, rng: &rng)
        #expect(conv.weight.value.shape == [4, 3, 3, 3])
        // (9 + 4 − 5)/2 + 1 = 5 and (8 + 4 − 5)/2 + 1 = 4.
        #expect(conv(Tensor.zeros([2, 3, 9, 8])).shape == [2, 4, 5, 4])
        checkLayer(conv, input: randomTensor([2, 3, 9, 8], seed: 2))
    }

    @Test func dilatedConvTranspose2dLayer() {
        var rng = RandomGenerator(seed: 3)
        let up = ConvTranspose2d(3, 2, kernelSize: 3, stride: 2, padding: 2, outputPadding: 1, dilation: 2, rng: &rng)
        #expect(up(Tensor.zeros([1, 3, 5, 7])).shape == [1, 2, 10, 14])
        checkLayer(up, input: randomTensor([2, 3, 5, 7], seed: 4))
    }

    @Test func depthwiseConv2dLayer() {
        var rng = RandomGenerator(seed: 5)
        let conv = Conv2d(4, 8, kernelSize: 3, padding: 1, groups: 4, rng: &rng)   // two filters per channel
        #expect(conv.weight.value.shape == [8, 1, 3, 3])
        #expect(conv.parameterCount == 8 * 9 + 8)
        checkLayer(conv, input: randomTensor([2, 4, 5, 6], seed: 6))
    }

    @Test func separableLayerCountsNamesAndGradients() {
        var rng = RandomGenerator(seed: 7)
        let sep = DepthwiseSeparableConv2d(32, 64, kernelSize: 4, stride: 2, padding: 1, rng: &rng)
        #expect(sep.parameterCount == 32 * 16 + 32 * 64 + 64)
        #expect(Conv2d(32, 64, kernelSize: 4, stride: 2, padding: 1, rng: &rng).parameterCount == 32 * 64 * 16 + 64)
        #expect(sep(Tensor.zeros([2, 32, 14, 14])).shape == [2, 64, 7, 7])
        #expect(Set(sep.namedParameters().map(\.0)) == ["depthwise.weight", "pointwise.weight", "pointwise.bias"])
        // The layer is the composition it says it is.
        let x = randomTensor([2, 32, 6, 6], seed: 8)
        let composed = x.conv2d(weight: sep.depthwise.weight.value, stride: 2, padding: 1, groups: 32)
            .conv2d(weight: sep.pointwise.weight.value, bias: sep.pointwise.bias!.value)
        expectClose(sep(x), composed, tolerance: 1e-5)
        let small = DepthwiseSeparableConv2d(3, 5, kernelSize: 3, stride: 2, padding: 1, dilation: 2, rng: &rng)
        checkLayer(small, input: randomTensor([2, 3, 7, 6], seed: 9))
    }

    @Test func separableTransposedLayer() {
        var rng = RandomGenerator(seed: 10)
        let up = DepthwiseSeparableConvTranspose2d(64, 32, kernelSize: 4, stride: 2, padding: 1, rng: &rng)
        #expect(up(Tensor.zeros([1, 64, 7, 7])).shape == [1, 32, 14, 14])
        #expect(up.parameterCount == 64 * 16 + 64 * 32 + 32)
        let small = DepthwiseSeparableConvTranspose2d(3, 4, kernelSize: 4, stride: 2, padding: 1, rng: &rng)
        checkLayer(small, input: randomTensor([2, 3, 3, 4], seed: 11))
    }
}

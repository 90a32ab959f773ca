import Testing
@testable import Latent
@testable import LatentTensor

/// Dilated and grouped (depthwise) convolutions: the output shape formula, a case
/// worked by hand, the direct definition, and the transposed op as the adjoint.
@Suite struct ConvolutionVariantTests {
    /// Direct definition with dilation and groups: out[n, o, i, j] = Σ over the
    /// group's channels c and taps (p, q) of x[n, c, i·s − pad + d·p, j·s − pad + d·q] · w[o, c − c₀, p, q].
    func naiveConv(_ x: Tensor, _ w: Tensor, stride: Int, padding: Int, dilation: Int, groups: Int) -> Tensor {
        let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (o, cg, kh, kw) = (w.shape[0], w.shape[1], w.shape[2], w.shape[3])
        let og = o / groups
        let ho = (h + 2 * padding - dilation * (kh - 1) - 1) / stride + 1
        let wo = (wd + 2 * padding - dilation * (kw - 1) - 1) / stride + 1
        #expect(cg * groups == c)
        var out = [Float](repeating: 0, count: n * o * ho * wo)
        for b in 0..<n { for oc in 0..<o { for i in 0..<ho { for j in 0..<wo {
            var s: Float = 0
            let first = (oc / og) * cg
            for ic in 0..<cg { for p in 0..<kh { for q in 0..<kw {
                let (ii, jj) = (i * stride - padding + dilation * p, j * stride - padding + dilation * q)
                if ii >= 0 && ii < h && jj >= 0 && jj < wd { s += x[b, first + ic, ii, jj] * w[oc, ic, p, q] }
            } } }
            out[((b * o + oc) * ho + i) * wo + j] = s
        } } } }
        return Tensor(out, shape: [n, o, ho, wo])
    }

    /// One 5×5 channel holding x[i, j] = 5i + j and the 2×2 kernel [[1, 2], [3, 4]] with dilation 2:
    /// the taps sit two pixels apart, so the kernel spans 3×3 and the output side is (5 + 0 − 2·(2 − 1) − 1)/1 + 1 = 3.
    /// y[a, b] = 1·x[a, b] + 2·x[a, b+2] + 3·x[a+2, b] + 4·x[a+2, b+2] = 10·(5a + b) + 2·2 + 3·10 + 4·12 = 10·(5a + b) + 82.
    @Test func aDilatedKernelWorkedByHand() {
        let x = Tensor((0..<25).map(Float.init), shape: [1, 1, 5, 5])
        let w = Tensor([1, 2, 3, 4], shape: [1, 1, 2, 2])
        let y = x.conv2d(weight: w, dilation: 2)
        #expect(y.shape == [1, 1, 3, 3])
        #expect(y.scalars == [82, 92, 102, 132, 142, 152, 182, 192, 202])
        // Stride 2, padding 1: side (5 + 2 − 3)/2 + 1 = 3. y[0, 0] reads (−1, −1), (−1, 1), (1, −1) in the
        // padding and x[1, 1] = 6 with weight 4: 24. y[1, 1] reads x[1, 1], x[1, 3], x[3, 1], x[3, 3] = 6, 8, 16, 18:
        // 6 + 16 + 48 + 72 = 142. y[2, 2] reads x[3, 3] = 18 with weight 1 (the other taps fall off the edge): 18.
        let strided = x.conv2d(weight: w, stride: 2, padding: 1, dilation: 2)
        #expect(strided.shape == [1, 1, 3, 3])
        #expect(strided[0, 0, 0, 0] == 24 && strided[0, 0, 1, 1] == 142 && strided[0, 0, 2, 2] == 18)
        let g = ConvGeometry(batch: 1, channels: 1, height: 5, width: 5, kernelHeight: 2, kernelWidth: 2, stride: 2, padding: 1, dilation: 2)
        #expect(g.effectiveKernelHeight == 3 && g.outputHeight == 3 && g.outputWidth == 3)
    }

    /// Depthwise (groups = channels): each channel is filtered by its own kernel only.
    @Test func aDepthwiseConvolutionKeepsChannelsApart() {
        let x = Tensor([Float](repeating: 1, count: 9) + [Float](repeating: 2, count: 9), shape: [1, 2, 3, 3])
        let w = Tensor([3, 5], shape: [2, 1, 1, 1])
        let y = x.conv2d(weight: w, bias: Tensor([0.5, -1]), groups: 2)
        #expect(y.scalars == [Float](repeating: 3.5, count: 9) + [Float](repeating: 9, count: 9))
    }

    @Test(arguments: [(1, 0, 2, 1), (2, 1, 2, 1), (3, 2, 3, 1), (1, 1, 1, 2), (2, 1, 2, 4), (1, 2, 2, 4)])
    func dilatedAndGroupedAgainstTheDefinition(stride: Int, padding: Int, dilation: Int, groups: Int) {
        let x = randomTensor([2, 4, 9, 8], seed: 11)
        let w = randomTensor([8, 4 / groups, 3, 3], seed: 12)
        expectClose(x.conv2d(weight: w, stride: stride, padding: padding, dilation: dilation, groups: groups),
                    naiveConv(x, w, stride: stride, padding: padding, dilation: dilation, groups: groups), tolerance: 1e-5)
    }

    /// ⟨conv x, y⟩ = ⟨x, convᵀ y⟩ with the same weight, stride, padding, dilation and groups.
    @Test(arguments: [(2, 2, 1, 2, 1), (2, 1, 0, 1, 4), (2, 2, 1, 2, 4), (1, 1, 0, 3, 2)])
    func theTransposedVariantsAreTheAdjoints(stride: Int, padding: Int, outputPadding: Int, dilation: Int, groups: Int) {
        let x0 = randomTensor([2, 4, 8, 8], seed: 21)
        let w = randomTensor([4, 4 / groups, 3, 3], seed: 22)   // conv: [O=4, C/g]; convT reads it as [Cin=4, Cout/g]
        let conv = x0.conv2d(weight: w, stride: stride, padding: padding, dilation: dilation, groups: groups)
        let y = randomTensor(conv.shape, seed: 23)
        let back = y.convTranspose2d(weight: w, stride: stride, padding: padding, outputPadding: outputPadding,
                                     dilation: dilation, groups: groups)
        // The transposed output may be smaller than x0 when the forward conv dropped trailing rows; compare on its extent.
        let x = x0.narrow(axis: 2, start: 0, length: back.shape[2]).narrow(axis: 3, start: 0, length: back.shape[3])
        let conv2 = x.conv2d(weight: w, stride: stride, padding: padding, dilation: dilation, groups: groups)
        #expect(conv2.shape == y.shape)
        let lhs = (conv2 * y).sum().item, rhs = (x * back).sum().item
        #expect(Swift.abs(lhs - rhs) < 1e-3 * Swift.max(1, Swift.abs(lhs)), "\(lhs) vs \(rhs)")
    }

    /// The dilated up-sampling of the conv networks doubles the sides: (H − 1)·2 − 4 + 2·2 + 1 + 1 = 2H.
    @Test func dilatedTransposedShapes() {
        let up = Tensor.zeros([1, 3, 7, 7]).convTranspose2d(weight: Tensor.zeros([3, 2, 3, 3]), stride: 2, padding: 2,
                                                             outputPadding: 1, dilation: 2)
        #expect(up.shape == [1, 2, 14, 14])
        let down = Tensor.zeros([1, 2, 14, 14]).conv2d(weight: Tensor.zeros([3, 2, 3, 3]), stride: 2, padding: 2, dilation: 2)
        #expect(down.shape == [1, 3, 7, 7])
    }
}

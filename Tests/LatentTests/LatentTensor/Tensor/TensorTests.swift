import Foundation
import Testing
@testable import Latent

@Suite struct TensorTests {
    @Test func creationAndValueSemantics() {
        var a = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        let b = a
        a.withMutableData { $0[0] = 100 }
        #expect(b[0, 0] == 1 && a[0, 0] == 100, "writing one copy must not change the other")
        #expect(Tensor.zeros([2, 2]).scalars == [0, 0, 0, 0])
        #expect(Tensor.full([3], 2.5).scalars == [2.5, 2.5, 2.5])
        #expect(Tensor.oneHot([2, 0], classes: 3).scalars == [0, 0, 1, 1, 0, 0])
        #expect(a.reshaped([3, -1]).shape == [3, 2])
    }

    @Test func broadcastingValues() {
        let a = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        #expect((a + Tensor([10, 20, 30])).scalars == [11, 22, 33, 14, 25, 36])
        #expect((a * Tensor([2, 3], shape: [2, 1])).scalars == [2, 4, 6, 12, 15, 18])
        #expect((Tensor([1, 2], shape: [2, 1]) - Tensor([1, 2, 3], shape: [1, 3])).scalars == [0, -1, -2, 1, 0, -1])
        #expect((a / 2).scalars == [0.5, 1, 1.5, 2, 2.5, 3])
        // [N, C, H, W] with a per-channel [1, C, 1, 1] term.
        let x = Tensor.ones([2, 3, 2, 2])
        let y = x * Tensor([1, 2, 3], shape: [1, 3, 1, 1])
        #expect(y[1, 2, 1, 1] == 3 && y[0, 1, 0, 1] == 2)
        #expect(y.sumToShape([1, 3, 1, 1]).scalars == [8, 16, 24])
    }

    @Test func reductionsValues() {
        let a = Tensor([1, 5, 3, 4, 2, 6], shape: [2, 3])
        #expect(a.sum().item == 21)
        #expect(a.sum(axis: 0).scalars == [5, 7, 9])
        #expect(a.sum(axis: 1, keepDims: true).shape == [2, 1])
        #expect(a.mean(axis: 1).scalars == [3, 4])
        #expect(a.max(axis: 1).scalars == [5, 6])
        #expect(a.argmax(axis: 1).scalars == [1, 2])
        #expect(a.argmax(axis: 0).scalars == [1, 0, 1])
        let lse = a.logSumExp(axis: 1).scalars
        #expect(Swift.abs(lse[0] - Float(_log(_exp(1.0) + _exp(5.0) + _exp(3.0)))) < 1e-5)
        let big = Tensor([1000, 1000], shape: [1, 2]).logSumExp(axis: 1).item
        #expect(Swift.abs(big - (1000 + Float(_log(2.0)))) < 1e-3, "log-sum-exp must not overflow")
        let softmax = a.softmax(axis: 1).sum(axis: 1).scalars
        #expect(softmax.allSatisfy { Swift.abs($0 - 1) < 1e-6 })
    }

    @Test func slicingGatheringConcatenation() {
        let a = Tensor((0..<12).map(Float.init), shape: [4, 3])
        #expect(a.rows(1..<3).scalars == [3, 4, 5, 6, 7, 8])
        #expect(a.gatherRows([3, 0]).scalars == [9, 10, 11, 0, 1, 2])
        #expect(a.narrow(axis: 1, start: 1, length: 2).scalars == [1, 2, 4, 5, 7, 8, 10, 11])
        #expect(a.transposed().scalars == [0, 3, 6, 9, 1, 4, 7, 10, 2, 5, 8, 11])
        let c = Tensor.concatenate([a.rows(0..<1), a.rows(3..<4)], axis: 0)
        #expect(c.scalars == [0, 1, 2, 9, 10, 11])
        let d = Tensor.concatenate([Tensor([1, 2], shape: [2, 1]), Tensor([3, 4, 5, 6], shape: [2, 2])], axis: 1)
        #expect(d.scalars == [1, 3, 4, 2, 5, 6])
    }

    @Test func comparisonsAndWhere() {
        let a = Tensor([-1, 0, 2])
        #expect(a.greater(0).scalars == [0, 0, 1])
        #expect(a.lessEqual(Tensor([0, 0, 0])).scalars == [1, 1, 0])
        // Each branch receives the gradient only where it is picked.
        let x = Tensor([-1, 1, 2]).requiringGradient(), z = Tensor([5, 6, 7]).requiringGradient()
        let y = Tensor.where(x.greater(0), x * x, z * 3)
        y.sum().backward()
        #expect(x.gradient!.scalars == [0, 2, 4])
        #expect(z.gradient!.scalars == [3, 0, 0])
    }

    @Test func matmulAgainstNaive() {
        let a = randomTensor([7, 13], seed: 1), b = randomTensor([13, 5], seed: 2)
        let c = a.matmul(b)
        for i in 0..<7 {
            for j in 0..<5 {
                var s: Float = 0
                for k in 0..<13 { s += a[i, k] * b[k, j] }
                #expect(Swift.abs(c[i, j] - s) < 1e-5)
            }
        }
    }

    /// Direct (seven nested loops) convolution: the definition im2col must reproduce.
    func naiveConv(_ x: Tensor, _ w: Tensor, stride: Int, padding: Int) -> Tensor {
        let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (o, k) = (w.shape[0], w.shape[2])
        let ho = (h + 2 * padding - k) / stride + 1, wo = (wd + 2 * padding - k) / stride + 1
        var out = [Float](repeating: 0, count: n * o * ho * wo)
        for b in 0..<n { for oc in 0..<o { for i in 0..<ho { for j in 0..<wo {
            var s: Float = 0
            for ic in 0..<c { for ki in 0..<k { for kj in 0..<k {
                let (ii, jj) = (i * stride - padding + ki, j * stride - padding + kj)
                if ii >= 0 && ii < h && jj >= 0 && jj < wd { s += x[b, ic, ii, jj] * w[oc, ic, ki, kj] }
            } } }
            out[((b * o + oc) * ho + i) * wo + j] = s
        } } } }
        return Tensor(out, shape: [n, o, ho, wo])
    }

    @Test(arguments: [(1, 0), (2, 1), (3, 2)])
    func convolutionAgainstDefinition(stride: Int, padding: Int) {
        let x = randomTensor([2, 3, 9, 8], seed: 3), w = randomTensor([4, 3, 3, 3], seed: 4)
        expectClose(x.conv2d(weight: w, stride: stride, padding: padding), naiveConv(x, w, stride: stride, padding: padding), tolerance: 1e-5)
    }

    @Test func transposedConvolutionIsTheAdjoint() {
        // <conv(x), y> = <x, convT(y)> with the same weight: the defining identity.
        let x = randomTensor([2, 3, 8, 8], seed: 5), w = randomTensor([4, 3, 4, 4], seed: 6)
        let y = randomTensor([2, 4, 4, 4], seed: 7)
        let conv = x.conv2d(weight: w, stride: 2, padding: 1)
        #expect(conv.shape == [2, 4, 4, 4])
        let back = y.convTranspose2d(weight: w, stride: 2, padding: 1)
        #expect(back.shape == [2, 3, 8, 8])
        let lhs = (conv * y).sum().item, rhs = (x * back).sum().item
        #expect(Swift.abs(lhs - rhs) < 1e-3 * Swift.max(1, Swift.abs(lhs)))
        // DCGAN shapes: 7 → 14 → 28.
        let g = Tensor.zeros([1, 128, 7, 7]).convTranspose2d(weight: Tensor.zeros([128, 64, 4, 4]), stride: 2, padding: 1)
        #expect(g.shape == [1, 64, 14, 14])
    }
}

private func _exp(_ x: Double) -> Double { exp(x) }
private func _log(_ x: Double) -> Double { log(x) }

/// Matrix products on OpenBLAS.
extension Tensor {
    /// op(a) · op(b) as a new [m, n] tensor, no gradient.
    package static func gemm(_ a: Tensor, transA: Bool, _ b: Tensor, transB: Bool) -> Tensor {
        precondition(a.rank == 2 && b.rank == 2, "matmul needs 2-D tensors, got \(a.shape) and \(b.shape)")
        let m = transA ? a.shape[1] : a.shape[0]
        let k = transA ? a.shape[0] : a.shape[1]
        let kb = transB ? b.shape[1] : b.shape[0]
        let n = transB ? b.shape[0] : b.shape[1]
        precondition(k == kb, "matmul: inner dimensions differ (\(a.shape)\(transA ? "ᵀ" : "") · \(b.shape)\(transB ? "ᵀ" : ""))")
        let out = Tensor(uninitializedShape: [m, n])
        BLAS.sgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 1,
                   a: a.storage.pointer, lda: a.shape[1], b: b.storage.pointer, ldb: b.shape[1],
                   beta: 0, c: out.storage.pointer, ldc: n)
        return out
    }

    /// Matrix product of 2-D tensors: [m, k] · [k, n] → [m, n].
    ///
    /// ```swift
    /// let y = Tensor.ones([4, 3]).matmul(Tensor.ones([3, 2]))   // every entry 3
    /// ```
    public func matmul(_ other: Tensor) -> Tensor {
        let out = Tensor.gemm(self, transA: false, other, transB: false)
        let a = detached(), b = other.detached()
        let (needA, needB) = (requiresGradient, other.requiresGradient)
        return Tensor.record("matmul", out, [self, other]) { g in
            [needA ? Tensor.gemm(g, transA: false, b, transB: true) : nil,
             needB ? Tensor.gemm(a, transA: true, g, transB: false) : nil]
        }
    }

    /// A fully connected layer in one op: x · wᵀ + bias, with `weight` shaped
    /// [out, in] as in PyTorch. One GEMM forward, two backward, and the bias
    /// gradient as a column sum.
    ///
    /// ```swift
    /// let y = x.linear(weight: w, bias: b)   // x [N, in], w [out, in], b [out]
    /// ```
    public func linear(weight: Tensor, bias: Tensor?) -> Tensor {
        precondition(rank == 2 && weight.rank == 2 && shape[1] == weight.shape[1],
                     "linear: input \(shape) does not fit weight \(weight.shape)")
        let (n, outFeatures, inFeatures) = (shape[0], weight.shape[0], weight.shape[1])
        let out = Tensor(uninitializedShape: [n, outFeatures])
        var beta: Float = 0
        if let bias {
            precondition(bias.shape == [outFeatures], "linear: bias \(bias.shape) for \(outFeatures) outputs")
            for r in 0..<n { (out.storage.pointer + r * outFeatures).update(from: bias.storage.pointer, count: outFeatures) }
            beta = 1
        }
        BLAS.sgemm(transA: false, transB: true, m: n, n: outFeatures, k: inFeatures, alpha: 1,
                   a: storage.pointer, lda: inFeatures, b: weight.storage.pointer, ldb: inFeatures,
                   beta: beta, c: out.storage.pointer, ldc: outFeatures)
        let x = detached(), w = weight.detached()
        let needX = requiresGradient, needW = weight.requiresGradient
        let inputs = bias.map { [self, weight, $0] } ?? [self, weight]
        return Tensor.record("linear", out, inputs) { g in
            var grads: [Tensor?] = [
                needX ? Tensor.gemm(g, transA: false, w, transB: false) : nil,
                needW ? Tensor.gemm(g, transA: true, x, transB: false) : nil,
            ]
            if bias != nil { grads.append(g.rawSum(axis: 0).reshaped([outFeatures])) }
            return grads
        }
    }
}

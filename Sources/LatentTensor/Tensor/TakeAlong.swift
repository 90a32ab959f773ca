extension Tensor {
    /// For a [A, K, B] tensor and integer-valued indices [A, B]:
    /// out[a, b] = self[a, indices[a, b], b] (PyTorch's `gather` on dim 1).
    /// The gradient scatters back into the chosen entries.
    public func takeAlongAxis1(_ indices: Tensor) -> Tensor {
        precondition(rank == 3 && indices.shape == [shape[0], shape[2]],
                     "takeAlongAxis1: tensor \(shape) and indices \(indices.shape) (want [A, K, B] and [A, B])")
        let (a, k, b) = (shape[0], shape[1], shape[2])
        let out = Tensor(uninitializedShape: [a, b])
        let idx = indices.scalars.map { Int($0) }
        precondition(idx.allSatisfy { $0 >= 0 && $0 < k }, "takeAlongAxis1: an index is outside 0..<\(k)")
        let src = storage.pointer, dst = out.storage.pointer
        for i in 0..<a { for j in 0..<b { dst[i * b + j] = src[(i * k + idx[i * b + j]) * b + j] } }
        let inShape = shape
        return Tensor.record("takeAlongAxis1", out, [self]) { g in
            var dx = Tensor.zeros(inShape)
            dx.withMutableData { d in
                let gp = g.storage.pointer
                for i in 0..<a { for j in 0..<b { d[(i * k + idx[i * b + j]) * b + j] += gp[i * b + j] } }
            }
            return [dx]
        }
    }
}

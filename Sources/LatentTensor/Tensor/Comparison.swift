/// Comparisons (1 where true, 0 where false; no gradient) and `where`.
extension Tensor {
    public func greater(_ other: Tensor) -> Tensor { detached().broadcastMap(GreaterKernel.self, other.detached()) }
    public func less(_ other: Tensor) -> Tensor { detached().broadcastMap(LessKernel.self, other.detached()) }
    public func greaterEqual(_ other: Tensor) -> Tensor { detached().broadcastMap(GreaterEqualKernel.self, other.detached()) }
    public func lessEqual(_ other: Tensor) -> Tensor { detached().broadcastMap(LessEqualKernel.self, other.detached()) }
    public func equal(_ other: Tensor) -> Tensor { detached().broadcastMap(EqualKernel.self, other.detached()) }
    public func greater(_ s: Float) -> Tensor { greater(Tensor(scalar: s)) }
    public func less(_ s: Float) -> Tensor { less(Tensor(scalar: s)) }

    /// Picks `a` where `condition` is non-zero and `b` elsewhere (all broadcast
    /// to one shape). Gradients flow only to the picked side. As in PyTorch,
    /// a branch that is infinite where it is not picked still poisons its own
    /// gradient with NaN: make the input safe instead (`log(where(x > 0, x, 1))`).
    ///
    /// ```swift
    /// let y = Tensor.where(x.greater(0), x, x * 0.2)   // leaky ReLU
    /// ```
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
        guard let s1 = BroadcastPlan.outputShape(condition.shape, a.shape),
              let shape = BroadcastPlan.outputShape(s1, b.shape) else {
            preconditionFailure("where: shapes \(condition.shape), \(a.shape), \(b.shape) do not broadcast")
        }
        let c = condition.detached().broadcasted(to: shape)
        let av = a.detached().broadcasted(to: shape), bv = b.detached().broadcasted(to: shape)
        let out = Tensor(uninitializedShape: shape)
        for i in 0..<out.count {
            out.storage.pointer[i] = c.storage.pointer[i] != 0 ? av.storage.pointer[i] : bv.storage.pointer[i]
        }
        return record("where", out, [a, b]) { g in
            let ga = g.zipMap(MulKernel.self, c.mapValues { v in Vec().replacing(with: 1, where: v .!= 0) })
            let gb = g.subtracting(ga)
            return [ga.sumToShape(a.shape), gb.sumToShape(b.shape)]
        }
    }
}

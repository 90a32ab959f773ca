/// Reductions along axes: sum, mean, max, argmax, log-sum-exp.
extension Tensor {
    /// Normalises possibly negative axes and checks them.
    func normalizedAxis(_ axis: Int) -> Int {
        let a = axis < 0 ? axis + rank : axis
        precondition(a >= 0 && a < rank, "axis \(axis) out of range for shape \(shape)")
        return a
    }

    /// (outer, axis length, inner) for a single-axis reduction.
    func split(at axis: Int) -> (outer: Int, length: Int, inner: Int) {
        (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
    }

    /// Sum over one axis, keeping it with length 1; no gradient.
    func rawSum(axis: Int) -> Tensor {
        let (outer, length, inner) = split(at: axis)
        var outShape = shape
        outShape[axis] = 1
        let out = Tensor(uninitializedShape: outShape)
        let x = storage.pointer, o = out.storage.pointer
        if inner == 1 {
            for i in 0..<outer { o[i] = sumBuffer(x + i * length, length) }
        } else {
            for i in 0..<outer {
                let dst = o + i * inner
                let src = x + i * length * inner
                dst.update(from: src, count: inner)
                for r in 1..<Swift.max(1, length) { addInPlace(dst, src + r * inner, inner) }
                if length == 0 { dst.update(repeating: 0, count: inner) }
            }
        }
        return out
    }

    /// Sum over `axes` (all axes when nil).
    ///
    /// ```swift
    /// Tensor([1, 2, 3, 4], shape: [2, 2]).sum(axes: [0])   // [4, 6]
    /// ```
    public func sum(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let list = Set((axes ?? Array(0..<rank)).map(normalizedAxis)).sorted(by: >)
        var out = detached()
        if axes == nil && !keepDims {
            out = Tensor(scalar: sumBuffer(storage.pointer, count))
        } else {
            // Adjacent axes of the same kind are merged first ([N, C, H, W] over {0, 2, 3} becomes
            // [N, C, H·W] over {0, 2}), so each pass reduces long runs instead of many short rows.
            var merged: [Int] = [], reduced: [Bool] = []
            for (i, d) in shape.enumerated() {
                let r = list.contains(i)
                if let last = reduced.last, last == r { merged[merged.count - 1] *= d } else { merged.append(d); reduced.append(r) }
            }
            out = out.reshaped(merged)
            for a in reduced.indices.reversed() where reduced[a] { out = out.rawSum(axis: a) }
            out = out.reshaped(keepDims ? shape.enumerated().map { list.contains($0.offset) ? 1 : $0.element }
                                        : shape.enumerated().filter { !list.contains($0.offset) }.map(\.element))
        }
        let inShape = shape
        let keptShape = shape.enumerated().map { list.contains($0.offset) ? 1 : $0.element }
        return Tensor.record("sum", out, [self]) { g in
            [Tensor.zeros(inShape).broadcastMap(AddKernel.self, g.reshaped(keptShape))]
        }
    }

    /// Sum along one axis.
    public func sum(axis: Int, keepDims: Bool = false) -> Tensor { sum(axes: [axis], keepDims: keepDims) }

    /// Mean over `axes` (all axes when nil).
    public func mean(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let n = (axes ?? Array(0..<rank)).map { shape[normalizedAxis($0)] }.reduce(1, *)
        return sum(axes: axes, keepDims: keepDims).scaled(by: 1 / Float(Swift.max(n, 1)))
    }

    /// Mean along one axis.
    public func mean(axis: Int, keepDims: Bool = false) -> Tensor { mean(axes: [axis], keepDims: keepDims) }

    /// Index of the largest element along `axis` (first on ties), as floats; no gradient.
    public func argmax(axis: Int) -> Tensor {
        let a = normalizedAxis(axis)
        return maxAndIndex(axis: a).index.reshaped(shape.enumerated().filter { $0.offset != a }.map(\.element))
    }

    /// Largest element along `axis`; the gradient goes to the first maximum.
    public func max(axis: Int, keepDims: Bool = false) -> Tensor {
        let a = normalizedAxis(axis)
        let (values, index) = maxAndIndex(axis: a)
        let (_, length, inner) = split(at: a)
        let inShape = shape
        let out = keepDims ? values : values.reshaped(shape.enumerated().filter { $0.offset != a }.map(\.element))
        return Tensor.record("max", out, [self]) { g in
            var dx = Tensor.zeros(inShape)
            dx.withMutableData { d in
                let gp = g.storage.pointer, ip = index.storage.pointer
                for j in 0..<index.count {
                    let (o, i) = (j / inner, j % inner)
                    d[(o * length + Int(ip[j])) * inner + i] += gp[j]
                }
            }
            return [dx]
        }
    }

    /// Largest element of the whole tensor; no gradient.
    public func maxValue() -> Float {
        var m = -Float.infinity
        withData { p in for i in 0..<count where p[i] > m || p[i].isNaN { m = p[i]; if m.isNaN { break } } }
        return m
    }

    /// Smallest element of the whole tensor; no gradient.
    public func minValue() -> Float {
        var m = Float.infinity
        withData { p in for i in 0..<count where p[i] < m || p[i].isNaN { m = p[i]; if m.isNaN { break } } }
        return m
    }

    func maxAndIndex(axis: Int) -> (values: Tensor, index: Tensor) {
        let (outer, length, inner) = split(at: axis)
        precondition(length > 0, "max over an empty axis of shape \(shape)")
        var outShape = shape
        outShape[axis] = 1
        let values = Tensor(uninitializedShape: outShape), index = Tensor(uninitializedShape: outShape)
        let x = storage.pointer, v = values.storage.pointer, ix = index.storage.pointer
        for o in 0..<outer {
            for i in 0..<inner {
                var best = x[o * length * inner + i], bestIndex = 0
                for r in 1..<length {
                    let value = x[(o * length + r) * inner + i]
                    if value > best { best = value; bestIndex = r }
                }
                v[o * inner + i] = best
                ix[o * inner + i] = Float(bestIndex)
            }
        }
        return (values, index)
    }

    /// log Σ exp(x) along `axis`, stable (the maximum is subtracted first).
    /// The gradient is the softmax along that axis.
    public func logSumExp(axis: Int, keepDims: Bool = false) -> Tensor {
        let a = normalizedAxis(axis)
        let (outer, length, inner) = split(at: a)
        var outShape = shape
        outShape[a] = 1
        let out = Tensor(uninitializedShape: outShape)
        let x = storage.pointer, o = out.storage.pointer
        if inner == 1 {
            let row = TensorStorage(uninitializedCount: length)
            for i in 0..<outer {
                let src = x + i * length
                var m = -Float.infinity
                for r in 0..<length where src[r] > m { m = src[r] }
                if !m.isFinite { o[i] = m; continue }
                mapBinaryScalarRight(SubKernel.self, src, m, row.pointer, length)
                mapUnary(ExpKernel.self, row.pointer, row.pointer, length)
                o[i] = m + ScalarMath.log(sumBuffer(row.pointer, length))
            }
        } else {
            for oi in 0..<outer {
                for i in 0..<inner {
                    var m = -Float.infinity
                    for r in 0..<length { m = Swift.max(m, x[(oi * length + r) * inner + i]) }
                    var s: Float = 0
                    if m.isFinite { for r in 0..<length { s += ScalarMath.exp(x[(oi * length + r) * inner + i] - m) } }
                    o[oi * inner + i] = m.isFinite ? m + ScalarMath.log(s) : m
                }
            }
        }
        let result = keepDims ? out : out.reshaped(shape.enumerated().filter { $0.offset != a }.map(\.element))
        let xd = detached()
        return Tensor.record("logSumExp", result, [self]) { g in
            let softmax = xd.broadcastMap(SubKernel.self, out).mapValues(SIMDMath.exp)
            return [softmax.broadcastMap(MulKernel.self, g.reshaped(outShape))]
        }
    }

    /// Softmax along `axis`.
    public func softmax(axis: Int = -1) -> Tensor { logSoftmax(axis: axis).exp() }

    /// log softmax along `axis`: x - logSumExp(x).
    public func logSoftmax(axis: Int = -1) -> Tensor { self - logSumExp(axis: axis, keepDims: true) }
}

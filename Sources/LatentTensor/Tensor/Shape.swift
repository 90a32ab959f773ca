/// Shape manipulation: reshape, transpose, slicing, gathering, concatenation.
extension Tensor {
    /// The same elements viewed with another shape; one dimension may be -1.
    ///
    /// ```swift
    /// Tensor.zeros([2, 3, 4]).reshaped([2, -1]).shape   // [2, 12]
    /// ```
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var resolved = newShape
        if let hole = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != hole }.map(\.element).reduce(1, *)
            precondition(known > 0 && count % known == 0, "cannot reshape \(shape) to \(newShape)")
            resolved[hole] = count / known
        }
        precondition(Tensor.elementCount(resolved) == count, "cannot reshape \(shape) (\(count) elements) to \(newShape)")
        if resolved == shape { return self }
        let out = Tensor(shape: resolved, storage: storage)
        let original = shape
        return Tensor.record("reshape", out, [self]) { g in [g.reshaped(original)] }
    }

    /// Flattens all but the first dimension: [N, ...] → [N, rest].
    public func flattenedBatch() -> Tensor { reshaped([shape.first ?? 1, -1]) }

    /// The transpose of a 2-D tensor (a copy, so the result stays contiguous).
    public func transposed() -> Tensor {
        precondition(rank == 2, "transposed() needs a 2-D tensor, got \(shape)")
        let (r, c) = (shape[0], shape[1])
        let out = Tensor(uninitializedShape: [c, r])
        transposeCopy(storage.pointer, out.storage.pointer, rows: r, cols: c)
        return Tensor.record("transpose", out, [self]) { g in [g.transposed()] }
    }

    /// Rows `range` of the first axis (mini-batch slicing).
    public func rows(_ range: Range<Int>) -> Tensor { narrow(axis: 0, start: range.lowerBound, length: range.count) }

    /// `length` entries of `axis` starting at `start` (a copy).
    public func narrow(axis: Int, start: Int, length: Int) -> Tensor {
        let a = normalizedAxis(axis)
        precondition(start >= 0 && length >= 0 && start + length <= shape[a],
                     "narrow(\(start), \(length)) outside axis \(a) of shape \(shape)")
        let (outer, full, inner) = split(at: a)
        var outShape = shape
        outShape[a] = length
        let out = Tensor(uninitializedShape: outShape)
        let src = storage.pointer, dst = out.storage.pointer
        for o in 0..<outer {
            (dst + o * length * inner).update(from: src + (o * full + start) * inner, count: length * inner)
        }
        let inShape = shape
        return Tensor.record("narrow", out, [self]) { g in
            var dx = Tensor.zeros(inShape)
            dx.withMutableData { d in
                for o in 0..<outer {
                    (d + (o * full + start) * inner).update(from: g.storage.pointer + o * length * inner, count: length * inner)
                }
            }
            return [dx]
        }
    }

    /// The rows `indices` of the first axis, in that order (mini-batch gathering).
    /// The gradient adds back into the chosen rows (repeated indices accumulate).
    public func gatherRows(_ indices: [Int]) -> Tensor {
        precondition(rank >= 1, "gatherRows needs rank ≥ 1")
        let rowSize = count / Swift.max(shape[0], 1)
        var outShape = shape
        outShape[0] = indices.count
        let out = Tensor(uninitializedShape: outShape)
        let src = storage.pointer, dst = out.storage.pointer
        for (i, r) in indices.enumerated() {
            precondition(r >= 0 && r < shape[0], "row \(r) outside 0..<\(shape[0])")
            (dst + i * rowSize).update(from: src + r * rowSize, count: rowSize)
        }
        let inShape = shape
        return Tensor.record("gatherRows", out, [self]) { g in
            var dx = Tensor.zeros(inShape)
            dx.withMutableData { d in
                for (i, r) in indices.enumerated() { addInPlace(d + r * rowSize, g.storage.pointer + i * rowSize, rowSize) }
            }
            return [dx]
        }
    }

    /// Joins tensors along `axis`; all other dimensions must agree.
    public static func concatenate(_ tensors: [Tensor], axis: Int = 0) -> Tensor {
        precondition(!tensors.isEmpty, "concatenate needs at least one tensor")
        let first = tensors[0]
        let a = first.normalizedAxis(axis)
        for t in tensors {
            precondition(t.rank == first.rank && t.shape.enumerated().allSatisfy { $0.offset == a || $0.element == first.shape[$0.offset] },
                         "concatenate: shape \(t.shape) does not match \(first.shape) off axis \(a)")
        }
        let lengths = tensors.map { $0.shape[a] }
        let total = lengths.reduce(0, +)
        var outShape = first.shape
        outShape[a] = total
        let out = Tensor(uninitializedShape: outShape)
        let (outer, _, inner) = out.split(at: a)
        var offset = 0
        for (t, len) in zip(tensors, lengths) {
            for o in 0..<outer {
                (out.storage.pointer + (o * total + offset) * inner).update(from: t.storage.pointer + o * len * inner, count: len * inner)
            }
            offset += len
        }
        return record("concatenate", out, tensors) { g in
            var start = 0
            return lengths.map { len in
                defer { start += len }
                return g.narrow(axis: a, start: start, length: len)
            }
        }
    }
}

/// Cache-blocked out-of-place transpose of a rows × cols matrix.
func transposeCopy(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, rows: Int, cols: Int) {
    let block = 32
    var i0 = 0
    while i0 < rows {
        let i1 = min(i0 + block, rows)
        var j0 = 0
        while j0 < cols {
            let j1 = min(j0 + block, cols)
            for i in i0..<i1 { for j in j0..<j1 { dst[j * rows + i] = src[i * cols + j] } }
            j0 = j1
        }
        i0 = i1
    }
}

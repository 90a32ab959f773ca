/// How two shapes combine under NumPy broadcasting, with adjacent dimensions
/// merged wherever both operands step through them the same way, so that the
/// innermost loop is as long as possible (a bias add becomes rows × one
/// contiguous vector, a per-channel scale becomes blocks of H·W).
struct BroadcastPlan {
    let outputShape: [Int]
    /// Merged dimensions, outermost first; never empty.
    let dims: [Int]
    /// Element strides of each operand along `dims` (0 where it is broadcast).
    let stridesA: [Int]
    let stridesB: [Int]

    static func outputShape(_ a: [Int], _ b: [Int]) -> [Int]? {
        let rank = max(a.count, b.count)
        let pa = Array(repeating: 1, count: rank - a.count) + a
        let pb = Array(repeating: 1, count: rank - b.count) + b
        var out = [Int]()
        out.reserveCapacity(rank)
        for (x, y) in zip(pa, pb) {
            if x == y || y == 1 { out.append(x) } else if x == 1 { out.append(y) } else { return nil }
        }
        return out
    }

    init(_ a: [Int], _ b: [Int]) {
        guard let out = BroadcastPlan.outputShape(a, b) else {
            preconditionFailure("shapes \(a) and \(b) do not broadcast")
        }
        outputShape = out
        let rank = out.count
        let pa = Array(repeating: 1, count: rank - a.count) + a
        let pb = Array(repeating: 1, count: rank - b.count) + b
        func strides(_ s: [Int]) -> [Int] {
            var r = [Int](repeating: 0, count: rank)
            var acc = 1
            for i in stride(from: rank - 1, through: 0, by: -1) {
                r[i] = (s[i] == 1 && out[i] != 1) ? 0 : acc
                acc *= s[i]
            }
            return r
        }
        let sa = strides(pa), sb = strides(pb)
        var dims = [Int](), da = [Int](), db = [Int]()
        for i in 0..<rank where out[i] != 1 {
            if let last = dims.last, da.last! == sa[i] * out[i], db.last! == sb[i] * out[i] {
                dims[dims.count - 1] = last * out[i]
                da[da.count - 1] = sa[i]
                db[db.count - 1] = sb[i]
            } else {
                dims.append(out[i]); da.append(sa[i]); db.append(sb[i])
            }
        }
        if dims.isEmpty { dims = [1]; da = [1]; db = [1] }
        self.dims = dims
        stridesA = da
        stridesB = db
    }

    /// Runs `K` over the broadcast operands into `out` (contiguous, `outputShape`).
    func run<K: BinaryKernel>(_ k: K.Type, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>) {
        let inner = dims[dims.count - 1]
        let ia = stridesA[dims.count - 1], ib = stridesB[dims.count - 1]
        let outerDims = Array(dims.dropLast())
        var index = [Int](repeating: 0, count: outerDims.count)
        var offA = 0, offB = 0, offOut = 0
        while true {
            switch (ia, ib) {
            case (0, 0):
                let v = K.apply(Vec(repeating: a[offA]), Vec(repeating: b[offB]))[0]
                (out + offOut).update(repeating: v, count: inner)
            case (0, _): mapBinaryScalarLeft(k, a[offA], b + offB, out + offOut, inner)
            case (_, 0): mapBinaryScalarRight(k, a + offA, b[offB], out + offOut, inner)
            default: mapBinary(k, a + offA, b + offB, out + offOut, inner)
            }
            offOut += inner
            // Odometer increment over the outer dimensions.
            var d = outerDims.count - 1
            while d >= 0 {
                index[d] += 1
                offA += stridesA[d]; offB += stridesB[d]
                if index[d] < outerDims[d] { break }
                offA -= stridesA[d] * outerDims[d]; offB -= stridesB[d] * outerDims[d]
                index[d] = 0
                d -= 1
            }
            if d < 0 { return }
        }
    }
}

extension Tensor {
    /// Applies a binary kernel with broadcasting; no gradient recorded.
    func broadcastMap<K: BinaryKernel>(_ k: K.Type, _ other: Tensor) -> Tensor {
        if shape == other.shape {
            let out = Tensor(uninitializedShape: shape)
            mapBinary(k, storage.pointer, other.storage.pointer, out.storage.pointer, count)
            return out
        }
        if other.count == 1 && other.rank <= rank {
            let out = Tensor(uninitializedShape: shape)
            mapBinaryScalarRight(k, storage.pointer, other.storage.pointer[0], out.storage.pointer, count)
            return out
        }
        let plan = BroadcastPlan(shape, other.shape)
        let out = Tensor(uninitializedShape: plan.outputShape)
        plan.run(k, storage.pointer, other.storage.pointer, out.storage.pointer)
        return out
    }

    /// Sums a broadcast gradient back down to `target` (the operand's shape).
    public func sumToShape(_ target: [Int]) -> Tensor {
        if shape == target { return self }
        let lead = rank - target.count
        precondition(lead >= 0, "cannot reduce shape \(shape) to \(target)")
        var axes = Array(0..<lead)
        for (i, d) in target.enumerated() where d == 1 && shape[lead + i] != 1 { axes.append(lead + i) }
        let reduced = axes.isEmpty ? self : sum(axes: axes, keepDims: true)
        return reduced.reshaped(target)
    }

    /// This tensor repeated along broadcast dimensions to `shape` (a copy).
    public func broadcasted(to target: [Int]) -> Tensor {
        if shape == target { return self }
        precondition(BroadcastPlan.outputShape(shape, target) == target, "cannot broadcast \(shape) to \(target)")
        let zero = Tensor.zeros(target)
        let result = zero.broadcastMap(AddKernel.self, self.detached())
        return Tensor.record("broadcast", result, [self]) { g in [g.sumToShape(self.shape)] }
    }
}

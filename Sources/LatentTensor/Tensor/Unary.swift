/// Element-wise functions, differentiable.
extension Tensor {
    /// Applies `K` element-wise and records `derivative(g, x, y)` as the pullback.
    func unary<K: UnaryKernel>(_ name: String, _ k: K.Type,
                               _ derivative: @escaping (_ g: Tensor, _ x: Tensor, _ y: Tensor) -> Tensor) -> Tensor {
        let out = Tensor(uninitializedShape: shape)
        mapUnary(k, storage.pointer, out.storage.pointer, count)
        let x = detached()
        return Tensor.record(name, out, [self]) { g in [derivative(g, x, out)] }
    }

    /// Element-wise map of two same-shape tensors, no gradient (for pullbacks).
    /// Inlinable: NN's losses call it with their own kernels, and only an
    /// inlined copy is specialised to the kernel across the module boundary.
    @inlinable
    package func zipMap<K: BinaryKernel>(_ k: K.Type, _ other: Tensor) -> Tensor {
        precondition(shape == other.shape, "shapes \(shape) and \(other.shape) differ")
        let out = Tensor(uninitializedShape: shape)
        mapBinary(k, storage.pointer, other.storage.pointer, out.storage.pointer, count)
        return out
    }

    /// e^x.
    public func exp() -> Tensor { unary("exp", ExpKernel.self) { g, _, y in g.zipMap(MulKernel.self, y) } }

    /// Natural logarithm.
    public func log() -> Tensor { unary("log", LogKernel.self) { g, x, _ in g.zipMap(DivKernel.self, x) } }

    /// Square root.
    public func sqrt() -> Tensor {
        unary("sqrt", SqrtKernel.self) { g, _, y in g.zipMap(DivKernel.self, y).scaled(by: 0.5) }
    }

    /// |x|; the gradient at 0 is 0.
    public func abs() -> Tensor {
        unary("abs", AbsKernel.self) { g, x, _ in
            let sign = x.mapValues { v in Vec().replacing(with: 1, where: v .> 0).replacing(with: -1, where: v .< 0) }
            return g.zipMap(MulKernel.self, sign)
        }
    }

    /// x^p for a constant exponent. Negative bases are allowed for integer p.
    public func pow(_ p: Float) -> Tensor {
        if p == 2 { return self * self }
        if p == 1 { return self }
        let out: Tensor
        if p.rounded() == p {
            // Integer exponent: repeated multiplication keeps negative bases right.
            let n = Int(Swift.abs(p))
            out = mapValues { v in
                var r = Vec(repeating: 1), b = v, e = n
                while e > 0 { if e & 1 == 1 { r *= b }; b *= b; e >>= 1 }
                return p < 0 ? 1 / r : r
            }
        } else {
            out = mapValues { v in PowKernel.apply(v, Vec(repeating: p)) }
        }
        let x = detached()
        return Tensor.record("pow", out, [self]) { g in
            [g.zipMap(MulKernel.self, x.pow(p - 1)).scaled(by: p)]
        }
    }

    /// self^exponent element-wise (broadcasting), for positive bases.
    public func pow(_ exponent: Tensor) -> Tensor {
        let out = broadcastMap(PowKernel.self, exponent)
        let a = detached(), b = exponent.detached()
        let needB = exponent.requiresGradient
        return Tensor.record("powTensor", out, [self, exponent]) { g in
            // d/da = b a^(b-1) = b y / a;  d/db = y log a.
            let gy = g.broadcastMap(MulKernel.self, out)
            let ga = gy.broadcastMap(MulKernel.self, b).broadcastMap(DivKernel.self, a).sumToShape(a.shape)
            let gb = needB ? gy.broadcastMap(MulKernel.self, a.log()).sumToShape(b.shape) : nil
            return [ga, gb]
        }
    }

    /// 1 / (1 + e^-x).
    public func sigmoid() -> Tensor {
        unary("sigmoid", SigmoidKernel.self) { g, _, y in
            g.zipMap(MulKernel.self, y.mapValues { s in s * (1 - s) })
        }
    }

    /// Hyperbolic tangent.
    public func tanh() -> Tensor {
        unary("tanh", TanhKernel.self) { g, _, y in
            g.zipMap(MulKernel.self, y.mapValues { t in 1 - t * t })
        }
    }

    /// max(x, 0); gradient 0 at x ≤ 0.
    public func relu() -> Tensor {
        unary("relu", ReluKernel.self) { g, _, y in
            g.zipMap(ReluGradKernel.self, y)
        }
    }

    /// x for x > 0, slope·x otherwise.
    public func leakyRelu(_ slope: Float = 0.01) -> Tensor {
        let out = mapValues { v in v.replacing(with: v * slope, where: v .< 0) }
        let x = detached()
        return Tensor.record("leakyRelu", out, [self]) { g in
            let d = x.mapValues { v in Vec(repeating: 1).replacing(with: Vec(repeating: slope), where: v .< 0) }
            return [g.zipMap(MulKernel.self, d)]
        }
    }

    /// log(1 + e^x), computed without overflow.
    public func softplus() -> Tensor {
        unary("softplus", SoftplusKernel.self) { g, x, _ in g.zipMap(MulKernel.self, x.mapValues(SIMDMath.sigmoid)) }
    }

    /// log σ(x) = -softplus(-x), stable for large |x|.
    public func logSigmoid() -> Tensor {
        unary("logSigmoid", LogSigmoidKernel.self) { g, x, _ in
            g.zipMap(MulKernel.self, x.mapValues { v in SIMDMath.sigmoid(-v) })
        }
    }

    /// Clamps into [low, high]; the gradient passes only where x is inside.
    public func clamped(min low: Float = -.infinity, max high: Float = .infinity) -> Tensor {
        let out = mapValues { v in v.replacing(with: low, where: v .< low).replacing(with: high, where: v .> high) }
        let x = detached()
        return Tensor.record("clamp", out, [self]) { g in
            let inside = x.mapValues { v in Vec(repeating: 1).replacing(with: 0, where: (v .< low) .| (v .> high)) }
            return [g.zipMap(MulKernel.self, inside)]
        }
    }

    /// Applies a SIMD closure element-wise; no gradient.
    public func mapValues(_ f: (Vec) -> Vec) -> Tensor {
        let out = Tensor(uninitializedShape: shape)
        let x = storage.pointer, o = out.storage.pointer, n = count
        var i = 0
        while i + 16 <= n { storeVec(f(loadVec(x + i)), o + i); i += 16 }
        if i < n { storePartial(f(loadPartial(x + i, n - i)), o + i, n - i) }
        return out
    }
}

/// g where y > 0, else 0 (ReLU's pullback from its output).
public enum ReluGradKernel: BinaryKernel {
    @inlinable @inline(__always) public static func apply(_ g: Vec, _ y: Vec) -> Vec { g.replacing(with: 0, where: y .<= 0) }
}

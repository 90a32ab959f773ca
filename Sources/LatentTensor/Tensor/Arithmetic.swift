/// Broadcasting arithmetic between tensors and with scalars, differentiable.
extension Tensor {
    /// self + other (broadcasting).
    public func adding(_ other: Tensor) -> Tensor {
        let out = broadcastMap(AddKernel.self, other)
        let (sa, sb) = (shape, other.shape)
        return Tensor.record("add", out, [self, other]) { g in [g.sumToShape(sa), g.sumToShape(sb)] }
    }

    /// self - other (broadcasting).
    public func subtracting(_ other: Tensor) -> Tensor {
        let out = broadcastMap(SubKernel.self, other)
        let (sa, sb) = (shape, other.shape)
        let needB = other.requiresGradient
        return Tensor.record("sub", out, [self, other]) { g in
            [g.sumToShape(sa), needB ? g.negated().sumToShape(sb) : nil]
        }
    }

    /// self * other (broadcasting).
    public func multiplying(_ other: Tensor) -> Tensor {
        let out = broadcastMap(MulKernel.self, other)
        let a = detached(), b = other.detached()
        let (needA, needB) = (requiresGradient, other.requiresGradient)
        return Tensor.record("mul", out, [self, other]) { g in
            [needA ? g.broadcastMap(MulKernel.self, b).sumToShape(a.shape) : nil,
             needB ? g.broadcastMap(MulKernel.self, a).sumToShape(b.shape) : nil]
        }
    }

    /// self / other (broadcasting).
    public func dividing(by other: Tensor) -> Tensor {
        let out = broadcastMap(DivKernel.self, other)
        let b = other.detached(), y = out
        let (sa, needA, needB) = (shape, requiresGradient, other.requiresGradient)
        return Tensor.record("div", out, [self, other]) { g in
            let gOverB = g.broadcastMap(DivKernel.self, b)
            return [needA ? gOverB.sumToShape(sa) : nil,
                    needB ? gOverB.broadcastMap(MulKernel.self, y).negated().sumToShape(b.shape) : nil]
        }
    }

    /// Element-wise maximum (broadcasting); ties send the gradient to `self`.
    public func maximum(_ other: Tensor) -> Tensor {
        let out = broadcastMap(MaxKernel.self, other)
        let a = detached(), b = other.detached()
        return Tensor.record("maximum", out, [self, other]) { g in
            let pickA = a.broadcastMap(GreaterEqualKernel.self, b)
            let ga = g.broadcastMap(MulKernel.self, pickA)
            return [ga.sumToShape(a.shape), g.subtracting(ga).sumToShape(b.shape)]
        }
    }

    /// Element-wise minimum (broadcasting); ties send the gradient to `self`.
    public func minimum(_ other: Tensor) -> Tensor {
        let out = broadcastMap(MinKernel.self, other)
        let a = detached(), b = other.detached()
        return Tensor.record("minimum", out, [self, other]) { g in
            let pickA = a.broadcastMap(LessEqualKernel.self, b)
            let ga = g.broadcastMap(MulKernel.self, pickA)
            return [ga.sumToShape(a.shape), g.subtracting(ga).sumToShape(b.shape)]
        }
    }

    /// -self.
    public func negated() -> Tensor { unary("neg", NegKernel.self) { g, _, _ in g.negated() } }

    /// self * s.
    public func scaled(by s: Float) -> Tensor {
        let out = Tensor(uninitializedShape: shape)
        mapBinaryScalarRight(MulKernel.self, storage.pointer, s, out.storage.pointer, count)
        return Tensor.record("scale", out, [self]) { g in [g.scaled(by: s)] }
    }

    /// self + s.
    public func shifted(by s: Float) -> Tensor {
        let out = Tensor(uninitializedShape: shape)
        mapBinaryScalarRight(AddKernel.self, storage.pointer, s, out.storage.pointer, count)
        return Tensor.record("shift", out, [self]) { g in [g] }
    }

    public static func + (a: Tensor, b: Tensor) -> Tensor { a.adding(b) }
    public static func - (a: Tensor, b: Tensor) -> Tensor { a.subtracting(b) }
    public static func * (a: Tensor, b: Tensor) -> Tensor { a.multiplying(b) }
    public static func / (a: Tensor, b: Tensor) -> Tensor { a.dividing(by: b) }
    public static prefix func - (a: Tensor) -> Tensor { a.negated() }
    public static func + (a: Tensor, s: Float) -> Tensor { a.shifted(by: s) }
    public static func + (s: Float, a: Tensor) -> Tensor { a.shifted(by: s) }
    public static func - (a: Tensor, s: Float) -> Tensor { a.shifted(by: -s) }
    public static func - (s: Float, a: Tensor) -> Tensor { a.negated().shifted(by: s) }
    public static func * (a: Tensor, s: Float) -> Tensor { a.scaled(by: s) }
    public static func * (s: Float, a: Tensor) -> Tensor { a.scaled(by: s) }
    public static func / (a: Tensor, s: Float) -> Tensor { a.scaled(by: 1 / s) }
    public static func / (s: Float, a: Tensor) -> Tensor { Tensor(scalar: s).dividing(by: a) }
}

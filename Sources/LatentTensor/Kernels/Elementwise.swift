/// Element-wise loops over raw buffers, 16 lanes at a time.
///
/// The tail of every loop is handled by a padded partial vector, so each
/// element goes through the very same arithmetic whatever its position:
/// results never depend on where a buffer happens to end.
public protocol UnaryKernel {
    static func apply(_ x: Vec) -> Vec
}

public protocol BinaryKernel {
    static func apply(_ a: Vec, _ b: Vec) -> Vec
}

@inlinable @inline(__always)
package func loadPartial(_ p: UnsafePointer<Float>, _ n: Int) -> Vec {
    var v = Vec()
    for i in 0..<n { v[i] = p[i] }
    return v
}

@inlinable @inline(__always)
package func loadVec(_ p: UnsafePointer<Float>) -> Vec {
    UnsafeRawPointer(p).loadUnaligned(as: Vec.self)
}

@inlinable @inline(__always)
package func storeVec(_ v: Vec, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vec.self)
}

@inlinable @inline(__always)
package func storePartial(_ v: Vec, _ p: UnsafeMutablePointer<Float>, _ n: Int) {
    for i in 0..<n { p[i] = v[i] }
}

/// out[i] = K(x[i]); `out` may alias `x`.
@inlinable
public func mapUnary<K: UnaryKernel>(_: K.Type, _ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ n: Int) {
    var i = 0
    while i + 16 <= n {
        storeVec(K.apply(loadVec(x + i)), out + i)
        i += 16
    }
    if i < n { storePartial(K.apply(loadPartial(x + i, n - i)), out + i, n - i) }
}

/// out[i] = K(a[i], b[i]).
@inlinable
public func mapBinary<K: BinaryKernel>(_: K.Type, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                                       _ out: UnsafeMutablePointer<Float>, _ n: Int) {
    var i = 0
    while i + 16 <= n {
        storeVec(K.apply(loadVec(a + i), loadVec(b + i)), out + i)
        i += 16
    }
    if i < n { storePartial(K.apply(loadPartial(a + i, n - i), loadPartial(b + i, n - i)), out + i, n - i) }
}

/// out[i] = K(a[i], s): the right operand is one scalar.
@inlinable
public func mapBinaryScalarRight<K: BinaryKernel>(_: K.Type, _ a: UnsafePointer<Float>, _ s: Float,
                                                  _ out: UnsafeMutablePointer<Float>, _ n: Int) {
    let sv = Vec(repeating: s)
    var i = 0
    while i + 16 <= n {
        storeVec(K.apply(loadVec(a + i), sv), out + i)
        i += 16
    }
    if i < n { storePartial(K.apply(loadPartial(a + i, n - i), sv), out + i, n - i) }
}

/// out[i] = K(s, b[i]): the left operand is one scalar.
@inlinable
public func mapBinaryScalarLeft<K: BinaryKernel>(_: K.Type, _ s: Float, _ b: UnsafePointer<Float>,
                                                 _ out: UnsafeMutablePointer<Float>, _ n: Int) {
    let sv = Vec(repeating: s)
    var i = 0
    while i + 16 <= n {
        storeVec(K.apply(sv, loadVec(b + i)), out + i)
        i += 16
    }
    if i < n { storePartial(K.apply(sv, loadPartial(b + i, n - i)), out + i, n - i) }
}

/// x[i] *= s.
@inlinable
public func scaleInPlace(_ x: UnsafeMutablePointer<Float>, _ n: Int, _ s: Float) {
    mapBinaryScalarRight(MulKernel.self, x, s, x, n)
}

/// y[i] += x[i].
@inlinable
public func addInPlace(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ n: Int) {
    mapBinary(AddKernel.self, y, x, y, n)
}

/// Sum of n floats: four 16-lane accumulators, so the loop is not latency-bound.
@inlinable
public func sumBuffer(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
    var a0 = Vec(), a1 = Vec(), a2 = Vec(), a3 = Vec()
    var i = 0
    while i + 64 <= n {
        a0 += loadVec(x + i); a1 += loadVec(x + i + 16)
        a2 += loadVec(x + i + 32); a3 += loadVec(x + i + 48)
        i += 64
    }
    while i + 16 <= n { a0 += loadVec(x + i); i += 16 }
    if i < n { a1 += loadPartial(x + i, n - i) }
    return ((a0 + a1) + (a2 + a3)).sum()
}

/// Sum of squares of n floats.
@inlinable
public func sumOfSquares(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
    var a0 = Vec(), a1 = Vec()
    var i = 0
    while i + 32 <= n {
        let u = loadVec(x + i), v = loadVec(x + i + 16)
        a0 += u * u; a1 += v * v
        i += 32
    }
    while i + 16 <= n { let u = loadVec(x + i); a0 += u * u; i += 16 }
    if i < n { let u = loadPartial(x + i, n - i); a1 += u * u }
    return (a0 + a1).sum()
}

// MARK: - Kernels

public enum AddKernel: BinaryKernel { @inlinable @inline(__always) public static func apply(_ a: Vec, _ b: Vec) -> Vec { a + b } }
public enum SubKernel: BinaryKernel { @inlinable @inline(__always) public static func apply(_ a: Vec, _ b: Vec) -> Vec { a - b } }
public enum MulKernel: BinaryKernel { @inlinable @inline(__always) public static func apply(_ a: Vec, _ b: Vec) -> Vec { a * b } }
public enum DivKernel: BinaryKernel { @inlinable @inline(__always) public static func apply(_ a: Vec, _ b: Vec) -> Vec { a / b } }
public enum MaxKernel: BinaryKernel {
    @inlinable @inline(__always) public static func apply(_ a: Vec, _ b: Vec) -> Vec { a.replacing(with: b, where: b .> a) }
}
public enum MinKernel: BinaryKernel {
    @inlinable @inline(__always) public static func apply(_ a: Vec, _ b: Vec) -> Vec { a.replacing(with: b, where: b .< a) }
}
/// a^b for a > 0 through exp(b log a); a == 0 gives 0 for b > 0.
public enum PowKernel: BinaryKernel {
    @inlinable @inline(__always) public static func apply(_ a: Vec, _ b: Vec) -> Vec {
        let r = SIMDMath.exp(b * SIMDMath.log(a))
        return r.replacing(with: 0, where: (a .== 0) .& (b .> 0))
    }
}
public enum GreaterKernel: BinaryKernel {
    @inlinable @inline(__always) public static func apply(_ a: Vec, _ b: Vec) -> Vec { Vec().replacing(with: 1, where: a .> b) }
}
public enum LessKernel: BinaryKernel {
    @inlinable @inline(__always) public static func apply(_ a: Vec, _ b: Vec) -> Vec { Vec().replacing(with: 1, where: a .< b) }
}
public enum GreaterEqualKernel: BinaryKernel {
    @inlinable @inline(__always) public static func apply(_ a: Vec, _ b: Vec) -> Vec { Vec().replacing(with: 1, where: a .>= b) }
}
public enum LessEqualKernel: BinaryKernel {
    @inlinable @inline(__always) public static func apply(_ a: Vec, _ b: Vec) -> Vec { Vec().replacing(with: 1, where: a .<= b) }
}
public enum EqualKernel: BinaryKernel {
    @inlinable @inline(__always) public static func apply(_ a: Vec, _ b: Vec) -> Vec { Vec().replacing(with: 1, where: a .== b) }
}

public enum ExpKernel: UnaryKernel { @inlinable @inline(__always) public static func apply(_ x: Vec) -> Vec { SIMDMath.exp(x) } }
public enum LogKernel: UnaryKernel { @inlinable @inline(__always) public static func apply(_ x: Vec) -> Vec { SIMDMath.log(x) } }
public enum SqrtKernel: UnaryKernel { @inlinable @inline(__always) public static func apply(_ x: Vec) -> Vec { SIMDMath.squareRoot(x) } }
public enum AbsKernel: UnaryKernel { @inlinable @inline(__always) public static func apply(_ x: Vec) -> Vec { absolute(x) } }
public enum NegKernel: UnaryKernel { @inlinable @inline(__always) public static func apply(_ x: Vec) -> Vec { -x } }
public enum SigmoidKernel: UnaryKernel { @inlinable @inline(__always) public static func apply(_ x: Vec) -> Vec { SIMDMath.sigmoid(x) } }
public enum TanhKernel: UnaryKernel { @inlinable @inline(__always) public static func apply(_ x: Vec) -> Vec { SIMDMath.tanh(x) } }
public enum SoftplusKernel: UnaryKernel { @inlinable @inline(__always) public static func apply(_ x: Vec) -> Vec { SIMDMath.softplus(x) } }
/// log σ(x) = -softplus(-x).
public enum LogSigmoidKernel: UnaryKernel { @inlinable @inline(__always) public static func apply(_ x: Vec) -> Vec { -SIMDMath.softplus(-x) } }
public enum ReluKernel: UnaryKernel {
    @inlinable @inline(__always) public static func apply(_ x: Vec) -> Vec { x.replacing(with: 0, where: x .< 0) }
}

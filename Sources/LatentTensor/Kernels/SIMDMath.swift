/// Vectorised transcendental functions on `SIMD16<Float>`.
///
/// Cephes-style range reduction and polynomials, written with bit casts and
/// masked replacement so that they compile to straight-line AVX-512 code
/// (PLATFORM notes: `clamped`, `pointwiseMin/Max` and float→int conversion are
/// slow on this toolchain, so none of them appear here). Accuracy is within a
/// few ulp of libm over the float range; the tests compare against Foundation.
import CCPU

public typealias Vec = SIMD16<Float>
public typealias VecBits = SIMD16<UInt32>

/// The IEEE-754 bits of each lane.
@inlinable @inline(__always) public func bitsOf(_ v: Vec) -> VecBits { unsafeBitCast(v, to: VecBits.self) }
/// Floats from IEEE-754 bits.
@inlinable @inline(__always) public func floatsOf(_ b: VecBits) -> Vec { unsafeBitCast(b, to: Vec.self) }
/// |v| by clearing the sign bits.
@inlinable @inline(__always) public func absolute(_ v: Vec) -> Vec { floatsOf(bitsOf(v) & 0x7FFF_FFFF) }

public enum SIMDMath {
    /// √x in every lane, correctly rounded as `Float.squareRoot()`, in one vector instruction
    /// (`Vec.squareRoot()` is sixteen scalar calls on this toolchain). Negative lanes give NaN.
    ///
    /// ```swift
    /// SIMDMath.squareRoot(Vec(repeating: 9))   // all lanes 3
    /// ```
    @inlinable @inline(__always)
    public static func squareRoot(_ x: Vec) -> Vec { latent_sqrt16(x) }

    /// 1.5 · 2²³: adding it rounds a float to an integer held in the low mantissa bits.
    @usableFromInline static let roundingMagic: Float = 12_582_912

    /// e^x. Overflows to +inf above 88.72, underflows to 0 below -87.33, keeps NaN.
    @inlinable @inline(__always)
    public static func exp(_ x: Vec) -> Vec {
        let hi: Float = 88.0, lo: Float = -87.0
        var v = x.replacing(with: hi, where: x .> hi)
        v = v.replacing(with: lo, where: v .< lo)
        let t = v * 1.442_695_04 + roundingMagic
        let n = t - roundingMagic
        var r = v - n * 0.693_359_375
        r = r + n * 2.121_944_4e-4
        var p: Vec = Vec(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_59e-2
        p = p * r + 1.666_666_55e-1
        p = p * r + 5.000_000_1e-1
        p = p * (r * r) + r + 1
        let bits = (bitsOf(t) &- 0x4B40_0000 &+ 127) &<< 23
        var y = p * floatsOf(bits)
        y = y.replacing(with: Float.infinity, where: x .> 88.722_84)
        y = y.replacing(with: 0, where: x .< -87.336_54)
        return y
    }

    /// Natural log. log(0) = -inf, log(negative) = NaN, log(+inf) = +inf.
    @inlinable @inline(__always)
    public static func log(_ x: Vec) -> Vec {
        let bits = bitsOf(x)
        // Exponent as a float without an int→float conversion: 2²³ + e, minus 2²³.
        let expBits = (bits &>> 23) & 0xFF
        var e = floatsOf(expBits | 0x4B00_0000) - (8_388_608 + 126)
        var m = floatsOf((bits & 0x807F_FFFF) | 0x3F00_0000)  // in [0.5, 1)
        let small = m .< 0.707_106_781
        e = e.replacing(with: e - 1, where: small)
        m = m.replacing(with: m + m, where: small) - 1
        let z = m * m
        var y: Vec = Vec(repeating: 7.037_683_629_2e-2)
        y = y * m - 1.151_461_031_0e-1
        y = y * m + 1.167_699_874_0e-1
        y = y * m - 1.242_014_084_6e-1
        y = y * m + 1.424_932_278_7e-1
        y = y * m - 1.666_805_766_5e-1
        y = y * m + 2.000_071_476_5e-1
        y = y * m - 2.499_999_399_3e-1
        y = y * m + 3.333_333_117_4e-1
        y = y * m * z
        y = y + e * -2.121_944_4e-4
        y = y - 0.5 * z
        var result = m + y + e * 0.693_359_375
        // Subnormals are treated as 0 (they never matter for our models).
        result = result.replacing(with: -Float.infinity, where: x .<= Vec(repeating: Float.leastNormalMagnitude))
        result = result.replacing(with: Float.nan, where: x .< 0)
        result = result.replacing(with: Float.infinity, where: x .== Float.infinity)
        result = result.replacing(with: Float.nan, where: x .!= x)
        return result
    }

    /// 1 / (1 + e^-x).
    @inlinable @inline(__always)
    public static func sigmoid(_ x: Vec) -> Vec {
        1 / (1 + exp(-x))
    }

    /// tanh(x) = sign(x)·(1 - e^{-2|x|}) / (1 + e^{-2|x|}); stable for all x.
    @inlinable @inline(__always)
    public static func tanh(_ x: Vec) -> Vec {
        let ax = absolute(x)
        let e = exp(-2 * ax)
        let t = (1 - e) / (1 + e)
        // Near zero use the series to keep relative accuracy.
        let x2 = x * x
        let series = ax * (1 - x2 * (1.0 / 3.0) + x2 * x2 * (2.0 / 15.0))
        let mag = t.replacing(with: series, where: ax .< 0.0625)
        return mag.replacing(with: -mag, where: x .< 0)
    }

    /// log(1 + e^x) without overflow: max(x, 0) + log(1 + e^{-|x|}).
    @inlinable @inline(__always)
    public static func softplus(_ x: Vec) -> Vec {
        let e = exp(-absolute(x))
        let relu = x.replacing(with: 0, where: x .< 0)
        return relu + log1pSmall(e)
    }

    /// log(1 + u) for u in [0, 1], accurate also for tiny u.
    @inlinable @inline(__always)
    public static func log1pSmall(_ u: Vec) -> Vec {
        let onePlus = 1 + u
        // Correct the rounding of 1 + u (Goldberg's trick): log(1+u) * u / ((1+u) - 1).
        let d = onePlus - 1
        let l = log(onePlus)
        let corrected = l * (u / d)
        return corrected.replacing(with: u, where: d .== 0)
    }
}

/// Scalar versions that match the vector ones bit for bit, for loop tails.
public enum ScalarMath {
    @inlinable @inline(__always)
    public static func exp(_ x: Float) -> Float { SIMDMath.exp(Vec(repeating: x))[0] }
    @inlinable @inline(__always)
    public static func log(_ x: Float) -> Float { SIMDMath.log(Vec(repeating: x))[0] }
    @inlinable @inline(__always)
    public static func sigmoid(_ x: Float) -> Float { SIMDMath.sigmoid(Vec(repeating: x))[0] }
    @inlinable @inline(__always)
    public static func tanh(_ x: Float) -> Float { SIMDMath.tanh(Vec(repeating: x))[0] }
    @inlinable @inline(__always)
    public static func softplus(_ x: Float) -> Float { SIMDMath.softplus(Vec(repeating: x))[0] }
}

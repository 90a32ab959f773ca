import Foundation

/// A seeded xoshiro256** generator with bulk fills for uniform, normal and
/// Bernoulli variates. The same seed gives the same stream on every machine.
///
/// ```swift
/// var rng = RandomGenerator(seed: 42)
/// let u = rng.nextUniform()            // in [0, 1)
/// var noise = [Float](repeating: 0, count: 100)
/// noise.withUnsafeMutableBufferPointer { rng.fillNormal($0.baseAddress!, count: 100) }
/// ```
public struct RandomGenerator: RandomNumberGenerator, Sendable {
    @usableFromInline package var s0, s1, s2, s3: UInt64

    /// Seeds the four state words with SplitMix64, as the xoshiro authors recommend.
    public init(seed: UInt64) {
        var x = seed
        func splitMix(_ x: inout UInt64) -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix(&x); s1 = splitMix(&x); s2 = splitMix(&x); s3 = splitMix(&x)
    }

    @inlinable @inline(__always)
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// A new generator whose stream does not overlap this one's in practice
    /// (seeded from this stream); use it to give each component its own stream.
    public mutating func split() -> RandomGenerator { RandomGenerator(seed: next()) }

    /// Uniform in [0, 1) with 24 random bits.
    @inlinable @inline(__always)
    public mutating func nextUniform() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    /// Standard normal (Box–Muller; one of the pair is discarded for simplicity).
    public mutating func nextNormal() -> Float {
        let u1 = Double(next() >> 11) * 0x1p-53
        let u2 = Double(next() >> 11) * 0x1p-53
        return Float((-2 * Foundation.log(1 - u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2))
    }

    /// Fills with U[low, high). Two floats per 64-bit draw.
    public mutating func fillUniform(_ p: UnsafeMutablePointer<Float>, count: Int, low: Float = 0, high: Float = 1) {
        let scale = (high - low) * 0x1p-24
        var i = 0
        while i + 2 <= count {
            let r = next()
            p[i] = Float(r >> 40) * scale + low
            p[i + 1] = Float((r >> 16) & 0xFF_FFFF) * scale + low
            i += 2
        }
        if i < count { p[i] = Float(next() >> 40) * scale + low }
    }

    /// Fills with N(mean, std²) by Box–Muller, using both values of each pair.
    public mutating func fillNormal(_ p: UnsafeMutablePointer<Float>, count: Int, mean: Float = 0, std: Float = 1) {
        var i = 0
        while i < count {
            let u1 = Float(next() >> 40) * 0x1p-24
            let u2 = Float(next() >> 40) * 0x1p-24
            // 1 - u1 is in (0, 1], so the log is finite.
            let radius = (-2 * Foundation.log(1 - u1)).squareRoot()
            let angle = 2 * Float.pi * u2
            p[i] = mean + std * radius * Foundation.cos(angle)
            if i + 1 < count { p[i + 1] = mean + std * radius * Foundation.sin(angle) }
            i += 2
        }
    }

    /// out[i] = 1 with probability probabilities[i], else 0. `out` may alias the input.
    public mutating func fillBernoulli(probabilities: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        while i + 2 <= count {
            let r = next()
            let u0 = Float(r >> 40) * 0x1p-24
            let u1 = Float((r >> 16) & 0xFF_FFFF) * 0x1p-24
            out[i] = u0 < probabilities[i] ? 1 : 0
            out[i + 1] = u1 < probabilities[i + 1] ? 1 : 0
            i += 2
        }
        if i < count { out[i] = Float(next() >> 40) * 0x1p-24 < probabilities[i] ? 1 : 0 }
    }

    /// A uniformly random permutation of 0..<n (Fisher–Yates).
    public mutating func permutation(_ n: Int) -> [Int] {
        var a = Array(0..<n)
        if n < 2 { return a }
        for i in stride(from: n - 1, to: 0, by: -1) {
            let j = Int(next() % UInt64(i + 1))
            a.swapAt(i, j)
        }
        return a
    }
}

import CZlib
import Foundation

/// MD5 and SHA-256 digests, for verifying downloaded data sets (the MNIST
/// mirrors publish MD5; SHA-256 is offered for files users verify themselves),
/// and zlib's CRC-32, fast enough to check every checkpoint on load.
/// Round constants are derived at start-up from their definitions (sines for
/// MD5, prime roots for SHA-256); the tests check the published test vectors.
public enum Checksum {
    /// zlib's CRC-32 of `data`, continuing from `crc` (0 to start), so parts can
    /// be summed one after the other. On a 40 MB checkpoint it takes about 0.07 s,
    /// where this file's SHA-256 takes about 1.5 s: fast enough to run on every load.
    ///
    /// ```swift
    /// Checksum.crc32(Data("123456789".utf8))   // 0xCBF43926
    /// ```
    public static func crc32(_ data: Data, continuing crc: UInt32 = 0) -> UInt32 {
        var value = UInt(crc)
        data.withUnsafeBytes { raw in
            guard var p = raw.bindMemory(to: UInt8.self).baseAddress else { return }
            var remaining = raw.count
            while remaining > 0 {
                let n = Swift.min(remaining, 1 << 30)
                value = CZlib.crc32(value, p, UInt32(n))
                p += n
                remaining -= n
            }
        }
        return UInt32(truncatingIfNeeded: value)
    }

    /// Lower-case hex MD5 of `data` (RFC 1321).
    public static func md5(_ data: Data) -> String {
        var a0: UInt32 = 0x6745_2301, b0: UInt32 = 0xEFCD_AB89, c0: UInt32 = 0x98BA_DCFE, d0: UInt32 = 0x1032_5476
        let shifts: [UInt32] = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21]
        let table = md5Table
        var message = [UInt8](data)
        let bitLength = UInt64(message.count) * 8
        message.append(0x80)
        while message.count % 64 != 56 { message.append(0) }
        for i in 0..<8 { message.append(UInt8((bitLength >> (8 * UInt64(i))) & 0xFF)) }
        var m = [UInt32](repeating: 0, count: 16)
        for chunk in stride(from: 0, to: message.count, by: 64) {
            for i in 0..<16 {
                let o = chunk + 4 * i
                m[i] = UInt32(message[o]) | UInt32(message[o + 1]) << 8 | UInt32(message[o + 2]) << 16 | UInt32(message[o + 3]) << 24
            }
            var (a, b, c, d) = (a0, b0, c0, d0)
            for i in 0..<64 {
                var f: UInt32
                let g: Int
                switch i / 16 {
                case 0: f = (b & c) | (~b & d); g = i
                case 1: f = (d & b) | (~d & c); g = (5 * i + 1) % 16
                case 2: f = b ^ c ^ d; g = (3 * i + 5) % 16
                default: f = c ^ (b | ~d); g = (7 * i) % 16
                }
                f = f &+ a &+ table[i] &+ m[g]
                a = d; d = c; c = b
                let s = shifts[(i / 16) * 4 + i % 4]
                b = b &+ ((f << s) | (f >> (32 - s)))
            }
            a0 = a0 &+ a; b0 = b0 &+ b; c0 = c0 &+ c; d0 = d0 &+ d
        }
        return [a0, b0, c0, d0].map { v in (0..<4).map { String(format: "%02x", (v >> (8 * UInt32($0))) & 0xFF) }.joined() }.joined()
    }

    /// Lower-case hex SHA-256 of `data` (FIPS 180-4).
    public static func sha256(_ data: Data) -> String {
        var h = sha256Initial
        let k = sha256Rounds
        var message = [UInt8](data)
        let bitLength = UInt64(message.count) * 8
        message.append(0x80)
        while message.count % 64 != 56 { message.append(0) }
        for i in (0..<8).reversed() { message.append(UInt8((bitLength >> (8 * UInt64(i))) & 0xFF)) }
        var w = [UInt32](repeating: 0, count: 64)
        func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }
        for chunk in stride(from: 0, to: message.count, by: 64) {
            for i in 0..<16 {
                let o = chunk + 4 * i
                w[i] = UInt32(message[o]) << 24 | UInt32(message[o + 1]) << 16 | UInt32(message[o + 2]) << 8 | UInt32(message[o + 3])
            }
            for i in 16..<64 {
                let s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3)
                let s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10)
                w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
            }
            var (a, b, c, d, e, f, g, hh) = (h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7])
            for i in 0..<64 {
                let t1 = hh &+ (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) &+ ((e & f) ^ (~e & g)) &+ k[i] &+ w[i]
                let t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) &+ ((a & b) ^ (a & c) ^ (b & c))
                hh = g; g = f; f = e; e = d &+ t1; d = c; c = b; b = a; a = t1 &+ t2
            }
            for (i, v) in [a, b, c, d, e, f, g, hh].enumerated() { h[i] = h[i] &+ v }
        }
        return h.map { String(format: "%08x", $0) }.joined()
    }

    /// floor(|sin(i + 1)| · 2³²).
    static let md5Table: [UInt32] = (0..<64).map { UInt32(Swift.abs(sin(Double($0 + 1))) * 4_294_967_296) }

    static let primes: [Int] = {
        var p: [Int] = []
        var n = 2
        while p.count < 64 { if !p.contains(where: { n % $0 == 0 }) { p.append(n) }; n += 1 }
        return p
    }()

    /// First 32 bits of the fractional parts of the square roots of the first 8 primes.
    static let sha256Initial: [UInt32] = primes.prefix(8).map { fractionBits(sqrt(Double($0))) }
    /// First 32 bits of the fractional parts of the cube roots of the first 64 primes.
    static let sha256Rounds: [UInt32] = primes.map { fractionBits(cbrt(Double($0))) }

    static func fractionBits(_ x: Double) -> UInt32 { UInt32((x - x.rounded(.down)) * 4_294_967_296) }
}

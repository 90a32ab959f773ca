import Foundation

/// The IDX format of MNIST and Fashion-MNIST: a magic number (two zero
/// bytes, an element-type code, a rank), big-endian 32-bit dimensions, then
/// big-endian elements. Gzip-compressed or plain.
///
/// ```swift
/// let images = try IDX.read("t10k-images-idx3-ubyte.gz")   // [10000, 28, 28], values 0…255
/// ```
public enum IDX {
    /// Reads any IDX file into a Float tensor with the file's dimensions.
    public static func read(_ path: String, maxBytes: Int = ReadOptions.defaultMaxBytes) throws -> Tensor {
        try decode(GzipFile.read(path, maxBytes: maxBytes), path: path)
    }

    static func decode(_ data: Data, path: String) throws -> Tensor {
        func fail(_ reason: String) -> LatentError { .invalidFile(path: path, reason: "not a valid IDX file: \(reason)") }
        let bytes = [UInt8](data)
        guard bytes.count >= 4 else { throw fail("\(bytes.count) bytes, shorter than the 4-byte magic number") }
        guard bytes[0] == 0, bytes[1] == 0 else {
            throw fail(String(format: "wrong magic number 0x%02x%02x%02x%02x (must start with two zero bytes)", bytes[0], bytes[1], bytes[2], bytes[3]))
        }
        let width: Int
        switch bytes[2] {
        case 0x08, 0x09: width = 1
        case 0x0B: width = 2
        case 0x0C, 0x0D: width = 4
        case 0x0E: width = 8
        default: throw fail(String(format: "unknown element type 0x%02x", bytes[2]))
        }
        let rank = Int(bytes[3])
        guard rank >= 1 else { throw fail("rank 0") }
        guard bytes.count >= 4 + 4 * rank else { throw fail("truncated inside the \(rank) dimensions") }
        var shape: [Int] = []
        var count = 1
        for i in 0..<rank {
            let o = 4 + 4 * i
            let d = Int(bytes[o]) << 24 | Int(bytes[o + 1]) << 16 | Int(bytes[o + 2]) << 8 | Int(bytes[o + 3])
            shape.append(d)
            let (p, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow, p <= Int(Int32.max) else { throw fail("dimensions \(shape) are too large") }
            count = p
        }
        let start = 4 + 4 * rank
        let needed = count * width
        guard bytes.count - start >= needed else {
            throw fail("dimensions \(shape) need \(needed) bytes of data but the file holds \(bytes.count - start) (truncated?)")
        }
        guard bytes.count - start == needed else {
            throw fail("\(bytes.count - start - needed) bytes left over after the data for dimensions \(shape)")
        }
        let t = Tensor(uninitializedShape: shape)
        let dst = t.storage.pointer
        bytes.withUnsafeBufferPointer { b in
            let src = b.baseAddress! + start
            switch bytes[2] {
            case 0x08: for i in 0..<count { dst[i] = Float(src[i]) }
            case 0x09: for i in 0..<count { dst[i] = Float(Int8(bitPattern: src[i])) }
            case 0x0B:
                for i in 0..<count { dst[i] = Float(Int16(bitPattern: UInt16(src[2 * i]) << 8 | UInt16(src[2 * i + 1]))) }
            case 0x0C:
                for i in 0..<count { dst[i] = Float(Int32(bitPattern: bigEndian32(src + 4 * i))) }
            case 0x0D:
                for i in 0..<count { dst[i] = Float(bitPattern: bigEndian32(src + 4 * i)) }
            default:
                for i in 0..<count {
                    let hi = UInt64(bigEndian32(src + 8 * i)), lo = UInt64(bigEndian32(src + 8 * i + 4))
                    dst[i] = Float(Double(bitPattern: hi << 32 | lo))
                }
            }
        }
        return t
    }

    private static func bigEndian32(_ p: UnsafePointer<UInt8>) -> UInt32 {
        UInt32(p[0]) << 24 | UInt32(p[1]) << 16 | UInt32(p[2]) << 8 | UInt32(p[3])
    }
}

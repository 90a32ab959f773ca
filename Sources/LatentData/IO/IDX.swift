import Foundation
import LatentTensor

/// The IDX format of MNIST and Fashion-MNIST: a magic number (two zero
/// bytes, an element-type code, a rank), big-endian 32-bit dimensions, then
/// big-endian elements. Gzip-compressed or plain.
///
/// The header is checked before anything is allocated: every dimension at
/// least 1, no overflow, the size within `maxBytes`; then exactly the declared
/// number of bytes is read (a gzip file is never inflated further), and a file
/// that is shorter or longer than its header says is refused.
///
/// ```swift
/// let images = try IDX.read("t10k-images-idx3-ubyte.gz")   // [10000, 28, 28], values 0…255
/// ```
public enum IDX {
    /// The element types an IDX file may declare (the third byte of its magic number).
    public enum ElementType: UInt8, Sendable, CustomStringConvertible {
        case uint8 = 0x08, int8 = 0x09, int16 = 0x0B, int32 = 0x0C, float32 = 0x0D, float64 = 0x0E

        /// Bytes per element.
        public var width: Int {
            switch self {
            case .uint8, .int8: return 1
            case .int16: return 2
            case .int32, .float32: return 4
            case .float64: return 8
            }
        }

        /// True for the integer types.
        public var isInteger: Bool { self != .float32 && self != .float64 }

        public var description: String {
            switch self {
            case .uint8: return "unsigned byte (0x08)"
            case .int8: return "signed byte (0x09)"
            case .int16: return "16-bit integer (0x0B)"
            case .int32: return "32-bit integer (0x0C)"
            case .float32: return "32-bit float (0x0D)"
            case .float64: return "64-bit float (0x0E)"
            }
        }
    }

    /// The most elements one IDX array may hold (a Float tensor of them is 8 GiB).
    static let maxElementCount = DeclaredArray.maxElementCount

    /// Reads any IDX file into a Float tensor with the file's dimensions.
    public static func read(_ path: String, maxBytes: Int = ReadOptions.defaultMaxBytes) throws -> Tensor {
        try readTyped(path, maxBytes: maxBytes).values
    }

    /// Reads any IDX file and tells its element type too.
    ///
    /// ```swift
    /// let (type, labels) = try IDX.readTyped("t10k-labels-idx1-ubyte.gz")   // .uint8, [10000]
    /// ```
    public static func readTyped(_ path: String, maxBytes: Int = ReadOptions.defaultMaxBytes) throws -> (type: ElementType, values: Tensor) {
        try read(from: GzipFile.Reader(path), maxBytes: maxBytes)
    }

    static func read(from reader: GzipFile.Reader, maxBytes: Int) throws -> (type: ElementType, values: Tensor) {
        let (type, shape, fail) = try header(reader)
        let tensor = try DeclaredArray.read(from: reader, shape: shape, elementWidth: type.width, described: "dimensions \(shape) of \(type)",
                                            maxBytes: maxBytes, fail: fail) { decode($0, as: type, into: $1) }
        return (type, tensor)
    }

    /// The contents of an IDX file, as bytes when its elements are unsigned bytes.
    enum Contents {
        /// Unsigned bytes: memory-mapped when the file is uncompressed.
        case bytes(shape: [Int], PixelBuffer)
        /// Any other element type, as Floats.
        case values(ElementType, Tensor)
    }

    /// Reads an IDX file, keeping unsigned bytes as bytes (an uncompressed file
    /// is memory-mapped once its header and size check out).
    ///
    /// ```swift
    /// if case .bytes(let shape, let buffer) = try IDX.readContents("train-images-idx3-ubyte") { … }
    /// ```
    static func readContents(_ path: String, maxBytes: Int = ReadOptions.defaultMaxBytes) throws -> Contents {
        let reader = try GzipFile.Reader(path)
        let (type, shape, fail) = try header(reader)
        let described = "dimensions \(shape) of \(type)"
        if type == .uint8 {
            return .bytes(shape: shape, try DeclaredArray.readBytes(from: reader, shape: shape, described: described, maxBytes: maxBytes, fail: fail))
        }
        return .values(type, try DeclaredArray.read(from: reader, shape: shape, elementWidth: type.width, described: described,
                                                    maxBytes: maxBytes, fail: fail) { decode($0, as: type, into: $1) })
    }

    /// Reads and checks the magic number and dimensions.
    private static func header(_ reader: GzipFile.Reader) throws -> (ElementType, [Int], (String) -> LatentError) {
        let path = reader.path
        let fail: (String) -> LatentError = { .invalidFile(path: path, reason: "not a valid IDX file: \($0)") }
        let magic = try reader.read(4)
        guard magic.count == 4 else { throw fail("\(magic.count) bytes, shorter than the 4-byte magic number") }
        guard magic[0] == 0, magic[1] == 0 else {
            throw fail(String(format: "wrong magic number 0x%02x%02x%02x%02x (must start with two zero bytes)", magic[0], magic[1], magic[2], magic[3]))
        }
        guard let type = ElementType(rawValue: magic[2]) else {
            throw fail(String(format: "unknown element type 0x%02x (expected 0x08, 0x09, 0x0B, 0x0C, 0x0D or 0x0E)", magic[2]))
        }
        let rank = Int(magic[3])
        guard rank >= 1 else { throw fail("rank 0 (expected at least one dimension)") }
        let dimensionBytes = try reader.read(4 * rank)
        guard dimensionBytes.count == 4 * rank else {
            throw fail("truncated inside the \(rank) dimensions (\(dimensionBytes.count) of \(4 * rank) bytes)")
        }
        let shape = (0..<rank).map { i in
            dimensionBytes[4 * i..<4 * i + 4].reduce(0) { $0 << 8 | Int($1) }
        }
        if let zero = shape.firstIndex(of: 0) {
            throw fail("dimension \(zero + 1) of \(shape) is 0 (every dimension must be at least 1)")
        }
        return (type, shape, fail)
    }

    /// Writes `bytes` (row-major, `shape`) as an uncompressed IDX file of unsigned bytes, atomically.
    ///
    /// ```swift
    /// try IDX.writeBytes(pixels, shape: [60000, 28, 28], to: "train-images-idx3-ubyte")
    /// ```
    static func writeBytes(_ bytes: UnsafeBufferPointer<UInt8>, shape: [Int], to path: String) throws {
        precondition(!shape.isEmpty && shape.count < 256 && shape.allSatisfy { $0 > 0 && $0 <= Int(UInt32.max) }
                     && shape.reduce(1, *) == bytes.count, "IDX.writeBytes: \(bytes.count) bytes as \(shape)")
        var data = Data([0, 0, ElementType.uint8.rawValue, UInt8(shape.count)])
        for d in shape { withUnsafeBytes(of: UInt32(d).bigEndian) { data.append(contentsOf: $0) } }
        data.append(bytes)
        try AtomicFile.write(data, to: URL(fileURLWithPath: path))
    }

    /// Converts big-endian elements of `type` to Float.
    private static func decode(_ src: UnsafeRawBufferPointer, as type: ElementType, into dst: UnsafeMutablePointer<Float>) {
        let n = src.count / type.width
        guard n > 0, let base = src.baseAddress else { return }
        func u16(_ i: Int) -> UInt16 { UInt16(bigEndian: base.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) }
        func u32(_ i: Int) -> UInt32 { UInt32(bigEndian: base.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)) }
        func u64(_ i: Int) -> UInt64 { UInt64(bigEndian: base.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)) }
        switch type {
        case .uint8: for i in 0..<n { dst[i] = Float(src[i]) }
        case .int8: for i in 0..<n { dst[i] = Float(Int8(bitPattern: src[i])) }
        case .int16: for i in 0..<n { dst[i] = Float(Int16(bitPattern: u16(i))) }
        case .int32: for i in 0..<n { dst[i] = Float(Int32(bitPattern: u32(i))) }
        case .float32: for i in 0..<n { dst[i] = Float(bitPattern: u32(i)) }
        case .float64: for i in 0..<n { dst[i] = Float(Double(bitPattern: u64(i))) }
        }
    }
}

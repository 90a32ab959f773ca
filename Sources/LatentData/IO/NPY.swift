import Foundation
import LatentTensor

/// NumPy's .npy format (versions 1.0, 2.0 and 3.0): a magic string, a header
/// (a Python dict literal with 'descr', 'fortran_order' and 'shape', see
/// `NPYHeader`), then the raw array. Reads bool, (u)int8…64 and float16/32/64
/// in C order, either byte order; refuses Fortran order, strings and object
/// arrays (it never unpickles). Everything is checked before the array is
/// allocated, and the data must be exactly as long as the header says.
/// Writes float32 arrays in version 1.0.
///
/// ```swift
/// let faces = try NPY.read("faces.npy")          // e.g. [N, 24, 24] uint8 → Float
/// try NPY.write(samples, to: "samples.npy")
/// ```
public enum NPY {
    /// An element type NPY reads, from a 'descr' such as `'<u2'`.
    public struct DType: Equatable, Sendable, CustomStringConvertible {
        public enum Kind: Character, Sendable { case bool = "b", unsigned = "u", signed = "i", float = "f" }
        public let kind: Kind
        /// Bytes per element.
        public let size: Int
        public let bigEndian: Bool

        static let supported: Set<String> = ["b1", "u1", "i1", "u2", "i2", "u4", "i4", "u8", "i8", "f2", "f4", "f8"]

        /// Parses a 'descr' (`'<f4'`, `'|u1'`, `'>i2'`, `'|b1'`…); nil for anything not in the list.
        init?(descr: String) {
            var code = Substring(descr)
            var bigEndian = false
            if let order = code.first, "<>|=".contains(order) {
                bigEndian = order == ">"
                code = code.dropFirst()
            }
            guard DType.supported.contains(String(code)), let kind = Kind(rawValue: code.first!),
                  let size = Int(code.dropFirst()) else { return nil }
            self.kind = kind
            self.size = size
            self.bigEndian = bigEndian && size > 1
        }

        /// The NumPy name: `uint8`, `float32`, `bool`…
        public var description: String {
            switch kind {
            case .bool: return "bool"
            case .unsigned: return "uint\(8 * size)"
            case .signed: return "int\(8 * size)"
            case .float: return "float\(8 * size)"
            }
        }
    }

    /// The longest header read (NumPy's own reader stops at 10,000 bytes; real headers are about 100).
    public static let maxHeaderLength = 65_535

    /// The most elements one array may hold (a Float tensor of them is 8 GiB).
    static let maxElementCount = DeclaredArray.maxElementCount

    /// Reads an array into a Float tensor of the same shape.
    public static func read(_ path: String, maxBytes: Int = ReadOptions.defaultMaxBytes) throws -> Tensor {
        try readTyped(path, maxBytes: maxBytes).values
    }

    /// Reads an array and tells its element type too (to scale images by it).
    ///
    /// ```swift
    /// let (dtype, values) = try NPY.readTyped("faces.npy")   // dtype.description == "uint16"
    /// ```
    public static func readTyped(_ path: String, maxBytes: Int = ReadOptions.defaultMaxBytes) throws -> (dtype: DType, values: Tensor) {
        try read(from: GzipFile.Reader(path), maxBytes: maxBytes)
    }

    static func read(from reader: GzipFile.Reader, maxBytes: Int) throws -> (dtype: DType, values: Tensor) {
        let (dtype, shape, shapeText, fail) = try header(reader)
        let tensor = try DeclaredArray.read(from: reader, shape: shape, elementWidth: dtype.size, described: "shape \(shapeText) of \(dtype)",
                                            maxBytes: maxBytes, fail: fail) { decode($0, as: dtype, into: $1) }
        return (dtype, tensor)
    }

    /// Reads and checks the magic string, version and header; returns the dtype, the shape and how to describe it.
    private static func header(_ reader: GzipFile.Reader) throws -> (DType, [Int], String, (String) -> LatentError) {
        let path = reader.path
        let fail: (String) -> LatentError = { .invalidFile(path: path, reason: "not a readable .npy file: \($0)") }
        let prefix = try reader.read(8)
        let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
        guard prefix.count == 8, Array(prefix[0..<6]) == magic else { throw fail("missing the \\x93NUMPY magic string") }
        let (major, minor) = (prefix[6], prefix[7])
        guard [1, 2, 3].contains(major), minor == 0 else {
            throw fail("unsupported format version \(major).\(minor) (expected 1.0, 2.0 or 3.0)")
        }
        let lengthBytes = try reader.read(major == 1 ? 2 : 4)
        guard lengthBytes.count == (major == 1 ? 2 : 4) else { throw fail("truncated before the header length") }
        let headerLength = lengthBytes.reversed().reduce(0) { $0 << 8 | Int($1) }
        guard headerLength <= maxHeaderLength else {
            throw fail("header length \(headerLength) is more than the \(maxHeaderLength) bytes any array's header needs")
        }
        let headerBytes = try reader.read(headerLength)
        guard headerBytes.count == headerLength else {
            throw fail("truncated inside the header (\(headerBytes.count) of \(headerLength) bytes)")
        }
        let header: NPYHeader
        do { header = try NPYHeader.parse(headerBytes) } catch { throw fail("header \(error)") }
        if header.descr.contains("O") {
            throw fail("dtype '\(header.descr)' is an object array; Latent never unpickles data")
        }
        guard let dtype = DType(descr: header.descr) else {
            throw fail("unsupported dtype '\(header.descr)' (Latent reads bool, u1, i1, u2, i2, u4, i4, u8, i8, f2, f4 and f8)")
        }
        guard !header.fortranOrder else {
            throw fail("the array is in Fortran order; save it with numpy.ascontiguousarray first")
        }
        let shape = header.shape
        let shapeText = "(\(shape.map(String.init).joined(separator: ", "))\(shape.count == 1 ? "," : ""))"
        return (dtype, shape, shapeText, fail)
    }

    /// The contents of an NPY file, as bytes when its dtype is uint8.
    enum Contents {
        /// uint8: memory-mapped when the file is uncompressed.
        case bytes(shape: [Int], PixelBuffer)
        /// Any other dtype, as Floats.
        case values(DType, Tensor)
    }

    /// Reads an array, keeping uint8 as bytes (an uncompressed file is
    /// memory-mapped once its header and size check out).
    static func readContents(_ path: String, maxBytes: Int = ReadOptions.defaultMaxBytes) throws -> Contents {
        let reader = try GzipFile.Reader(path)
        let (dtype, shape, shapeText, fail) = try header(reader)
        let described = "shape \(shapeText) of \(dtype)"
        if dtype.kind == .unsigned && dtype.size == 1 {
            return .bytes(shape: shape, try DeclaredArray.readBytes(from: reader, shape: shape, described: described, maxBytes: maxBytes, fail: fail))
        }
        return .values(dtype, try DeclaredArray.read(from: reader, shape: shape, elementWidth: dtype.size, described: described,
                                                     maxBytes: maxBytes, fail: fail) { decode($0, as: dtype, into: $1) })
    }

    /// Converts elements of `dtype` to Float.
    private static func decode(_ src: UnsafeRawBufferPointer, as dtype: DType, into dst: UnsafeMutablePointer<Float>) {
        let n = src.count / dtype.size
        guard n > 0, let base = src.baseAddress else { return }
        let big = dtype.bigEndian
        func u16(_ i: Int) -> UInt16 {
            let v = base.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)
            return big ? UInt16(bigEndian: v) : UInt16(littleEndian: v)
        }
        func u32(_ i: Int) -> UInt32 {
            let v = base.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)
            return big ? UInt32(bigEndian: v) : UInt32(littleEndian: v)
        }
        func u64(_ i: Int) -> UInt64 {
            let v = base.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)
            return big ? UInt64(bigEndian: v) : UInt64(littleEndian: v)
        }
        switch (dtype.kind, dtype.size) {
        case (.bool, _): for i in 0..<n { dst[i] = src[i] == 0 ? 0 : 1 }
        case (.unsigned, 1): for i in 0..<n { dst[i] = Float(src[i]) }
        case (.signed, 1): for i in 0..<n { dst[i] = Float(Int8(bitPattern: src[i])) }
        case (.unsigned, 2): for i in 0..<n { dst[i] = Float(u16(i)) }
        case (.signed, 2): for i in 0..<n { dst[i] = Float(Int16(bitPattern: u16(i))) }
        case (.float, 2): for i in 0..<n { dst[i] = Float(Float16(bitPattern: u16(i))) }
        case (.unsigned, 4): for i in 0..<n { dst[i] = Float(u32(i)) }
        case (.signed, 4): for i in 0..<n { dst[i] = Float(Int32(bitPattern: u32(i))) }
        case (.float, 4): for i in 0..<n { dst[i] = Float(bitPattern: u32(i)) }
        case (.unsigned, _): for i in 0..<n { dst[i] = Float(u64(i)) }
        case (.signed, _): for i in 0..<n { dst[i] = Float(Int64(bitPattern: u64(i))) }
        case (.float, _): for i in 0..<n { dst[i] = Float(Double(bitPattern: u64(i))) }
        }
    }

    /// Writes a float32 little-endian C-order array, atomically.
    public static func write(_ tensor: Tensor, to path: String) throws {
        try AtomicFile.write(encode(tensor), to: URL(fileURLWithPath: path))
    }

    public static func encode(_ tensor: Tensor) -> Data {
        let shape = tensor.shape.count == 1 ? "(\(tensor.shape[0]),)" : "(\(tensor.shape.map(String.init).joined(separator: ", ")))"
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shape), }"
        // Pad with spaces and end with a newline so the data starts on a 64-byte boundary.
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        let n = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(n & 0xFF), UInt8(n >> 8)])
        data.append(contentsOf: Array(header.utf8))
        tensor.withData { data.append(UnsafeBufferPointer(start: $0, count: tensor.count)) }
        return data
    }
}

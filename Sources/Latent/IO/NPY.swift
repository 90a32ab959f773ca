import Foundation

/// NumPy's .npy format (versions 1.0, 2.0 and 3.0): a magic string, a header
/// (a Python dict literal with 'descr', 'fortran_order' and 'shape'), then the
/// raw array. Reads float32, float64 and uint8 (and the other integer types)
/// in C order, either byte order; refuses Fortran order and object arrays
/// (it never unpickles). Writes float32 arrays in version 1.0.
///
/// ```swift
/// let faces = try NPY.read("faces.npy")          // e.g. [N, 24, 24] uint8 → Float
/// try NPY.write(samples, to: "samples.npy")
/// ```
public enum NPY {
    public static func read(_ path: String, maxBytes: Int = ReadOptions.defaultMaxBytes) throws -> Tensor {
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > maxBytes {
            throw LatentError.invalidFile(path: path, reason: "is \(size) bytes, more than the limit of \(maxBytes) (raise it with --max-bytes)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LatentError.invalidFile(path: path, reason: "cannot read the file (missing or unreadable)")
        }
        return try decode(data, path: path)
    }

    static func decode(_ data: Data, path: String) throws -> Tensor {
        func fail(_ reason: String) -> LatentError { .invalidFile(path: path, reason: "not a readable .npy file: \(reason)") }
        let bytes = [UInt8](data)
        let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else { throw fail("missing the \\x93NUMPY magic string") }
        let major = bytes[6]
        let headerLength: Int, headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw fail("truncated header length") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        default:
            throw fail("unsupported format version \(major).\(bytes[7])")
        }
        guard bytes.count >= headerStart + headerLength else { throw fail("truncated inside the header") }
        let header = String(decoding: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self)
        guard let descr = field("descr", in: header)?.trimmingCharacters(in: CharacterSet(charactersIn: "'\"")) else {
            throw fail("the header has no 'descr'")
        }
        if descr.contains("O") || descr.hasPrefix("[") || descr.hasPrefix("(") {
            throw fail("dtype \(descr) is an object or structured array; Latent never unpickles data")
        }
        guard let fortran = field("fortran_order", in: header) else { throw fail("the header has no 'fortran_order'") }
        if fortran == "True" { throw fail("the array is in Fortran order; save it with numpy.ascontiguousarray first") }
        guard let shapeText = field("shape", in: header) else { throw fail("the header has no 'shape'") }
        let dims = shapeText.trimmingCharacters(in: CharacterSet(charactersIn: "()"))
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        var shape: [Int] = []
        var count = 1
        for d in dims {
            guard let v = Int(d), v >= 0 else { throw fail("bad dimension '\(d)' in shape \(shapeText)") }
            let (p, o) = count.multipliedReportingOverflow(by: v)
            guard !o, p <= Int(Int32.max) else { throw fail("shape \(shapeText) is too large") }
            shape.append(v)
            count = p
        }
        let order = descr.first!
        let kind = String(descr.dropFirst())
        let width: Int
        switch kind {
        case "f4", "i4", "u4": width = 4
        case "f8", "i8", "u8": width = 8
        case "f2", "i2", "u2": width = 2
        case "u1", "i1", "b1": width = 1
        default: throw fail("unsupported dtype \(descr) (Latent reads float32, float64 and integer arrays)")
        }
        let bigEndian = order == ">"
        guard order == "<" || order == ">" || order == "|" || order == "=" else { throw fail("unknown byte order in \(descr)") }
        let start = headerStart + headerLength
        guard bytes.count - start >= count * width else {
            throw fail("shape \(shape) of \(descr) needs \(count * width) bytes but the file holds \(bytes.count - start) (truncated?)")
        }
        let t = Tensor(uninitializedShape: shape)
        let dst = t.storage.pointer
        bytes.withUnsafeBufferPointer { b in
            let src = UnsafeRawPointer(b.baseAddress! + start)
            for i in 0..<count {
                let p = src + i * width
                func u16() -> UInt16 { let v = p.loadUnaligned(as: UInt16.self); return bigEndian ? v.byteSwapped : v }
                func u32() -> UInt32 { let v = p.loadUnaligned(as: UInt32.self); return bigEndian ? v.byteSwapped : v }
                func u64() -> UInt64 { let v = p.loadUnaligned(as: UInt64.self); return bigEndian ? v.byteSwapped : v }
                switch kind {
                case "f4": dst[i] = Float(bitPattern: u32())
                case "f8": dst[i] = Float(Double(bitPattern: u64()))
                case "f2": dst[i] = Float(Float16(bitPattern: u16()))
                case "i4": dst[i] = Float(Int32(bitPattern: u32()))
                case "u4": dst[i] = Float(u32())
                case "i8": dst[i] = Float(Int64(bitPattern: u64()))
                case "u8": dst[i] = Float(u64())
                case "i2": dst[i] = Float(Int16(bitPattern: u16()))
                case "u2": dst[i] = Float(u16())
                case "i1": dst[i] = Float(p.load(as: Int8.self))
                default: dst[i] = Float(p.load(as: UInt8.self))
                }
            }
        }
        return t
    }

    /// The value text of `key` in a Python dict literal ("'shape': (3, 4), ...").
    static func field(_ key: String, in header: String) -> String? {
        guard let keyRange = header.range(of: "'\(key)'") ?? header.range(of: "\"\(key)\"") else { return nil }
        var rest = header[keyRange.upperBound...].drop { $0 == " " || $0 == ":" }
        if rest.first == "(" {
            guard let close = rest.firstIndex(of: ")") else { return nil }
            return String(rest[...close])
        }
        rest = rest.prefix { $0 != "," && $0 != "}" }
        return rest.trimmingCharacters(in: .whitespaces)
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

import Foundation

/// Reads and writes the safetensors format: an 8-byte little-endian header
/// length, a JSON header naming each tensor's dtype, shape and byte range,
/// then the raw little-endian data. Files written here load in Python with
/// `safetensors.numpy.load_file` and `safetensors.torch.load_file`.
///
/// ```swift
/// try Safetensors.save(model.stateDict(), metadata: ["model": "vae"], to: url)
/// let tensors = try Safetensors.load(from: url)
/// try model.loadStateDict(tensors)
/// ```
public enum Safetensors {
    /// Writes `tensors` as F32, sorted by name, atomically.
    public static func save(_ tensors: [String: Tensor], metadata: [String: String] = [:], to url: URL) throws {
        try AtomicFile.write(encode(tensors, metadata: metadata), to: url)
    }

    /// The file's bytes for `tensors`.
    public static func encode(_ tensors: [String: Tensor], metadata: [String: String] = [:]) -> Data {
        var header = "{"
        var entries: [String] = []
        if !metadata.isEmpty {
            let fields = metadata.sorted { $0.key < $1.key }.map { "\(jsonString($0.key)):\(jsonString($0.value))" }
            entries.append("\"__metadata__\":{\(fields.joined(separator: ","))}")
        }
        var offset = 0
        let names = tensors.keys.sorted()
        for name in names {
            let t = tensors[name]!
            let bytes = t.count * 4
            entries.append("\(jsonString(name)):{\"dtype\":\"F32\",\"shape\":[\(t.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + bytes)]}")
            offset += bytes
        }
        header += entries.joined(separator: ",") + "}"
        // Pad the header with spaces so the data starts 8-byte aligned.
        while header.utf8.count % 8 != 0 { header += " " }
        var data = Data()
        var length = UInt64(header.utf8.count).littleEndian
        withUnsafeBytes(of: &length) { data.append(contentsOf: $0) }
        data.append(contentsOf: Array(header.utf8))
        for name in names {
            let t = tensors[name]!
            t.withData { p in
                data.append(UnsafeBufferPointer(start: p, count: t.count))   // x86-64 is little-endian
            }
        }
        return data
    }

    /// Reads every tensor of a safetensors file (F32, F64, F16 and integer
    /// dtypes are converted to Float). Errors name the file and the problem.
    public static func load(from url: URL) throws -> [String: Tensor] {
        let path = url.path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LatentError.invalidFile(path: path, reason: "cannot read the file (missing or unreadable)")
        }
        return try decode(data, path: path).tensors
    }

    /// The metadata strings of a safetensors file.
    public static func metadata(from url: URL) throws -> [String: String] {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw LatentError.invalidFile(path: url.path, reason: "cannot read the file (missing or unreadable)")
        }
        return try decode(data, path: url.path).metadata
    }

    static func decode(_ data: Data, path: String) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        func fail(_ reason: String) -> LatentError { .invalidFile(path: path, reason: "not a valid safetensors file: \(reason)") }
        guard data.count >= 8 else { throw fail("only \(data.count) bytes, shorter than the 8-byte header length") }
        let headerLength = data.prefix(8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard headerLength <= UInt64(data.count - 8), headerLength <= 100_000_000 else {
            throw fail("header length \(headerLength) exceeds the file size \(data.count) (truncated?)")
        }
        let headerData = data.subdata(in: 8..<(8 + Int(headerLength)))
        guard let json = try? JSONSerialization.jsonObject(with: headerData) as? [String: Any] else {
            throw fail("the header is not a JSON object")
        }
        let body = data.subdata(in: (8 + Int(headerLength))..<data.count)
        var tensors: [String: Tensor] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in json {
            if name == "__metadata__" {
                if let m = value as? [String: String] { metadata = m }
                continue
            }
            guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String,
                  let shape = (entry["shape"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
                  let offsets = (entry["data_offsets"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
                  offsets.count == 2 else {
                throw fail("entry \(name) lacks dtype, shape or data_offsets")
            }
            guard shape.allSatisfy({ $0 >= 0 }) else { throw fail("tensor \(name) has a negative dimension") }
            let (count, overflow) = shape.reduce((1, false)) { acc, d in
                let (p, o) = acc.0.multipliedReportingOverflow(by: d)
                return (p, acc.1 || o)
            }
            guard !overflow else { throw fail("tensor \(name): shape \(shape) overflows") }
            let width: Int
            switch dtype {
            case "F32", "I32", "U32": width = 4
            case "F64", "I64": width = 8
            case "F16", "BF16", "I16": width = 2
            case "U8", "I8", "BOOL": width = 1
            default: throw fail("tensor \(name) has unsupported dtype \(dtype)")
            }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin >= 0, end >= begin, end <= body.count else {
                throw fail("tensor \(name): bytes \(begin)..<\(end) lie outside the \(body.count) data bytes (truncated?)")
            }
            guard end - begin == count * width else {
                throw fail("tensor \(name): \(end - begin) bytes for shape \(shape) of \(dtype)")
            }
            let t = Tensor(uninitializedShape: shape)
            body.withUnsafeBytes { raw in
                let src = raw.baseAddress! + begin
                let dst = t.storage.pointer
                for i in 0..<count {
                    let p = src + i * width
                    switch dtype {
                    case "F32": dst[i] = Float(bitPattern: UInt32(littleEndian: p.loadUnaligned(as: UInt32.self)))
                    case "F64": dst[i] = Float(Double(bitPattern: UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))))
                    case "F16": dst[i] = Float(Float16(bitPattern: UInt16(littleEndian: p.loadUnaligned(as: UInt16.self))))
                    case "BF16": dst[i] = Float(bitPattern: UInt32(UInt16(littleEndian: p.loadUnaligned(as: UInt16.self))) << 16)
                    case "I32": dst[i] = Float(Int32(littleEndian: p.loadUnaligned(as: Int32.self)))
                    case "U32": dst[i] = Float(UInt32(littleEndian: p.loadUnaligned(as: UInt32.self)))
                    case "I64": dst[i] = Float(Int64(littleEndian: p.loadUnaligned(as: Int64.self)))
                    case "I16": dst[i] = Float(Int16(littleEndian: p.loadUnaligned(as: Int16.self)))
                    case "I8": dst[i] = Float(p.load(as: Int8.self))
                    default: dst[i] = Float(p.load(as: UInt8.self))
                    }
                }
            }
            tensors[name] = t
        }
        return (tensors, metadata)
    }

    static func jsonString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }
}

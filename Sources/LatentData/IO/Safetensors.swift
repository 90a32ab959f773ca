import Foundation
import LatentTensor

/// Reads and writes the safetensors format: an 8-byte little-endian header
/// length, a JSON header naming each tensor's dtype, shape and byte range,
/// then the raw little-endian data. Files written here load in Python with
/// `safetensors.numpy.load_file` and `safetensors.torch.load_file`.
///
/// Reading checks the whole header before it allocates or reads a value
/// (see `header(from:)`), and files written here carry a CRC-32 in their
/// metadata (`latent_crc32`) that `load` verifies; files from other tools,
/// which lack it, load as well.
///
/// ```swift
/// try Safetensors.save(model.stateDict(), metadata: ["model": "vae"], to: url)
/// let tensors = try Safetensors.load(from: url)
/// try model.loadStateDict(tensors)
/// ```
public enum Safetensors {
    /// The metadata key of the checksum: 8 lower-case hex digits of the zlib
    /// CRC-32 of the tensor table (names, dtypes, shapes, offsets), the other
    /// metadata, and the data section, so a changed byte anywhere is caught.
    public static let checksumKey = "latent_crc32"

    /// Writes `tensors` as F32, sorted by name, atomically, with a checksum.
    public static func save(_ tensors: [String: Tensor], metadata: [String: String] = [:], to url: URL) throws {
        guard tensors["__metadata__"] == nil else {
            throw LatentError.invalidArgument("a tensor cannot be named __metadata__ in a safetensors file")
        }
        try AtomicFile.write(encode(tensors, metadata: metadata), to: url)
    }

    /// The file's bytes for `tensors`, with `checksumKey` added to the metadata.
    public static func encode(_ tensors: [String: Tensor], metadata: [String: String] = [:]) -> Data {
        precondition(tensors["__metadata__"] == nil, "a tensor cannot be named __metadata__")
        let names = tensors.keys.sorted()
        var table: [String: TensorInfo] = [:]
        var offset = 0
        for name in names {
            let t = tensors[name]!
            table[name] = TensorInfo(dtype: "F32", shape: t.shape, dataOffsets: offset..<(offset + t.count * 4))
            offset += t.count * 4
        }
        var body = Data(capacity: offset)
        for name in names {
            let t = tensors[name]!
            t.withData { p in body.append(UnsafeBufferPointer(start: p, count: t.count)) }   // x86-64 is little-endian
        }
        var meta = metadata
        meta[checksumKey] = nil
        meta[checksumKey] = checksum(table: table, metadata: meta, body: body)

        var entries: [String] = []
        let fields = meta.sorted { $0.key < $1.key }.map { "\(jsonString($0.key)):\(jsonString($0.value))" }
        entries.append("\"__metadata__\":{\(fields.joined(separator: ","))}")
        for name in names {
            let info = table[name]!
            entries.append("\(jsonString(name)):{\"dtype\":\"F32\",\"shape\":[\(info.shape.map(String.init).joined(separator: ","))],"
                           + "\"data_offsets\":[\(info.dataOffsets.lowerBound),\(info.dataOffsets.upperBound)]}")
        }
        var header = "{" + entries.joined(separator: ",") + "}"
        // Pad the header with spaces so the data starts 8-byte aligned.
        while header.utf8.count % 8 != 0 { header += " " }
        var data = Data(capacity: 8 + header.utf8.count + body.count)
        var length = UInt64(header.utf8.count).littleEndian
        withUnsafeBytes(of: &length) { data.append(contentsOf: $0) }
        data.append(contentsOf: Array(header.utf8))
        data.append(body)
        return data
    }

    /// Reads every tensor of a safetensors file (F32, F64, F16 and integer
    /// dtypes are converted to Float). Errors name the file and the problem.
    public static func load(from url: URL) throws -> [String: Tensor] {
        try decode(read(url), path: url.path).tensors
    }

    /// Every tensor and the metadata strings, from one read of the file.
    ///
    /// ```swift
    /// let (tensors, metadata) = try Safetensors.loadWithMetadata(from: url)
    /// ```
    public static func loadWithMetadata(from url: URL) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        try decode(read(url), path: url.path)
    }

    /// The metadata strings of a safetensors file, as given to `save` (the
    /// checksum is verified, not returned). Checked like `load`.
    public static func metadata(from url: URL) throws -> [String: String] {
        let data = try read(url)
        let header = try decodeHeader(data, path: url.path)
        try verifyChecksum(header, data: data, path: url.path)
        return header.metadata
    }

    /// The names, dtypes and shapes of a file's tensors, and its metadata,
    /// read and checked without reading any tensor data (nor verifying the
    /// checksum, which covers the data: `load` does that).
    ///
    /// ```swift
    /// let header = try Safetensors.header(from: url)
    /// try model.stateLayout().check(shapes: header.tensors.mapValues(\.shape))
    /// ```
    public static func header(from url: URL) throws -> Header {
        let path = url.path
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw LatentError.invalidFile(path: path, reason: "cannot read the file (missing or unreadable)")
        }
        defer { try? handle.close() }
        do {
            let fileSize = Int(try handle.seekToEnd())
            try handle.seek(toOffset: 0)
            let prefix = try handle.read(upToCount: 8) ?? Data()
            let length = try headerLength(prefix, fileSize: fileSize, path: path)
            let bytes = try handle.read(upToCount: length) ?? Data()
            guard bytes.count == length else { throw invalid(path, "the file ends inside the header") }
            return try parseHeader([UInt8](bytes), dataCount: fileSize - 8 - length, path: path)
        } catch let error as LatentError {
            throw error
        } catch {
            throw LatentError.invalidFile(path: path, reason: "cannot read the file: \(error.localizedDescription)")
        }
    }

    static func read(_ url: URL) throws -> Data {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw LatentError.invalidFile(path: url.path, reason: "cannot read the file (missing or unreadable)")
        }
        return data
    }

    static func decodeHeader(_ data: Data, path: String) throws -> Header {
        let length = try headerLength(data.prefix(8), fileSize: data.count, path: path)
        let bytes = [UInt8](data[data.startIndex + 8 ..< data.startIndex + 8 + length])
        return try parseHeader(bytes, dataCount: data.count - 8 - length, path: path)
    }

    /// Checks the header, then the checksum when the file has one, then converts the values.
    static func decode(_ data: Data, path: String) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        let header = try decodeHeader(data, path: path)
        try verifyChecksum(header, data: data, path: path)
        var tensors: [String: Tensor] = [:]
        data.withUnsafeBytes { raw in
            let body = raw.baseAddress! + header.dataStart
            for (name, info) in header.tensors {
                tensors[name] = convert(body + info.dataOffsets.lowerBound, dtype: info.dtype, shape: info.shape)
            }
        }
        return (tensors, header.metadata)
    }

    /// Reads a checked range as Float values.
    static func convert(_ src: UnsafeRawPointer, dtype: String, shape: [Int]) -> Tensor {
        let t = Tensor(uninitializedShape: shape)
        let dst = t.storage.pointer
        let width = dtypeWidths[dtype]!
        for i in 0..<t.count {
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
            default: dst[i] = Float(p.load(as: UInt8.self))   // U8, BOOL
            }
        }
        return t
    }

    // MARK: Checksum

    /// Verifies `checksumKey` when the metadata has it; files without it pass.
    static func verifyChecksum(_ header: Header, data: Data, path: String) throws {
        guard let stored = header.checksum else { return }
        guard stored.utf8.count == 8, UInt32(stored, radix: 16) != nil else {
            throw invalid(path, "metadata \(checksumKey) is \"\(stored.prefix(20))\", expected 8 hex digits")
        }
        let body = data[(data.startIndex + header.dataStart)...]
        guard checksum(table: header.tensors, metadata: header.metadata, body: body) == stored.lowercased() else {
            throw LatentError.invalidFile(path: path, reason: "checksum mismatch: the file is corrupt")
        }
    }

    /// CRC-32 over a canonical text of the table and metadata (independent of
    /// JSON spelling and order), then the data bytes: 8 lower-case hex digits.
    static func checksum(table: [String: TensorInfo], metadata: [String: String], body: Data) -> String {
        var text = ""
        for (name, info) in table.sorted(by: { $0.key < $1.key }) {
            text += "\(name)\u{0}\(info.dtype)\u{0}\(info.shape)\u{0}\(info.dataOffsets.lowerBound),\(info.dataOffsets.upperBound)\n"
        }
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) { text += "\(key)\u{0}\(value)\n" }
        let crc = Checksum.crc32(body, continuing: Checksum.crc32(Data(text.utf8)))
        let hex = String(crc, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
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

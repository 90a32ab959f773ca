import Foundation
import LatentTensor

extension Safetensors {
    /// One tensor as a safetensors header describes it.
    public struct TensorInfo: Equatable, Sendable {
        /// The element type as written in the file ("F32", "F16", "I64", ...).
        public let dtype: String
        public let shape: [Int]
        /// Byte range inside the data section.
        public let dataOffsets: Range<Int>
    }

    /// A safetensors header that passed every check: tensor entries, metadata
    /// strings, and where the data section starts. Reading it touches no tensor data.
    ///
    /// ```swift
    /// let header = try Safetensors.header(from: url)
    /// header.tensors["encoder.0.weight"]?.shape   // [128, 784]
    /// ```
    public struct Header: Sendable {
        public let tensors: [String: TensorInfo]
        /// The metadata strings, without the checksum.
        public let metadata: [String: String]
        /// The stored `checksumKey` value, if the file has one.
        public let checksum: String?
        /// Offset of the data section in the file (8 + the header length).
        public let dataStart: Int
        /// Size of the data section in bytes.
        public let dataCount: Int
    }

    /// Bytes per element of each dtype this reader converts to Float.
    static let dtypeWidths: [String: Int] = ["F64": 8, "I64": 8, "F32": 4, "I32": 4, "U32": 4,
                                             "F16": 2, "BF16": 2, "I16": 2, "U8": 1, "I8": 1, "BOOL": 1]
    /// The largest header accepted (the reference implementation's limit is 100 MB).
    static let maxHeaderLength = 100_000_000

    static func invalid(_ path: String, _ reason: String) -> LatentError {
        .invalidFile(path: path, reason: "not a valid safetensors file: \(reason)")
    }

    /// The header length from the first 8 bytes, checked against the file size.
    static func headerLength(_ prefix: Data, fileSize: Int, path: String) throws -> Int {
        guard fileSize >= 8, prefix.count >= 8 else {
            throw invalid(path, "only \(fileSize) bytes, shorter than the 8-byte header length")
        }
        let raw = prefix.prefix(8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard raw <= UInt64(fileSize - 8) else {
            throw invalid(path, "header length \(raw) exceeds the file size \(fileSize) (truncated?)")
        }
        guard raw <= UInt64(maxHeaderLength) else {
            throw invalid(path, "header length \(raw) is above the limit of \(maxHeaderLength) bytes")
        }
        guard raw >= 2 else { throw invalid(path, "header length \(raw) is too short for a JSON object") }
        return Int(raw)
    }

    /// Parses and checks the JSON header: every entry, the metadata, and that
    /// the entries' byte ranges tile the `dataCount` data bytes exactly.
    static func parseHeader(_ bytes: [UInt8], dataCount: Int, path: String) throws -> Header {
        guard bytes.first == UInt8(ascii: "{") else { throw invalid(path, "the header is not a JSON object") }
        let json: HeaderJSON
        do { json = try HeaderJSON.parse(bytes) } catch {
            throw invalid(path, "the header is not valid JSON: \(error)")
        }
        guard let members = json.members else { throw invalid(path, "the header is not a JSON object") }
        var tensors: [String: TensorInfo] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in members {
            if name == "__metadata__" {
                metadata = try parseMetadata(value, path: path)
            } else {
                tensors[name] = try parseEntry(name, value, dataCount: dataCount, path: path)
            }
        }
        try checkCoverage(tensors, dataCount: dataCount, path: path)
        let checksum = metadata.removeValue(forKey: checksumKey)
        return Header(tensors: tensors, metadata: metadata, checksum: checksum, dataStart: 8 + bytes.count, dataCount: dataCount)
    }

    static func parseMetadata(_ value: HeaderJSON, path: String) throws -> [String: String] {
        guard let members = value.members else { throw invalid(path, "__metadata__ is \(value.kind), expected an object of strings") }
        var metadata: [String: String] = [:]
        for (key, v) in members {
            guard let s = v.string else {
                throw invalid(path, "__metadata__ entry \"\(key)\" is \(v.kind), expected a string")
            }
            metadata[key] = s
        }
        return metadata
    }

    static func parseEntry(_ name: String, _ value: HeaderJSON, dataCount: Int, path: String) throws -> TensorInfo {
        func fail(_ reason: String) -> LatentError { invalid(path, "tensor \"\(name)\": \(reason)") }
        guard let members = value.members else { throw fail("entry is \(value.kind), expected an object") }
        if let extra = members.first(where: { !["dtype", "shape", "data_offsets"].contains($0.key) }) {
            throw fail("unknown field \"\(extra.key)\" (expected only dtype, shape and data_offsets)")
        }
        guard let dtypeValue = value.member("dtype") else { throw fail("lacks the field dtype") }
        guard let dtype = dtypeValue.string else { throw fail("dtype is \(dtypeValue.kind), expected a string") }
        guard let width = dtypeWidths[dtype] else {
            throw fail("unsupported dtype \"\(dtype.prefix(20))\" (supported: \(dtypeWidths.keys.sorted().joined(separator: ", ")))")
        }
        guard let shapeValue = value.member("shape") else { throw fail("lacks the field shape") }
        guard let shapeItems = shapeValue.elements else { throw fail("shape is \(shapeValue.kind), expected an array of integers") }
        var shape: [Int] = []
        for item in shapeItems {
            guard let d = item.integer, d >= 0 else { throw fail("shape has \(item.kind), expected non-negative integers") }
            shape.append(d)
        }
        // Every partial product must fit (strides are built from them), zeros counted as one.
        var count = 1, span = width
        for d in shape {
            let (s, o1) = span.multipliedReportingOverflow(by: Swift.max(d, 1))
            guard !o1 else { throw fail("shape \(shape) of \(dtype) is too large (its byte size overflows)") }
            span = s
            count *= d
        }
        let bytes = count * width
        guard let offsetsValue = value.member("data_offsets") else { throw fail("lacks the field data_offsets") }
        guard let offsetItems = offsetsValue.elements, offsetItems.count == 2,
              let begin = offsetItems[0].integer, let end = offsetItems[1].integer else {
            throw fail("data_offsets is \(offsetsValue.kind), expected two integers [begin, end]")
        }
        guard begin >= 0, begin <= end else { throw fail("data_offsets [\(begin), \(end)] do not satisfy 0 ≤ begin ≤ end") }
        guard end <= dataCount else {
            throw fail("data_offsets [\(begin), \(end)] lie outside the \(dataCount) data bytes (truncated?)")
        }
        guard end - begin == bytes else {
            throw fail("data_offsets [\(begin), \(end)] hold \(end - begin) bytes, but shape \(shape) of \(dtype) needs \(bytes)")
        }
        return TensorInfo(dtype: dtype, shape: shape, dataOffsets: begin..<end)
    }

    /// The spec's rule: the ranges neither overlap nor leave holes, and they end where the file ends.
    static func checkCoverage(_ tensors: [String: TensorInfo], dataCount: Int, path: String) throws {
        let ordered = tensors.sorted { ($0.value.dataOffsets.lowerBound, $0.value.dataOffsets.upperBound, $0.key) <
                                       ($1.value.dataOffsets.lowerBound, $1.value.dataOffsets.upperBound, $1.key) }
        var covered = 0
        var previous: (name: String, range: Range<Int>)?
        for (name, info) in ordered {
            let r = info.dataOffsets
            if r.lowerBound < covered, let previous {
                throw invalid(path, "tensor \"\(name)\": data_offsets [\(r.lowerBound), \(r.upperBound)] overlap those of "
                                  + "\"\(previous.name)\" [\(previous.range.lowerBound), \(previous.range.upperBound)]")
            }
            if r.lowerBound > covered {
                throw invalid(path, "data bytes \(covered)..<\(r.lowerBound) belong to no tensor (a gap before \"\(name)\")")
            }
            covered = r.upperBound
            if !r.isEmpty { previous = (name, r) }
        }
        if covered != dataCount {
            throw invalid(path, "data bytes \(covered)..<\(dataCount) belong to no tensor (trailing bytes after the last tensor)")
        }
    }
}

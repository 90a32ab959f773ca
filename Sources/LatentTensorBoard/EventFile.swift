import Foundation
import LatentTensor

/// TensorFlow's record framing, the container of an event file: each record is its length
/// (UInt64, little-endian), the masked CRC-32C of those 8 bytes, the data, and the masked
/// CRC-32C of the data.
///
/// ```swift
/// let framed = EventRecord.frame(Data("hello".utf8))   // 8 + 4 + 5 + 4 bytes
/// let back = try EventRecord.records(in: framed)       // (records: [hello], truncated: false)
/// ```
public enum EventRecord {
    /// `data` framed as one record.
    public static func frame(_ data: Data) -> Data {
        var out = Data(capacity: data.count + 16)
        var length = UInt64(data.count).littleEndian
        let lengthBytes = withUnsafeBytes(of: &length) { Data($0) }
        out.append(lengthBytes)
        append(CRC32C.masked(CRC32C.checksum(lengthBytes)), to: &out)
        out.append(data)
        append(CRC32C.masked(CRC32C.checksum(data)), to: &out)
        return out
    }

    /// The records in `data`, every checksum verified. An incomplete record at the end (a
    /// writer killed mid-record, or one still writing) is left out and reported as
    /// `truncated`; a checksum that does not match throws.
    public static func records(in data: Data, path: String = "event file") throws -> (records: [Data], truncated: Bool) {
        let bytes = [UInt8](data)
        var records: [Data] = []
        var at = 0
        while at < bytes.count {
            guard bytes.count - at >= 12 else { return (records, true) }
            let header = bytes[at..<at + 8]
            guard CRC32C.masked(CRC32C.checksum(header)) == word(bytes, at + 8) else {
                throw LatentError.invalidFile(path: path, reason: "the length of record \(records.count + 1) fails its CRC-32C")
            }
            let length = header.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            guard length <= UInt64(bytes.count - at - 12) else { return (records, true) }
            let start = at + 12, end = start + Int(length)
            guard bytes.count - end >= 4 else { return (records, true) }
            guard CRC32C.masked(CRC32C.checksum(bytes[start..<end])) == word(bytes, end) else {
                throw LatentError.invalidFile(path: path, reason: "the data of record \(records.count + 1) fails its CRC-32C")
            }
            records.append(Data(bytes[start..<end]))
            at = end + 4
        }
        return (records, false)
    }

    static func append(_ value: UInt32, to data: inout Data) {
        var v = value.littleEndian
        withUnsafeBytes(of: &v) { data.append(contentsOf: $0) }
    }

    static func word(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[at + $1]) << (8 * $1) }
    }
}

/// An event file being written: `events.out.tfevents.<seconds>.<host>.<pid>` in a folder,
/// opened once (never an existing file: a resumed run starts a new one) and appended to
/// record by record. Each record goes out in one `write` on a descriptor opened for
/// appending, so a killed process leaves every whole record readable; `sync()` makes them
/// durable (the trainer calls it once per epoch).
///
/// ```swift
/// let file = try EventFileWriter(folder: "runs/vae-1/tensorboard")
/// try file.write(event)
/// ```
public final class EventFileWriter {
    public let path: String
    private let fd: Int32

    /// Creates the folder if needed and a new file in it, starting with the file-version event.
    public init(folder: String, now: Date = Date()) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "localhost"
        let base = "\(folder)/events.out.tfevents.\(Int(now.timeIntervalSince1970)).\(host.isEmpty ? "localhost" : host).\(getpid())"
        var candidate = base, n = 0
        var opened: Int32 = -1
        while true {
            opened = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0o644)
            if opened >= 0 || errno != EEXIST { break }
            n += 1
            candidate = "\(base).\(n)"
        }
        guard opened >= 0 else {
            throw LatentError.invalidFile(path: candidate, reason: "cannot create the event file: \(String(cString: strerror(errno)))")
        }
        path = candidate
        fd = opened
        var version = TensorBoardEvent()
        version.wallTime = now.timeIntervalSince1970
        version.what = .fileVersion("brain.Event:2")
        try write(version)
    }

    deinit { close(fd) }

    /// Appends one event as one record.
    public func write(_ event: TensorBoardEvent) throws {
        let record = EventRecord.frame(try event.serializedBytes())
        if let problem = appendAll(fd, record) {
            throw LatentError.invalidFile(path: path, reason: "cannot append to the event file: \(problem)")
        }
    }

    /// Flushes the file to disk.
    public func sync() { fsync(fd) }
}

/// Writes all of `data` (one `write` unless the kernel takes less); nil, or what went wrong.
private func appendAll(_ fd: Int32, _ data: Data) -> String? {
    data.withUnsafeBytes { raw -> String? in
        var offset = 0
        while offset < raw.count {
            let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                return String(cString: strerror(errno))
            }
            offset += n
        }
        return nil
    }
}

/// Reads an event file back: every whole record decoded as an event.
///
/// ```swift
/// for event in try EventFileReader.events(at: path) where event.summary != nil { … }
/// ```
public enum EventFileReader {
    public static func events(at path: String) throws -> [TensorBoardEvent] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try EventRecord.records(in: data, path: path).records.map { try TensorBoardEvent(serializedBytes: $0) }
    }

    /// The event files in `folder`, oldest first (their names start with the time they were created).
    public static func files(in folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasPrefix("events.out.tfevents.") }.sorted().map { folder + "/" + $0 }
    }
}

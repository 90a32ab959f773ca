import Foundation
import LatentTensor
import LatentData

/// One JSON object per line: per-epoch records (with "epoch") and optional per-step records (with "step").
public struct MetricsLog: Sendable {
    public let path: String

    /// Appends one record as one line with a single `write` and syncs it, so a
    /// killed run keeps every finished line and at most one torn last line
    /// (which `records()` skips and `truncate(afterEpoch:)` removes).
    public func append(_ record: [String: Any]) throws {
        let line = try JSONSerialization.data(withJSONObject: record.mapValues(MetricsLog.jsonSafe), options: [.sortedKeys]) + Data("\n".utf8)
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw LatentError.invalidFile(path: path, reason: "cannot open the metrics log for writing: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        try line.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw LatentError.invalidFile(path: path, reason: "cannot append to the metrics log: \(String(cString: strerror(errno)))")
                }
                offset += n
            }
        }
        _ = fsync(fd)
    }

    /// Keeps only whole records of epochs up to `epoch` (a resumed run starts
    /// from its checkpoint, so nothing after it may stay) and drops a torn
    /// line; rewrites the file atomically, and only when something changes.
    public func truncate(afterEpoch epoch: Int) throws {
        guard let data = FileManager.default.contents(atPath: path) else { return }
        var kept: [Substring] = []
        var changed = false
        let text = String(decoding: data, as: UTF8.self)
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            guard let record = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else { changed = true; continue }
            if let e = record["epoch"] as? Int, e > epoch { changed = true; continue }
            kept.append(line)
        }
        if !text.isEmpty && !text.hasSuffix("\n") { changed = true }
        guard changed else { return }
        let body = kept.map { $0 + "\n" }.joined()
        try AtomicFile.write(Data(body.utf8), to: URL(fileURLWithPath: path))
    }

    /// Non-finite numbers become strings ("nan", "inf"): JSON has no such numbers.
    static func jsonSafe(_ v: Any) -> Any {
        if let d = v as? Double, !d.isFinite { return d.isNaN ? "nan" : (d > 0 ? "inf" : "-inf") }
        if let f = v as? Float, !f.isFinite { return f.isNaN ? "nan" : (f > 0 ? "inf" : "-inf") }
        return v
    }

    /// Every record; a torn last line (from a kill mid-write) is skipped.
    public func records() -> [[String: Any]] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }
    }

    /// Per-epoch records only, in order, keeping the last record of an epoch
    /// (a resumed run may repeat one).
    public func epochRecords() -> [[String: Any]] {
        var byEpoch: [Int: [String: Any]] = [:]
        for r in records() { if let e = r["epoch"] as? Int, r["step"] == nil { byEpoch[e] = r } }
        return byEpoch.keys.sorted().map { byEpoch[$0]! }
    }

    /// (epochs, values) of one numeric metric.
    public func series(_ key: String) -> (x: [Double], y: [Double]) {
        var xs: [Double] = [], ys: [Double] = []
        for r in epochRecords() {
            guard let e = r["epoch"] as? Int else { continue }
            if let v = r[key] as? Double { xs.append(Double(e)); ys.append(v) }
            else if let s = r[key] as? String, s == "nan" { xs.append(Double(e)); ys.append(.nan) }
        }
        return (xs, ys)
    }
}

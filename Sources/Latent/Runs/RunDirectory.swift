import Foundation

/// A run's folder: runs/<name>/ with config.json, metrics.jsonl,
/// checkpoints/, images/, plots/ and report.html.
///
/// ```swift
/// let run = try RunDirectory.create(root: "runs", name: "vae-mnist", config: config)
/// try run.metrics.append(["epoch": 1, "train_loss": 250.1])
/// ```
public struct RunDirectory: Sendable {
    public let path: String
    public let config: RunConfig

    public var name: String { (path as NSString).lastPathComponent }
    public var checkpoints: String { path + "/checkpoints" }
    public var images: String { path + "/images" }
    public var plots: String { path + "/plots" }
    public var metricsPath: String { path + "/metrics.jsonl" }
    public var configPath: String { path + "/config.json" }
    public var reportPath: String { path + "/report.html" }
    public var lastCheckpoint: String { checkpoints + "/last.safetensors" }
    public var metrics: MetricsLog { MetricsLog(path: metricsPath) }

    /// Creates a new run folder; the name gets a numeric suffix if taken.
    public static func create(root: String, name: String, config: RunConfig) throws -> RunDirectory {
        let fm = FileManager.default
        var candidate = root + "/" + name
        var n = 2
        while fm.fileExists(atPath: candidate) { candidate = root + "/" + name + "-\(n)"; n += 1 }
        for sub in ["checkpoints", "images", "plots"] {
            try fm.createDirectory(atPath: candidate + "/" + sub, withIntermediateDirectories: true)
        }
        let run = RunDirectory(path: candidate, config: config)
        try run.writeConfig()
        return run
    }

    /// Opens an existing run (a folder path, or a name under `root`).
    public static func open(_ nameOrPath: String, root: String = "runs") throws -> RunDirectory {
        let fm = FileManager.default
        let path = fm.fileExists(atPath: nameOrPath + "/config.json") ? nameOrPath : root + "/" + nameOrPath
        let configPath = path + "/config.json"
        guard let data = fm.contents(atPath: configPath) else {
            throw LatentError.invalidArgument("no run at '\(nameOrPath)' (looked for \(configPath)); `latent runs` lists the runs")
        }
        do {
            let config = try JSONDecoder().decode(RunConfig.self, from: data)
            return RunDirectory(path: path, config: config)
        } catch {
            throw LatentError.invalidFile(path: configPath, reason: "not a valid run configuration (\(error))")
        }
    }

    /// Every run folder under `root`, oldest first.
    public static func list(root: String = "runs") -> [RunDirectory] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return names.compactMap { try? open(root + "/" + $0) }.sorted { $0.config.created < $1.config.created }
    }

    /// The same run with its configuration changed and saved (e.g. more epochs on resume).
    public func updatingConfig(_ change: (inout RunConfig) -> Void) throws -> RunDirectory {
        var config = self.config
        change(&config)
        let updated = RunDirectory(path: path, config: config)
        try updated.writeConfig()
        return updated
    }

    public func writeConfig() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(encoder.encode(config), to: URL(fileURLWithPath: configPath))
    }

    /// A path inside images/ or plots/.
    public func image(_ file: String) -> String { images + "/" + file }
    public func plot(_ file: String) -> String { plots + "/" + file }
}

/// One JSON object per line: per-epoch records (with "epoch") and optional per-step records (with "step").
public struct MetricsLog: Sendable {
    public let path: String

    /// Appends one record and flushes it, so a killed run keeps every finished line.
    public func append(_ record: [String: Any]) throws {
        let data = try JSONSerialization.data(withJSONObject: record.mapValues(MetricsLog.jsonSafe), options: [.sortedKeys])
        if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw LatentError.invalidFile(path: path, reason: "cannot open the metrics log for writing")
        }
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: data + Data("\n".utf8))
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

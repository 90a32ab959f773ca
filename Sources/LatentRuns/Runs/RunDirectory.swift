import Foundation
import LatentTensor
import LatentData

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

    /// Creates a new run folder. A name the user chose (`explicitName`) must be
    /// free: an existing run of that name is refused with a pointer to
    /// `--resume`. A generated name gets the first free numeric suffix; the
    /// folder is claimed with one `mkdir`, so two processes never share it.
    public static func create(root: String, name: String, config: RunConfig, explicitName: Bool = false) throws -> RunDirectory {
        try RunName.validate(name)
        let fm = FileManager.default
        do {
            try fm.createDirectory(atPath: root, withIntermediateDirectories: true)
        } catch {
            throw LatentError.invalidFile(path: root, reason: "cannot create the runs folder: \(UserFacingError.fileReason(error as NSError))")
        }
        var candidate = root + "/" + name
        var n = 2
        while mkdir(candidate, 0o755) != 0 {
            let code = errno
            guard code == EEXIST else {
                throw LatentError.invalidFile(path: candidate, reason: "cannot create the run folder: \(String(cString: strerror(code)))")
            }
            if explicitName {
                throw LatentError.invalidArgument("""
                    a run named '\(name)' already exists in \(root); continue it with `latent train --resume \(name)`, \
                    or choose another --name
                    """)
            }
            candidate = root + "/" + name + "-\(n)"
            n += 1
        }
        do {
            for sub in ["checkpoints", "images", "plots"] {
                try fm.createDirectory(atPath: candidate + "/" + sub, withIntermediateDirectories: true)
            }
        } catch {
            throw LatentError.invalidFile(path: candidate, reason: "cannot create the run's folders: \(UserFacingError.fileReason(error as NSError))")
        }
        let run = RunDirectory(path: candidate, config: config)
        try run.writeConfig()
        return run
    }

    /// Removes temporary files a killed process left behind (`.NAME.PID.tmp`);
    /// call it only while holding the run's `RunLock`.
    public func removeStaleTemporaries() {
        let fm = FileManager.default
        for folder in [path, checkpoints, images, plots] {
            for file in (try? fm.contentsOfDirectory(atPath: folder)) ?? [] where file.hasPrefix(".") && file.hasSuffix(".tmp") {
                try? fm.removeItem(atPath: folder + "/" + file)
            }
        }
    }

    /// Opens an existing run (a folder path, or a name under `root`).
    public static func open(_ nameOrPath: String, root: String = "runs") throws -> RunDirectory {
        let fm = FileManager.default
        let path = fm.fileExists(atPath: nameOrPath + "/config.json") ? nameOrPath : root + "/" + nameOrPath
        let configPath = path + "/config.json"
        guard let data = fm.contents(atPath: configPath) else {
            throw LatentError.invalidArgument("no run at '\(nameOrPath)' (looked for \(configPath)); `latent runs` lists the runs")
        }
        let config: RunConfig
        do {
            config = try JSONDecoder().decode(RunConfig.self, from: data)
        } catch {
            throw LatentError.invalidFile(path: configPath, reason: "not a valid run configuration: \((error as? DecodingError).map(UserFacingError.reason) ?? UserFacingError.message(for: error))")
        }
        try config.validate(path: configPath)
        return RunDirectory(path: path, config: config)
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
        do {
            try AtomicFile.write(encoder.encode(config), to: URL(fileURLWithPath: configPath))
        } catch let error as LatentError {
            throw error
        } catch {
            throw LatentError.invalidFile(path: configPath, reason: "cannot write the run configuration: \(UserFacingError.fileReason(error as NSError))")
        }
    }

    /// A path inside images/ or plots/.
    public func image(_ file: String) -> String { images + "/" + file }
    public func plot(_ file: String) -> String { plots + "/" + file }
}

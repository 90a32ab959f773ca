import Foundation
import LatentModels
import LatentRuns

/// Whether a run is training now, finished its planned epochs, or stopped before them.
public enum RunStatus: String, Sendable {
    case training, finished, interrupted

    /// A run is training while a process holds its `RunLock`; otherwise it is finished when every planned epoch
    /// is in metrics.jsonl and interrupted when not.
    ///
    /// ```swift
    /// RunStatus.of(run)   // .training while `latent train` runs it
    /// ```
    public static func of(_ run: RunDirectory, epochsDone: Int? = nil) -> RunStatus {
        if isLocked(runPath: run.path) { return .training }
        let done = epochsDone ?? (run.metrics.epochRecords().last?["epoch"] as? Int ?? 0)
        return done >= run.config.training.epochs ? .finished : .interrupted
    }

    /// True while some process holds the run's lock. Read-only: the lock file is opened for reading and never
    /// created. `RunLock` writes its holder's process id into the file and empties it on release, so an empty file
    /// or a process id that no longer exists means no holder without touching the lock; only a live holder's id is
    /// confirmed with a non-blocking shared `flock`, which fails exactly while the holder's exclusive lock stands.
    public static func isLocked(runPath: String) -> Bool {
        let fd = open(runPath + "/.lock", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = read(fd, &buffer, buffer.count)
        guard n > 0, let pid = Int32(String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)),
              pid > 0 else { return false }
        if kill(pid, 0) != 0 && errno == ESRCH { return false }
        if flock(fd, LOCK_SH | LOCK_NB) != 0 { return errno == EWOULDBLOCK }
        flock(fd, LOCK_UN)
        return false
    }
}

/// One row of the runs page: what `latent runs` lists (`RunsTable.rows`) plus the status and the best value of the
/// family's primary metric.
///
/// ```swift
/// let rows = RunDirectory.list(root: "runs").map(RunOverview.init)
/// ```
public struct RunOverview: Sendable {
    public let name: String
    public let family: String
    public let data: String
    public let epochsDone: Int
    public let epochs: Int
    public let status: RunStatus
    /// The family's primary metric (`TrainableModel.primaryMetric`), its best value over the epochs and that epoch.
    public let metric: String
    public let best: Double?
    public let bestEpoch: Int?
    public let created: String

    public init(_ run: RunDirectory) {
        let row = RunsTable.rows([run])[0]
        name = run.name
        family = run.config.family
        data = run.config.data.source
        epochsDone = row["epochs_done"] as? Int ?? 0
        epochs = run.config.training.epochs
        created = run.config.created
        status = RunStatus.of(run, epochsDone: epochsDone)
        metric = (try? ModelRegistry.family(run.config.family).primaryMetric) ?? "val_loss"
        let series = run.metrics.series(metric)
        let points = zip(series.x, series.y).filter { $0.1.isFinite }
        let higherIsBetter = RunOverview.higherIsBetter(metric)
        let best = points.max { higherIsBetter ? $0.1 < $1.1 : $0.1 > $1.1 }
        self.best = best?.1
        bestEpoch = best.map { Int($0.0) }
    }

    /// Accuracies and (pseudo-)likelihoods grow as a model improves; losses, NLLs and errors shrink.
    public static func higherIsBetter(_ metric: String) -> Bool {
        metric.contains("accuracy") || metric.hasSuffix("likelihood") || metric.hasSuffix("auroc")
    }

    /// The row as JSON (missing numbers are null).
    public var json: [String: Any] {
        ["name": name, "family": family, "data": data, "epochs_done": epochsDone, "epochs": epochs, "status": status.rawValue,
         "metric": metric, "best": best ?? NSNull(), "best_epoch": bestEpoch ?? NSNull(), "created": created,
         "higher_is_better": RunOverview.higherIsBetter(metric)]
    }
}

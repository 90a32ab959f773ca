import Foundation
import LatentTensor
import LatentNN
import LatentData
import LatentOutput
import LatentModels

/// `latent sweep`: one run per setting of a `SweepPlan`, trained one after
/// another on the same data, then their curves overlaid and their values tabled.
///
/// ```swift
/// let plan = try VAEModel.sweepPlan(["--lr", "1e-3,1e-4", "--epochs", "3"])
/// let runs = try Sweep.train(VAEModel.self, plan: plan, data: prepared, root: "runs", name: "sweep-vae")
/// let table = try Sweep.summarize(runs, folder: "runs/sweep-vae", title: "vae sweep", keys: ["val_loss"])
/// ```
public enum Sweep {
    /// A trained setting: its label and its run folder.
    public typealias Result = (label: String, run: RunDirectory)

    /// Trains every setting into `root/<name>-<label>`. A setting that diverges
    /// is a result of the sweep, logged, not its end; a stop request (Ctrl-C) ends it.
    /// `resume`: a setting whose run folder exists with the same settings is continued
    /// (skipped when it has finished or diverged) instead of trained afresh in a new folder.
    public static func train(_ family: any TrainableModel.Type, plan: SweepPlan, data: PreparedData, root: String, name: String,
                             command: [String] = CommandLine.arguments, threads: Int? = nil, resume: Bool = false,
                             log: (String) -> Void = { print($0) }) throws -> [Result] {
        try plan.settings.map { setting in
            try trainSetting(family, setting, data: data, root: root, name: name, command: command, threads: threads,
                             resume: resume, quiet: false, log: log)
        }
    }

    /// Trains the settings of several plans, on one process or spread over the processes of
    /// `communicator` (default `Communicators.world()`: every rank mpirun started). The settings,
    /// numbered in plan order, go round-robin (static): setting i trains on rank i mod size, as a
    /// run of one process (its own communicator is `SingleProcessCommunicator`, not the world), so
    /// each run is the run the serial sweep trains, bit for bit. Each rank trains with `threads` BLAS
    /// threads (nil: the current count on one process; under mpirun the machine's cores ÷ the
    /// processes on it). Other ranks print nothing; when all are done, rank 0 learns every rank's
    /// run folders and returns every result in plan order, the other ranks an empty list.
    ///
    /// ```swift
    /// // mpirun -np 4 latent sweep vae --lr 1e-2,1e-3 --latent 2,20
    /// let plans = try Sweep.plans([VAEModel.self], words: ["--lr", "1e-2,1e-3", "--latent", "2,20"])
    /// let results = try Sweep.train(plans, data: prepared, root: "runs", name: "sweep-vae")
    /// if !results.isEmpty { try Sweep.summarize(results, folder: "runs/sweep-vae", title: "vae sweep", keys: ["val_loss"]) }
    /// ```
    public static func train(_ plans: [(family: any TrainableModel.Type, plan: SweepPlan)], data: PreparedData, root: String,
                             name: String, command: [String] = CommandLine.arguments, threads: Int? = nil, resume: Bool = false,
                             communicator: (any Communicator)? = nil,
                             environment: [String: String] = ProcessInfo.processInfo.environment,
                             log: (String) -> Void = { print($0) }) throws -> [Result] {
        let world = try communicator ?? Communicators.world()
        let jobs = plans.flatMap { p in p.plan.settings.map { (family: p.family, setting: $0) } }
        var perRank = threads ?? BLAS.threads
        if world.size > 1, threads == nil, let n = Communicators.threadsPerProcess(size: world.size, environment: environment) {
            perRank = n
            if communicator == nil && BLAS.threads != n { BLAS.threads = n }
        }
        let speaks = world.rank == 0
        var mine: [(index: Int, result: Result)] = []
        for index in stride(from: world.rank, to: jobs.count, by: world.size) {
            let job = jobs[index]
            let result = try trainSetting(job.family, job.setting, data: data, root: root, name: name, command: command,
                                          threads: perRank, resume: resume, quiet: !speaks, log: { if speaks { log($0) } })
            mine.append((index, result))
        }
        guard world.size > 1 else { return mine.map(\.result) }
        // Every rank in turn tells the others which folders its settings trained in; the first of these
        // broadcasts waits for rank 0's own settings, the others for each rank's.
        var paths: [Int: String] = [:]
        for sender in 0..<world.size {
            let text = world.broadcast(world.rank == sender ? mine.map { "\($0.index)\t\($0.result.run.path)" }.joined(separator: "\n") : "", root: sender)
            for line in text.split(separator: "\n") {
                let parts = line.split(separator: "\t", maxSplits: 1)
                if parts.count == 2, let i = Int(parts[0]) { paths[i] = String(parts[1]) }
            }
        }
        guard speaks else { return [] }
        return try jobs.indices.map { i in
            guard let path = paths[i] else { throw LatentError.invalidArgument("setting \(i + 1) of the sweep was not reported by its rank") }
            return (jobs[i].setting.label, try RunDirectory.open(path, root: root))
        }
    }

    /// The run folder of a setting: `<name>-<label>` with spaces as underscores and no "=".
    public static func runName(_ name: String, _ setting: SweepPlan.Setting) -> String {
        RunName.sanitized(name + "-" + setting.label.replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "=", with: ""))
    }

    /// One setting trained as a run of one process (see `train`).
    static func trainSetting(_ family: any TrainableModel.Type, _ setting: SweepPlan.Setting, data: PreparedData, root: String,
                             name: String, command: [String], threads: Int?, resume: Bool, quiet: Bool,
                             log: (String) -> Void) throws -> Result {
        var config = try family.runConfig(setting.words, data: data, command: command)
        config.threads = threads
        let runName = runName(name, setting)
        let one = SingleProcessCommunicator()
        let session: TrainingSession
        let existing = root + "/" + runName
        if resume, FileManager.default.fileExists(atPath: existing + "/config.json") {
            let run = try RunDirectory.open(existing, root: root)
            guard sameSettings(run.config, config) else {
                throw LatentError.invalidArgument("""
                    --resume: \(run.path) holds a run with other settings than '\(setting.label)'; \
                    drop --resume to train the sweep afresh, or choose another --name
                    """)
            }
            if let done = finished(run) {
                log("== \(setting.label): \(run.path) (\(done), skipped)")
                return (setting.label, run)
            }
            session = try TrainingSession.resume(run.path, root: root, communicator: one)
            log("== \(setting.label): \(session.run.path) (resumed after epoch \(session.startEpoch))")
        } else {
            session = try TrainingSession.start(config: config, data: data, root: root, name: runName, explicitName: false, communicator: one)
            log("== \(setting.label): \(session.run.path)")
        }
        if quiet {
            session.quiet = true
            session.log = { _ in }
        }
        do {
            try session.train()
        } catch let error as LatentError {
            log("   stopped: \(error)")
        }
        return (setting.label, session.run)
    }

    /// Whether `run` needs no more training: "finished" after its last epoch, "diverged" when it stopped
    /// on a divergence (training it again would diverge again); nil when it can go on.
    static func finished(_ run: RunDirectory) -> String? {
        let records = run.metrics.records()
        if records.contains(where: { $0["status"] as? String == "diverged" }) { return "diverged" }
        let last = run.metrics.epochRecords().last?["epoch"] as? Int ?? 0
        return last >= run.config.training.epochs ? "finished" : nil
    }

    /// Whether two configs train the same run: every field but when and how it was started.
    static func sameSettings(_ a: RunConfig, _ b: RunConfig) -> Bool {
        func fields(_ c: RunConfig) -> NSDictionary? {
            guard let data = try? JSONEncoder().encode(c),
                  var object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { return nil }
            for key in ["created", "command", "changes", "threads", "world_size", "latentVersion"] { object[key] = nil }
            return object as NSDictionary
        }
        guard let x = fields(a), let y = fields(b) else { return false }
        return x.isEqual(y)
    }

    /// Overlays `keys` of every run in sweep.svg and writes the table of their
    /// values at `tableEpochs` (default: the last) and best, as sweep.md and sweep.json; `tested`
    /// adds each setting's test metrics (by label) as rows of their own. Returns the table.
    @discardableResult
    public static func summarize(_ results: [Result], folder: String, title: String, keys: [String], tableEpochs: [Int]? = nil,
                                 tested: [String: [(String, Double)]] = [:]) throws -> String {
        var chart = LineChart(title: "\(title): \(keys.joined(separator: ", "))", xLabel: "epoch", yLabel: keys.joined(separator: ", "))
        var table = "| setting | run | metric | epochs | " + (tableEpochs?.map { "epoch \($0)" } ?? ["final"]).joined(separator: " | ") + " | best |\n"
        table += "|---|---|---|---|" + String(repeating: "---|", count: (tableEpochs?.count ?? 1) + 1) + "\n"
        var json: [[String: Any]] = []
        for (label, run) in results {
            for key in keys {
                let s = run.metrics.series(key)
                chart.add(keys.count > 1 ? "\(label) \(key)" : label, x: s.x, y: s.y, dashed: keys.count > 1 && key != keys[0])
                let higherIsBetter = key.contains("likelihood") || key.contains("accuracy")
                let finite = s.y.filter(\.isFinite)
                let bestValue = higherIsBetter ? finite.max() : finite.min()
                func value(atEpoch e: Int) -> Double? { s.x.firstIndex(of: Double(e)).map { s.y[$0] } }
                let shown: [Double?] = tableEpochs?.map(value(atEpoch:)) ?? [s.y.last]
                table += "| \(label) | \(run.name) | \(key) | \(s.x.count) | "
                    + shown.map { $0.map { String(format: "%.3f", $0) } ?? "—" }.joined(separator: " | ")
                    + " | \(bestValue.map { String(format: "%.3f", $0) } ?? "—") |\n"
                json.append(["setting": label, "run": run.name, "metric": key, "epochs": s.x.count,
                             "values": shown.map { $0 ?? .nan }.map { $0.isFinite ? $0 as Any : NSNull() },
                             "best": bestValue ?? NSNull()])
            }
            for (key, value) in tested[label] ?? [] {
                let blanks = String(repeating: " — |", count: (tableEpochs?.count ?? 1) - 1)
                table += "| \(label) | \(run.name) | \(key) | test |\(blanks) " + String(format: "%.3f", value) + " | — |\n"
                json.append(["setting": label, "run": run.name, "metric": key, "split": "test", "value": value.isFinite ? value as Any : NSNull()])
            }
        }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try chart.write(to: folder + "/sweep.svg")
        try AtomicFile.write(Data(table.utf8), to: URL(fileURLWithPath: folder + "/sweep.md"))
        let data = try JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted, .sortedKeys])
        try AtomicFile.write(data, to: URL(fileURLWithPath: folder + "/sweep.json"))
        return table
    }
}

extension Sweep {
    /// The plans of a sweep over one family or several with the same options
    /// (`latent sweep vae,ae --latent 2,20`: the VAE and the autoencoder of the
    /// same architecture); with several, "model=<family>" leads every label.
    ///
    /// ```swift
    /// let plans = try Sweep.plans([VAEModel.self, AutoencoderModel.self], words: ["--latent", "2,20"])
    /// plans.flatMap { $0.plan.settings.map(\.label) }   // ["model=vae latent=2", …, "model=ae latent=20"]
    /// ```
    public static func plans(_ families: [any TrainableModel.Type], words: [String], configs: String? = nil) throws
        -> [(family: any TrainableModel.Type, plan: SweepPlan)] {
        guard let first = families.first else { throw LatentError.invalidArgument("name a model family to sweep") }
        if let other = families.first(where: { $0.defaultScale != first.defaultScale }) {
            throw LatentError.invalidArgument("\(first.family) and \(other.family) train on different pixel ranges; sweep them separately")
        }
        return try families.map { family in
            var plan = try configs.map { try family.sweepPlan(configs: $0, fixed: words) } ?? family.sweepPlan(words)
            if families.count > 1 {
                plan.settings = plan.settings.map { s in
                    SweepPlan.Setting(words: s.words, label: "model=\(family.family)" + (s.label == "run" ? "" : " " + s.label))
                }
            }
            return (family, plan)
        }
    }
}

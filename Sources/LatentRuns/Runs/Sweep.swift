import Foundation
import LatentTensor
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
    public static func train(_ family: any TrainableModel.Type, plan: SweepPlan, data: PreparedData, root: String, name: String,
                             command: [String] = CommandLine.arguments, threads: Int? = nil,
                             log: (String) -> Void = { print($0) }) throws -> [Result] {
        var results: [Result] = []
        for setting in plan.settings {
            var config = try family.runConfig(setting.words, data: data, command: command)
            config.threads = threads
            let runName = RunName.sanitized(name + "-" + setting.label.replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "=", with: ""))
            let session = try TrainingSession.start(config: config, data: data, root: root, name: runName, explicitName: false)
            log("== \(setting.label): \(session.run.path)")
            do {
                try session.train()
            } catch let error as LatentError {
                log("   stopped: \(error)")
            }
            results.append((setting.label, session.run))
        }
        return results
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

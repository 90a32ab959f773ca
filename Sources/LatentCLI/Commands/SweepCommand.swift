import ArgumentParser
import Foundation
import Latent

struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Train one run per setting and overlay their validation curves.",
        discussion: """
        Options given as comma lists are swept and every combination is trained, one after another,
        into runs/<sweep>-<setting>/; or --configs lists the settings to train. For one-hidden-layer
        models (rbm) a --hidden list is swept too. Latent sizes are swept with --latents (--latent,
        a model option, sets one size for every run). The overlaid curves and a table of final values
        go to runs/<sweep>/ (sweep.svg, sweep.md, sweep.json).

        Examples:
          latent sweep vae --lr 1e-2,1e-3,1e-5 --epochs 10 --limit 10000
          latent sweep rbm --hidden 10,20,50 --lr 0.01,0.001 --epochs 10,30 --batch 10
          latent sweep rbm --configs "hidden=10,lr=0.01,epochs=10;hidden=50,lr=0.001,epochs=30"
          latent sweep gan --latents 10,20 --epochs 70 --batch 512 --table-epochs 1,10,70
        """)

    @Argument(help: "The model family.") var model: String
    @Option(help: "Learning rates, comma-separated.") var lr = "1e-3"
    @Option(help: "Latent sizes to sweep, comma-separated.") var latents: String?
    @Option(help: "Epoch counts, comma-separated.") var epochs = "10"
    @Option(help: "Batch sizes, comma-separated.") var batch = "128"
    @Option(help: "Settings to train instead of all combinations: key=value pairs (lr, latent, hidden, epochs, batch) joined by commas, settings by semicolons.")
    var configs: String?
    @Option(help: "Name of the sweep.") var name: String?
    @Option(help: "Metrics to overlay, comma-separated (default: the model's main metric; GANs: g_loss,d_loss).") var metric: String?
    @Option(help: "Epochs whose values the table lists, comma-separated (default: the last).") var tableEpochs: String?

    @OptionGroup(title: "Data") var data: DataArguments
    @OptionGroup(title: "Model") var modelArguments: ModelArguments
    @OptionGroup var location: RunsLocation
    @Option(help: "Random seed.") var seed: UInt64 = 0

    func validate() throws {
        try Check.positiveNumbers(lr, "--lr")
        try Check.integers(latents, "--latents")
        try Check.integers(epochs, "--epochs")
        try Check.integers(batch, "--batch")
        try Check.integers(tableEpochs, "--table-epochs")
        if latents != nil && modelArguments.latent != nil {
            throw ValidationError("give --latent (one size for every run) or --latents (sizes to sweep), not both")
        }
        if let metric, metric.split(separator: ",").isEmpty { throw ValidationError("--metric wants metric names separated by commas, got '\(metric)'") }
        let all = try settings(singleHiddenLayer: true)
        guard !all.isEmpty else { throw ValidationError("--configs names no setting") }
        for setting in all { for (key, value) in setting { _ = try Self.parse(key, value) } }
    }

    /// A setting's value: a learning rate or a count.
    enum SettingValue { case rate(Float), count(Int) }

    /// One value of a setting, checked as its flag would be.
    static func parse(_ key: String, _ value: String) throws -> SettingValue {
        if key == "lr" {
            guard let v = Float(value), v.isFinite, v > 0 else {
                throw ValidationError("lr=\(value): expected a finite learning rate above 0")
            }
            return .rate(v)
        }
        guard let v = Int(value), v >= 1, v <= Check.largestCount else {
            throw ValidationError("\(key)=\(value): expected a whole number from 1 to \(Check.largestCount)")
        }
        return .count(v)
    }

    /// One setting of the sweep: the values that differ, by key.
    typealias Setting = [(key: String, value: String)]

    func settings(singleHiddenLayer: Bool) throws -> [Setting] {
        if let configs {
            return try configs.split(separator: ";").map { entry in
                try entry.split(separator: ",").map { pair in
                    let kv = pair.split(separator: "=").map { $0.trimmingCharacters(in: .whitespaces) }
                    guard kv.count == 2, ["lr", "latent", "hidden", "epochs", "batch"].contains(kv[0]) else {
                        throw ValidationError("--configs: '\(pair)' is not key=value with key lr, latent, hidden, epochs or batch")
                    }
                    return (kv[0], kv[1])
                }
            }
        }
        var axes: [(String, [String])] = [("lr", lr.split(separator: ",").map(String.init)),
                                          ("epochs", epochs.split(separator: ",").map(String.init)),
                                          ("batch", batch.split(separator: ",").map(String.init))]
        if let latents { axes.append(("latent", latents.split(separator: ",").map(String.init))) }
        if singleHiddenLayer, let hidden = modelArguments.hidden { axes.insert(("hidden", hidden.split(separator: ",").map(String.init)), at: 0) }
        var result: [Setting] = [[]]
        for (key, values) in axes {
            result = result.flatMap { partial in values.map { partial + [(key, $0.trimmingCharacters(in: .whitespaces))] } }
        }
        return result
    }

    func run() throws {
        BLAS.configureFromEnvironment()
        StopRequest.install()
        let family = try ModelRegistry.family(model)
        let all = try settings(singleHiddenLayer: family.family == "rbm")
        // Only keys that vary name the runs.
        let varying = Set(all.flatMap { $0.map(\.key) }.filter { key in Set(all.map { s in s.first { $0.key == key }?.value ?? "" }).count > 1 })
        let prepared = try PreparedData.load(data.options(seed: seed, defaultScale: family.defaultScale))
        let sweepName = name ?? "sweep-\(family.family)-\(prepared.name)"
        var results: [(label: String, run: RunDirectory)] = []
        for setting in all {
            var training = TrainingOptions()
            training.seed = seed
            training.imageEvery = 0
            training.epochs = 10
            training.batchSize = 128
            var modelOptions = try modelArguments.options()
            for (key, value) in setting {
                switch (key, try Self.parse(key, value)) {
                case ("lr", .rate(let v)): training.learningRate = v
                case ("epochs", .count(let v)): training.epochs = v
                case ("batch", .count(let v)): training.batchSize = v
                case ("latent", .count(let v)): modelOptions.latent = v
                case ("hidden", .count(let v)): modelOptions.hidden = [v]
                default: break
                }
            }
            let parts = setting.filter { varying.contains($0.key) }.map { "\($0.key)=\($0.value)" }
            let label = parts.isEmpty ? "run" : parts.joined(separator: " ")
            let config = RunConfig(family: family.family, command: CommandLine.arguments, data: prepared,
                                   training: training, model: modelOptions)
            let runName = RunName.sanitized(sweepName + "-" + label.replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "=", with: ""))
            let session = try TrainingSession.start(config: config, data: prepared, root: location.runs, name: runName, explicitName: false)
            print("== \(label): \(session.run.path)")
            do {
                try session.train()
            } catch let error as LatentError {
                print("   stopped: \(error)")   // a diverging setting is a result of the sweep, not its end
            } catch let stop as TrainingInterrupted {
                FileHandle.standardError.write(Data((stop.description + "\n").utf8))
                throw ExitCode(stop.exitCode)
            }
            results.append((label, session.run))
        }
        let keys = (metric ?? (family.primaryMetric == "g_loss" ? "g_loss,d_loss" : family.primaryMetric))
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let epochsShown = try tableEpochs.map { try integerList($0, name: "--table-epochs") }   // checked in validate()
        try summarize(results, folder: location.runs + "/" + sweepName, keys: keys, tableEpochs: epochsShown)
    }

    func summarize(_ results: [(label: String, run: RunDirectory)], folder: String, keys: [String], tableEpochs: [Int]?) throws {
        var chart = LineChart(title: "\(model) sweep: \(keys.joined(separator: ", "))", xLabel: "epoch", yLabel: keys.joined(separator: ", "))
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
        }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try chart.write(to: folder + "/sweep.svg")
        try AtomicFile.write(Data(table.utf8), to: URL(fileURLWithPath: folder + "/sweep.md"))
        let data = try JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted, .sortedKeys])
        try AtomicFile.write(data, to: URL(fileURLWithPath: folder + "/sweep.json"))
        print(table)
        print("curves: \(folder)/sweep.svg")
    }
}

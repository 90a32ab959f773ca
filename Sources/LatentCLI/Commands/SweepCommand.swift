import ArgumentParser
import Foundation
import Latent

struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Train one run per combination of values and overlay their validation curves.",
        discussion: """
        Every option given as a comma list is swept; all combinations are trained, one after
        another, into runs/<sweep>-<values>/. The overlaid curves and a table of final values go
        to runs/<sweep>/ (sweep.svg, sweep.md, sweep.json).

        Example:
          latent sweep vae --lr 1e-2,1e-3,1e-5 --epochs 10 --limit 10000
        """)

    @Argument(help: "The model family.") var model: String
    @Option(help: "Learning rates, comma-separated.") var lr = "1e-3"
    @Option(help: "Latent sizes, comma-separated.") var latent: String?
    @Option(help: "Epoch counts, comma-separated.") var epochs = "10"
    @Option(help: "Batch sizes, comma-separated.") var batch = "128"
    @Option(help: "Name of the sweep.") var name: String?
    @Option(help: "Metric to overlay (default: val_loss, or loss without validation).") var metric: String?

    @OptionGroup(title: "Data") var data: DataArguments
    @OptionGroup(title: "Model") var modelArguments: ModelArguments
    @OptionGroup var location: RunsLocation
    @Option(help: "Random seed.") var seed: UInt64 = 0

    func run() throws {
        BLAS.configureFromEnvironment()
        let family = try ModelRegistry.family(model)
        let lrs = try floatList(lr, name: "--lr")
        let latents: [Int?] = try latent.map { try integerList($0, name: "--latent") } ?? [nil]
        let epochCounts = try integerList(epochs, name: "--epochs")
        let batches = try integerList(batch, name: "--batch")
        let prepared = try PreparedData.load(data.options(seed: seed))
        let sweepName = name ?? "sweep-\(family.family)-\(prepared.name)"
        var results: [(label: String, run: RunDirectory)] = []
        for l in lrs { for z in latents { for e in epochCounts { for b in batches {
            var training = TrainingOptions()
            training.learningRate = l; training.epochs = e; training.batchSize = b; training.seed = seed
            training.imageEvery = 0
            var modelOptions = try modelArguments.options()
            if let z { modelOptions.latent = z }
            var labelParts: [String] = []
            if lrs.count > 1 { labelParts.append("lr=\(l)") }
            if latents.count > 1, let z { labelParts.append("latent=\(z)") }
            if epochCounts.count > 1 { labelParts.append("epochs=\(e)") }
            if batches.count > 1 { labelParts.append("batch=\(b)") }
            let label = labelParts.isEmpty ? "run" : labelParts.joined(separator: " ")
            let config = RunConfig(family: family.family, command: CommandLine.arguments, data: prepared,
                                   training: training, model: modelOptions)
            var rng = RandomGenerator(seed: seed)
            let instance = try family.init(config: config, rng: &rng)
            let run = try RunDirectory.create(root: location.runs,
                                              name: sweepName + "-" + label.replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "=", with: ""),
                                              config: config)
            print("== \(label): \(run.path)")
            do {
                try Trainer(run: run, data: prepared, model: instance).train(rng: &rng)
            } catch let error as LatentError {
                print("   stopped: \(error)")   // a diverging setting is a result of the sweep, not its end
            }
            results.append((label, run))
        } } } }
        try summarize(results, folder: location.runs + "/" + sweepName)
    }

    func summarize(_ results: [(label: String, run: RunDirectory)], folder: String) throws {
        let key = metric ?? (results.first.map { $0.run.config.validationCount > 0 } == true ? "val_loss" : "loss")
        var chart = LineChart(title: "\(model) sweep: \(key)", xLabel: "epoch", yLabel: key)
        var table = "| setting | run | epochs | final \(key) | best \(key) |\n|---|---|---|---|---|\n"
        var json: [[String: Any]] = []
        for (label, run) in results {
            let s = run.metrics.series(key)
            chart.add(label, x: s.x, y: s.y)
            let finite = s.y.filter(\.isFinite)
            let final = s.y.last.map { String(format: "%.3f", $0) } ?? "—"
            let best = finite.min().map { String(format: "%.3f", $0) } ?? "—"
            table += "| \(label) | \(run.name) | \(s.x.count) | \(final) | \(best) |\n"
            json.append(["setting": label, "run": run.name, "epochs": s.x.count, "final": s.y.last ?? NSNull(), "best": finite.min() ?? NSNull()])
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

import Foundation
import Testing
@testable import Latent
@testable import LatentRuns

/// The run folder as a user meets it: train, kill (simulated), resume, report, bad checkpoints.
@Suite struct RunTests {
    let tmp = TempFolder()

    /// 200 tiny 6×6 images: bars at a class-dependent row.
    func data(_ options: (inout DataOptions) -> Void = { _ in }) throws -> PreparedData {
        var pixels: [Float] = [], labels: [Float] = []
        for i in 0..<200 {
            let row = i % 6
            labels.append(Float(row))
            for y in 0..<6 { for _ in 0..<6 { pixels.append(y == row ? 0.9 : 0.1) } }
        }
        try NPY.write(Tensor(pixels, shape: [200, 6, 6]), to: tmp.file("bars.npy"))
        try NPY.write(Tensor(labels), to: tmp.file("bars-labels.npy"))
        var o = DataOptions(source: tmp.file("bars.npy"))
        o.validation = 20
        options(&o)
        return try PreparedData.load(o)
    }

    func config(_ data: PreparedData, epochs: Int, lr: Float = 3e-3, optimizer: String = "adam") -> RunConfig {
        try! testConfig("vae", data: data, [("epochs", "\(epochs)"), ("batch", "16"), ("lr", "\(lr)"), ("optimizer", optimizer),
                                             ("latent", "2"), ("hidden", "16")])
    }

    func train(_ run: RunDirectory, _ data: PreparedData, start: Int = 0, rng: RandomGenerator) throws -> any TrainableModel {
        var r = rng
        var initRng = RandomGenerator(seed: 0)
        let model = try run.config.buildModel(rng: &initRng)
        var trainer = Trainer(run: run, data: data, model: model)
        trainer.quiet = true
        trainer.log = { _ in }
        trainer.startEpoch = start
        if start > 0 {
            let c = try TrainingCheckpoint.load(from: run.lastCheckpoint)
            try model.loadModelState(c.model)
            try model.loadOptimizerState(c.optimizer)
            r = c.rng
        }
        try trainer.train(rng: &r)
        return model
    }

    @Test func trainingWritesTheWholeRunFolder() throws {
        let d = try data()
        let run = try RunDirectory.create(root: tmp.file("runs"), name: "vae-bars", config: config(d, epochs: 3))
        _ = try train(run, d, rng: RandomGenerator(seed: 1))
        let fm = FileManager.default
        for file in ["config.json", "metrics.jsonl", "report.html", "checkpoints/last.safetensors", "plots/loss.svg",
                     "images/samples.png", "images/samples-epoch-003.png", "images/reconstructions.png", "images/real-vs-generated.png"] {
            #expect(fm.fileExists(atPath: run.path + "/" + file), "missing \(file)")
        }
        let records = run.metrics.epochRecords()
        #expect(records.count == 3)
        let losses = records.compactMap { $0["val_loss"] as? Double }
        #expect(losses.count == 3 && losses.last! < losses.first!, "validation loss should fall: \(losses)")
        let report = try String(contentsOfFile: run.reportPath, encoding: .utf8)
        #expect(report.contains("plots/loss.svg") && report.contains("images/samples.png") && report.contains("images/real-vs-generated.png") && report.contains("val_loss"))
        #expect((try RunDirectory.open("vae-bars", root: tmp.file("runs")).config.model as? VAEOptions)?.network.latent == 2)
        // A second run with the same name gets its own folder.
        #expect(try RunDirectory.create(root: tmp.file("runs"), name: "vae-bars", config: run.config).name == "vae-bars-2")
    }

    @Test func resumingEqualsTrainingStraightThrough() throws {
        let d = try data()
        let straight = try RunDirectory.create(root: tmp.file("runs"), name: "straight", config: config(d, epochs: 3))
        _ = try train(straight, d, rng: RandomGenerator(seed: 5))
        // "Killed" after epoch 2: train 2 epochs, then resume to 3 from the checkpoint.
        let broken = try RunDirectory.create(root: tmp.file("runs"), name: "broken", config: config(d, epochs: 2))
        _ = try train(broken, d, rng: RandomGenerator(seed: 5))
        let resumed = try broken.updatingConfig { $0.training.epochs = 3 }
        _ = try train(resumed, d, start: 2, rng: RandomGenerator(seed: 99))
        let a = straight.metrics.epochRecords().map { $0["loss"] as! Double }
        let b = resumed.metrics.epochRecords().map { $0["loss"] as! Double }
        #expect(a == b, "resumed run must continue exactly: \(a) vs \(b)")
    }

    @Test func corruptCheckpointIsReportedWithItsPath() throws {
        let d = try data()
        let run = try RunDirectory.create(root: tmp.file("runs"), name: "corrupt", config: config(d, epochs: 1))
        _ = try train(run, d, rng: RandomGenerator(seed: 1))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: run.lastCheckpoint))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: run.lastCheckpoint))
        expectLatentError([run.lastCheckpoint]) { _ = try ModelRegistry.load(run) }
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: run.lastCheckpoint))
        expectLatentError([run.lastCheckpoint]) { _ = try ModelRegistry.load(run) }
        try FileManager.default.removeItem(atPath: run.lastCheckpoint)
        expectLatentError([run.lastCheckpoint, "no checkpoint"]) { _ = try ModelRegistry.load(run) }
        try Data("{".utf8).write(to: URL(fileURLWithPath: run.configPath))
        expectLatentError([run.configPath, "not a valid run configuration"]) { _ = try RunDirectory.open(run.path) }
    }

    @Test func divergenceStopsWithAClearErrorAndKeepsTheCheckpoint() throws {
        let d = try data()
        let c = config(d, epochs: 3, lr: 1e12, optimizer: "sgd")
        let run = try RunDirectory.create(root: tmp.file("runs"), name: "diverge", config: c)
        expectLatentError(["became", "epoch", "--lr"]) { _ = try train(run, d, rng: RandomGenerator(seed: 1)) }
        let diverged = run.metrics.records().contains { ($0["status"] as? String) == "diverged" }
        #expect(diverged)
        #expect(FileManager.default.fileExists(atPath: run.reportPath))
    }

    @Test func metricsLogSurvivesATornLastLine() throws {
        let log = MetricsLog(path: tmp.file("m.jsonl"))
        try log.append(["epoch": 1, "loss": 2.5])
        try log.append(["epoch": 2, "loss": Double.nan])
        let handle = FileHandle(forWritingAtPath: log.path)!
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"epoch\": 3, \"lo".utf8))
        try handle.close()
        let records = log.epochRecords()
        #expect(records.count == 2)
        #expect(log.series("loss").y.first == 2.5 && log.series("loss").y.last!.isNaN)
    }
}

@Suite struct ComparisonTests {
    @Test func compareTablesEveryMetricOfEveryRun() throws {
        let tmp = TempFolder()
        try NPY.write(Tensor((0..<(60 * 16)).map { Float($0 % 7) / 7 }, shape: [60, 4, 4]), to: tmp.file("x.npy"))
        var o = DataOptions(source: tmp.file("x.npy"))
        o.validation = 8
        let data = try PreparedData.load(o)
        var runs: [RunDirectory] = []
        for (name, family) in [("a", "vae"), ("b", "rbm")] {
            let config = try testConfig(family, data: data, [("epochs", "1"), ("batch", "16"), ("latent", "2"), ("hidden", "8")])
            let run = try RunDirectory.create(root: tmp.file("runs"), name: name, config: config)
            var rng = RandomGenerator(seed: 1)
            var trainer = Trainer(run: run, data: data, model: try config.buildModel(rng: &rng))
            trainer.quiet = true
            trainer.log = { _ in }
            try trainer.train(rng: &rng)
            runs.append(run)
        }
        try RunEvaluation.merge(["fid": 12.5], into: runs[0])
        let files = try RunComparison(runs: runs).write(to: tmp.file("compare"))
        let md = try String(contentsOfFile: files[0], encoding: .utf8)
        #expect(md.contains("| fid | 12.5 | — |"), "\(md)")
        #expect(md.contains("val_pseudo_likelihood") && md.contains("val_loss") && md.contains("a (vae)") && md.contains("b (rbm)"))
        let html = try String(contentsOfFile: files[1], encoding: .utf8)
        #expect(html.contains("../runs/a/images/samples.png"))
    }
}

import Foundation
import Testing
@testable import Latent
@testable import LatentRuns

/// Output people can read: the progress line names the family's primary metric and its unit, the
/// metrics carry named keys (RBM pseudo-likelihood, PPCA nll), and `latent runs` fits the terminal.
@Suite struct ReadableOutputTests {
    let tmp = TempFolder()

    /// 120 tiny 4×4 images (bars at a row), 20 of them held out for validation.
    func data() throws -> PreparedData {
        var pixels: [Float] = []
        for i in 0..<120 { for y in 0..<4 { for _ in 0..<4 { pixels.append(y == i % 4 ? 0.9 : 0.1) } } }
        try NPY.write(Tensor(pixels, shape: [120, 4, 4]), to: tmp.file("bars.npy"))
        var o = DataOptions(source: tmp.file("bars.npy"))
        o.validation = 20
        return try PreparedData.load(o)
    }

    /// Trains `family` for one epoch; the last metrics record and the progress lines logged.
    func trainOneEpoch(_ family: String) throws -> (record: [String: Any], run: RunDirectory) {
        let data = try data()
        let config = try testConfig(family, data: data, [("epochs", "1"), ("batch", "20"), ("lr", "0.05"), ("image-every", "0"),
                                                         ("latent", "2"), ("hidden", "8")])
        let run = try RunDirectory.create(root: tmp.file("runs"), name: family, config: config)
        var rng = RandomGenerator(seed: 3)
        var trainer = Trainer(run: run, data: data, model: try config.buildModel(rng: &rng))
        trainer.quiet = true
        trainer.log = { _ in }
        try trainer.train(rng: &rng)
        return (run.metrics.epochRecords().last ?? [:], run)
    }

    @Test func anRBMEpochRecordsTheValidationPseudoLikelihoodItsProgressLineShows() throws {
        let (record, _) = try trainOneEpoch("rbm")
        let pl = try #require(record["val_pseudo_likelihood"] as? Double)
        #expect(pl < 0, "a log pseudo-likelihood of binary-ish pixels is negative: \(pl)")
        #expect(record["reconstruction_error"] is Double)
        let status = Trainer.epochStatus(record, trainingKey: "reconstruction_error", primary: RBMModel.primaryMetric,
                                         charts: [("pseudo-likelihood", "Pseudo-likelihood (validation)", "nats per image", ["val_pseudo_likelihood"])])
        #expect(status.hasPrefix("reconstruction_error "))
        #expect(status.contains(String(format: "val_pseudo_likelihood %.4g", pl)))
        #expect(status.hasSuffix(" nats per image"))
    }

    @Test func aPPCAEpochNamesItsNumberTheNegativeLogLikelihoodAndKeepsValLoss() throws {
        let (record, run) = try trainOneEpoch("ppca")
        let nll = try #require(record["val_nll"] as? Double)
        #expect(record["val_loss"] as? Double == nll, "readers of val_loss (runs, compare) see the same number")
        #expect(record["images"] == nil, "no meaningless training number")
        #expect(PPCAModel.primaryMetric == "val_nll")
        var rng = RandomGenerator(seed: 1)
        let model = try run.config.buildModel(rng: &rng)
        let chart = try #require(model.charts.first { $0.keys.contains("val_nll") })
        #expect(chart.title.contains("log-likelihood") && chart.yLabel == "nats per image")
        let status = Trainer.epochStatus(record, trainingKey: nil, primary: "val_nll", charts: model.charts)
        #expect(status == String(format: "val_nll %.4g nats per image", nll))
        #expect(fileExists(run.plot("loss.svg")))
    }

    @Test func theStatusListsEachKeyOnceAndSkipsMissingOnes() {
        let record: [String: Any] = ["epoch": 1, "loss": 95.25, "val_loss": 97.5]
        let charts: [(file: String, title: String, yLabel: String, keys: [String])] = [("loss", "Negative ELBO", "nats per image", ["loss", "val_loss"])]
        #expect(Trainer.epochStatus(record, trainingKey: "loss", primary: "val_loss", charts: charts) == "loss 95.25, val_loss 97.5 nats per image")
        #expect(Trainer.epochStatus(["epoch": 1, "loss": 2.5], trainingKey: "loss", primary: "val_loss", charts: charts) == "loss 2.5")
    }

    // MARK: latent runs

    func row(_ name: String, data: String = "mnist", loss: Double? = 95.123456, val: Double? = nil) -> [String: Any] {
        ["name": name, "model": "vae", "data": data, "epochs_done": 3, "epochs": 10,
         "loss": loss ?? NSNull(), "val_loss": val ?? NSNull(), "created": "2026-01-01T00:00:00Z"]
    }

    @Test func theRunsTableFitsEightyColumnsWithALongNameCutWithAnEllipsis() {
        let long = "vae-" + String(repeating: "very-long-experiment-name-", count: 4) + "end"
        let table = RunsTable.render([row(long, data: "/some/deep/folder/of/data/sets/fashion-mnist-train-images.npy", val: 97.5),
                                      row("short")], width: 80)
        let lines = table.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        for line in lines { #expect(line.count <= 80, "\(line.count) columns: \(line)") }
        #expect(lines[1].hasPrefix("vae-very-long") && lines[1].contains("…"))
        #expect(!lines[1].contains("end "), "the name's end is cut")
        #expect(lines[2].hasPrefix("short "))
        // Aligned: every column starts where its header does; numbers end where their header ends.
        let modelColumn = lines[0].distance(from: lines[0].startIndex, to: lines[0].range(of: "model")!.lowerBound)
        for line in lines.dropFirst() {
            #expect(line.distance(from: line.startIndex, to: line.range(of: "vae ")!.lowerBound) == modelColumn)
        }
        #expect(lines[1].hasSuffix("97.5") && lines[2].hasSuffix("—"))
        #expect(lines[0].count == lines[1].count && lines[1].count == lines[2].count)
        #expect(lines[1].contains("3/10") && lines[1].contains("95.12"))
    }

    @Test func aShortTableIsNotPaddedOrCut() {
        let table = RunsTable.render([row("vae-mnist")], width: 80)
        #expect(table == "name       model  data   epochs   loss  val_loss\nvae-mnist  vae    mnist    3/10  95.12         —")
    }

    @Test func theWidthComesFromCOLUMNSElseEighty() {
        #expect(RunsTable.terminalWidth(["COLUMNS": "120"]) == 120)
        #expect(RunsTable.terminalWidth([:]) == 80)
        #expect(RunsTable.terminalWidth(["COLUMNS": "wide"]) == 80)
        #expect(RunsTable.terminalWidth(["COLUMNS": "10"]) == 40)
        #expect(RunsTable.truncate("abcdef", to: 4) == "abc…" && RunsTable.truncate("abc", to: 4) == "abc")
    }

    @Test func theJSONRowsKeepTheirFieldsInFull() throws {
        let (_, run) = try trainOneEpoch("ppca")
        let rows = RunsTable.rows([run])
        #expect(rows.count == 1)
        #expect(Set(rows[0].keys) == ["name", "model", "data", "epochs_done", "epochs", "loss", "val_loss", "created"])
        #expect(rows[0]["name"] as? String == "ppca" && rows[0]["epochs_done"] as? Int == 1)
        #expect(rows[0]["val_loss"] is Double && rows[0]["loss"] is NSNull)
    }
}

import Foundation
import Testing
@testable import Latent

/// `latent anomaly` and `latent robustness` run as a user would, on the tiny
/// bars (28×28) and the same bars inverted as the second data set.
@Suite struct AnomalyRobustnessEndToEndTests: CommandLineSuite {
    let tmp = ScratchFolder()

    func expectFiles(_ folder: String, _ files: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        for file in files {
            let size = (try? FileManager.default.attributesOfItem(atPath: folder + "/" + file)[.size] as? Int) ?? nil
            #expect((size ?? 0) > 0, "\(folder)/\(file) is \(size == nil ? "missing" : "empty")", sourceLocation: sourceLocation)
        }
    }

    /// The bars, and beside them the same images inverted (no labels), 100 of them.
    func data() throws -> (bars: String, inverted: String) {
        let bars = try TinyData.write(into: tmp.path)
        let inverted = tmp.file("inverted.npy")
        try NPY.write(1 - (try NPY.read(bars)).rows(0..<100), to: inverted)
        return (bars, inverted)
    }

    func train(_ family: String, _ options: [String], data: String, name: String) throws {
        try latent(["train", family, "--data", data, "--epochs", "1", "--validation", "20", "--batch", "20", "--runs", runs,
                    "--name", name] + options)
    }

    @Test func anomalyScoresTheOtherDataSetAndRefusesAnotherShape() throws {
        let (bars, inverted) = try data()
        try train("vae", ["--latent", "4", "--hidden", "32"], data: bars, name: "vae")
        let result = try latent(["anomaly", "vae", "--other", inverted, "--n", "20", "--samples", "2", "--runs", runs, "--json"])
        let object = json(result.output)
        #expect(object["in_images"] as? Int == 20 && object["out_images"] as? Int == 20)
        let auroc = object["auroc"] as? [String: Double] ?? [:]
        #expect(Set(auroc.keys) == ["reconstruction_error", "neg_elbo", "is_nll"], "\(auroc)")
        #expect(auroc.values.allSatisfy { $0 >= 0 && $0 <= 1 })
        expectFiles(runs + "/vae", ["plots/anomaly-reconstruction_error.svg", "plots/anomaly-neg_elbo.svg", "plots/anomaly-is_nll.svg",
                                    "anomaly.json", "evaluation.json", "report.html"])
        let evaluation = try String(contentsOfFile: runs + "/vae/evaluation.json", encoding: .utf8)
        #expect(evaluation.contains("anomaly_auroc_neg_elbo"))
        let report = try String(contentsOfFile: runs + "/vae/report.html", encoding: .utf8)
        #expect(report.contains("anomaly-neg_elbo.svg"))
        // The table without --json.
        let table = try latent(["anomaly", "vae", "--other", inverted, "--n", "20", "--runs", runs])
        #expect(table.output.contains("AUROC") && table.output.contains("neg_elbo"))
        // Images of another shape: one line.
        try NPY.write(Tensor.zeros([10, 8, 8]), to: tmp.file("small.npy"))
        let refused = try latent(["anomaly", "vae", "--other", tmp.file("small.npy"), "--runs", runs], status: 1)
        #expect(refused.error.hasPrefix("Error: ") && refused.error.filter { $0 == "\n" }.count == 1 && refused.error.contains("same shape"),
                "\(refused.error)")
    }

    @Test func robustnessPrintsTheTableWithAndWithoutLabels() throws {
        let (bars, inverted) = try data()
        try train("ae", ["--latent", "4", "--hidden", "32"], data: bars, name: "ae")
        let result = try latent(["robustness", "ae", "--scored", "20", "--train-images", "60", "--noise-levels", "0,0.3",
                                 "--occlusion-levels", "0,0.4", "--runs", runs, "--json"])
        let object = json(result.output)
        let levels = object["levels"] as? [[String: Any]] ?? []
        #expect(levels.count == 4 && levels.allSatisfy { $0["probe_accuracy"] is Double && $0["reconstruction_error"] is Double })
        #expect(object["images"] as? Int == 20 && object["train_images"] as? Int == 60)
        expectFiles(runs + "/ae", ["plots/robustness.svg", "report.html"])
        let table = try latent(["robustness", "ae", "--scored", "20", "--train-images", "60", "--runs", runs])
        #expect(table.output.contains("probe accuracy") && table.output.contains("occluded"))
        // Unlabelled data: the reconstruction error alone, and why.
        try train("ae", ["--latent", "4", "--hidden", "32"], data: inverted, name: "ae-plain")
        let plain = json(try latent(["robustness", "ae-plain", "--scored", "10", "--noise-levels", "0,0.5", "--occlusion-levels", "0.2",
                                     "--runs", runs, "--json"]).output)
        #expect((plain["skipped"] as? [String: String])?["linear_probe_accuracy"]?.contains("no labels") == true)
        #expect((plain["levels"] as? [[String: Any]] ?? []).allSatisfy { $0["probe_accuracy"] == nil && $0["reconstruction_error"] is Double })
        try latent(["robustness", "ae", "--occlusion-levels", "0,1", "--runs", runs], status: 64)
    }
}

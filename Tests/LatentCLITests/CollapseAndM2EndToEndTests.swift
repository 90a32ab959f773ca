import Foundation
import Testing
@testable import Latent

/// The built `latent` on tiny data: a VAE trained against posterior collapse (warm-up, free bits) writes its
/// collapse diagnostic; the semi-supervised M2 trains with a few labels, samples and evaluates.
@Suite struct CollapseAndM2EndToEndTests: CommandLineSuite {
    let tmp = ScratchFolder()

    @Test func vaeWithWarmUpAndFreeBitsChartsItsActiveUnits() throws {
        let data = try TinyData.write(into: tmp.path)
        try latent(["train", "vae", "--data", data, "--epochs", "1", "--validation", "20", "--batch", "20", "--latent", "4",
                    "--hidden", "32", "--warmup", "3", "--free-bits", "0.25", "--runs", runs, "--name", "v"])
        let run = runs + "/v"
        let record = lastEpoch(run)
        #expect(record["val_active_units"] is Double && ((record["kl_weight"] as? Double).map { Swift.abs($0 - 1.0 / 3) < 1e-6 } ?? false), "\(record)")
        for file in ["plots/kl-per-dimension.svg", "plots/active-units.svg", "report.html"] {
            #expect(size(run + "/" + file) > 0, "\(file) is missing")
        }
        let report = (try? String(contentsOfFile: run + "/report.html", encoding: .utf8)) ?? ""
        #expect(report.contains("kl-per-dimension.svg"))
        let config = (try? JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: run + "/config.json")))) as? [String: Any]
        #expect((config?["model"] as? [String: Any])?["freeBits"] as? Double == 0.25)
    }

    /// With --json, standard output is the one JSON object; the collapse warning goes to standard error.
    @Test func warningsOfAJSONRunGoToStandardError() throws {
        let data = try TinyData.write(into: tmp.path)
        let result = try latent(["train", "vae", "--data", data, "--epochs", "1", "--validation", "20", "--batch", "20", "--latent", "16",
                                 "--hidden", "8", "--runs", runs, "--name", "j", "--json"])
        #expect(result.error.contains("posterior collapse"), "the tiny VAE should leave some of 16 dimensions inactive: \(result.error)")
        let object = try? JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
        #expect(object?["run"] is String, "standard output is not one JSON object: \(result.output)")
    }

    @Test func m2TrainsWithAFewLabelsSamplesAndEvaluates() throws {
        let data = try TinyData.write(into: tmp.path)
        try latent(["train", "m2", "--data", data, "--epochs", "1", "--validation", "20", "--batch", "20", "--latent", "4",
                    "--hidden", "32", "--labelled", "20", "--runs", runs, "--name", "m"])
        let run = runs + "/m"
        let record = lastEpoch(run)
        for key in ["val_accuracy", "val_loss", "val_active_units", "cross_entropy"] { #expect(record[key] is Double, "\(key): \(record)") }
        for file in ["images/samples.png", "images/reconstructions.png", "plots/kl-per-dimension.svg", "plots/accuracy.svg"] {
            #expect(size(run + "/" + file) > 0, "\(file) is missing")
        }
        try latent(["sample", "m", "--n", "8", "--runs", runs])
        #expect(size(run + "/images/sample-8.png") > 0)
        let evaluation = try latent(["evaluate", "m", "--json", "--runs", runs])
        #expect(evaluation.output.contains("neg_elbo") && evaluation.output.contains("accuracy"), "\(evaluation.output)")
        let scores = (try? String(contentsOfFile: run + "/evaluation.json", encoding: .utf8)) ?? ""
        #expect(scores.contains("accuracy") && scores.contains("neg_elbo"), "\(scores)")
    }
}

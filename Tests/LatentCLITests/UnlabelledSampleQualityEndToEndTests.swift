import Foundation
import Testing
@testable import Latent

/// `evaluate --fid --kid --pr` on data without labels, as a user runs it: a
/// conv-ae trained on the images alone is the feature network, named in the output.
@Suite struct UnlabelledSampleQualityEndToEndTests: CommandLineSuite {
    let tmp = ScratchFolder()
    let passesRuns = true

    @Test func unlabelledDataTrainAFeatureRunThenScoreAVAE() throws {
        // The tiny bars without their labels file: an unlabelled data set.
        let labelled = try TinyData.write(into: tmp.path)
        let data = tmp.file("faces.npy")
        try NPY.write(try NPY.read(labelled), to: data)
        let common = ["--data", data, "--epochs", "1", "--validation", "20", "--batch", "20"]
        try latent(["train", "vae", "--name", "vae", "--latent", "4", "--hidden", "32"] + common)

        // No feature network yet: one line naming the command that trains one.
        let missing = try latent(["evaluate", "vae", "--fid"], status: 1)
        #expect(missing.error.contains("latent train conv-ae --data \(data)") && missing.error.filter { $0 == "\n" }.count == 1, "\(missing.error)")

        try latent(["train", "conv-ae", "--name", "features", "--latent", "16"] + common)
        let result = try latent(["evaluate", "vae", "--fid", "--kid", "--pr", "--is", "--samples", "40", "--json"])
        let printed = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any] ?? [:]
        #expect(printed["feature_run"] as? String == "features" && printed["feature_family"] as? String == "conv-ae", "\(result.output)")
        #expect(printed["feature_data"] as? String == data && (printed["feature_checkpoint_sha256"] as? String)?.count == 16)
        #expect(printed["fid"] is Double && printed["precision"] is Double && printed["is"] == nil)
        #expect((printed["warnings"] as? [String])?.contains { $0.hasPrefix("IS skipped") } == true, "\(result.output)")
        let file = try Data(contentsOf: URL(fileURLWithPath: runs + "/vae/evaluation.json"))
        let stored = (try JSONSerialization.jsonObject(with: file) as? [String: Any])?["metrics"] as? [String: [String: Any]] ?? [:]
        for key in ["fid", "fid_real_vs_real", "kid", "precision", "recall"] {
            #expect(stored[key]?["value"] is Double, "\(key) in evaluation.json: \(stored)")
            let network = stored[key]?["feature_network"] as? [String: String]
            #expect(network?["run"] == "features" && network?["family"] == "conv-ae" && network?["data"] == data, "\(key): \(stored)")
        }
        // The old option name still names the feature run.
        try latent(["evaluate", "vae", "--fid", "--samples", "40", "--classifier", "features"])
    }
}

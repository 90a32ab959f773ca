import Foundation
import Testing
@testable import Latent

/// The built `latent` on tiny data: an adversarial autoencoder trained for one epoch, then sampled,
/// reconstructed, mapped beside a VAE of the same networks, interpolated and scored by FID; `evaluate`
/// without a sample score says in one line that it has no likelihood to report.
@Suite struct AAEEndToEndTests: CommandLineSuite {
    let tmp = ScratchFolder()
    let passesRuns = true

    func expectFiles(_ run: String, _ files: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        for file in files { #expect(size(run + "/" + file) > 0, "\(file) is missing", sourceLocation: sourceLocation) }
    }

    func json(_ text: String) -> [String: Any] { (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:] }

    @Test func aaeTrainsSamplesReconstructsMapsAndInterpolates() throws {
        let data = try TinyData.write(into: tmp.path)
        let common = ["--data", data, "--epochs", "1", "--validation", "20", "--batch", "20", "--latent", "2", "--hidden", "32"]
        try latent(["train", "aae"] + common + ["--prior", "mixture", "--d-hidden", "16,16", "--name", "aae"])
        let run = runs + "/aae"
        let lines = (try? String(contentsOfFile: run + "/metrics.jsonl", encoding: .utf8))?.split(separator: "\n") ?? []
        let record = lines.map { json(String($0)) }.last { $0["epoch"] != nil } ?? [:]
        for key in ["reconstruction", "d_loss", "g_loss", "d_prior", "d_code", "val_reconstruction", "val_d_code", "val_code_std"] {
            #expect(record[key] is Double, "\(key): \(record)")
        }
        expectFiles(run, ["images/samples.png", "images/reconstructions.png", "plots/reconstruction.svg", "plots/discriminator.svg", "report.html"])

        let sampled = try latent(["sample", "aae", "--n", "16", "--npy", tmp.file("samples.npy")])
        #expect(sampled.status == 0)
        let samples = try NPY.read(tmp.file("samples.npy"))
        #expect(samples.shape == [16, 1, 28, 28] && samples.scalars.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 })
        try latent(["sample", "aae", "--n", "4", "--draw"])
        let reconstructed = try latent(["reconstruct", "aae", "--n", "8", "--json"])
        #expect((json(reconstructed.output)["mse_per_pixel"] as? Double).map { $0.isFinite } == true, "\(reconstructed.output)")
        try latent(["interpolate", "aae", "--steps", "4", "--pairs", "2"])
        try latent(["latent-map", "aae", "--n", "40"])
        expectFiles(run, ["images/sample-16.png", "images/reconstruct-test.png", "images/interpolate.png", "plots/latent-map.svg"])

        // The VAE with the same networks, mapped beside the AAE.
        try latent(["train", "vae"] + common + ["--name", "vae"])
        let compared = try latent(["latent-map", "aae", "--compare", "vae", "--n", "40"])
        #expect(compared.output.contains("compare"), "\(compared.output)")
        let svgs = (try? FileManager.default.contentsOfDirectory(atPath: run + "/plots")) ?? []
        #expect(svgs.contains { $0.hasPrefix("latent-map") && $0.contains("compare") }, "\(svgs)")

        // No likelihood: one error line. FID in a classifier's feature space is recorded.
        let refused = try latent(["evaluate", "aae"], status: 1)
        #expect(refused.error.hasPrefix("Error: ") && refused.error.filter { $0 == "\n" }.count == 1, "\(refused.error)")
        #expect(refused.error.contains("no likelihood") && refused.error.contains("--fid"), "the refusal says what to do instead: \(refused.error)")
        try latent(["train", "classifier", "--data", data, "--epochs", "1", "--validation", "20", "--batch", "20", "--name", "features"])
        let scored = try latent(["evaluate", "aae", "--fid", "--samples", "40", "--features", "features", "--json"])
        #expect(json(scored.output)["fid"] is Double, "\(scored.output)")
        let stored = (try? JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: run + "/evaluation.json")))) as? [String: Any]
        #expect(((stored?["metrics"] as? [String: Any])?["fid"] as? [String: Any])?["value"] is Double, "\(String(describing: stored))")
    }
}

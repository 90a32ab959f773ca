import Foundation
import Testing
@testable import Latent

/// `latent data synth shapes`, `train factor-vae` and `evaluate --disentanglement`, run as a user would.
@Suite struct DisentanglementEndToEndTests: CommandLineSuite {
    let tmp = ScratchFolder()

    func expectFile(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        #expect((size ?? 0) > 0, "\(path) is \(size == nil ? "missing" : "empty")", sourceLocation: sourceLocation)
    }

    @Test func synthTrainFactorVAEAndScoreMIG() throws {
        let shapes = tmp.file("shapes")
        let synth = try latent(["data", "synth", "shapes", "--into", shapes, "--size", "32", "--count", "300", "--seed", "3"])
        #expect(synth.output.contains("300 images of 32×32"))
        for file in ["train-images-idx3-ubyte", "t10k-labels-idx1-ubyte", "train-factors.npy", "t10k-factors.npy", "factors.json"] {
            expectFile(shapes + "/" + file)
        }
        let info = try latent(["data", "info", shapes, "--grid", tmp.file("grid.png"), "--json"])
        #expect(info.output.contains("240"), "\(info.output)")

        try latent(["train", "factor-vae", "--data", shapes, "--epochs", "1", "--validation", "20", "--batch", "32", "--latent", "4",
                    "--hidden", "32", "--d-hidden", "16", "--gamma", "6.4", "--name", "fvae", "--runs", runs])
        let evaluation = try latent(["evaluate", "fvae", "--disentanglement", "--runs", runs, "--json"])
        let record = try JSONSerialization.jsonObject(with: Data(evaluation.output.utf8)) as? [String: Any]
        let mig = try #require(record?["mig"] as? Double)
        #expect(mig >= 0 && mig <= 1)
        #expect((record?["factors"] as? [[String: Any]])?.map { $0["factor"] as? String } == ["shape", "scale", "rotation", "x", "y"])
        expectFile(runs + "/fvae/images/latent-traversal.png")
        let saved = try String(contentsOfFile: runs + "/fvae/evaluation.json", encoding: .utf8)
        #expect(saved.contains("\"mig\"") && saved.contains("disentanglement"))
        let text = try latent(["evaluate", "fvae", "--disentanglement", "--runs", runs])
        #expect(text.output.contains("MIG ") && text.output.contains("rotation"))

        // A run on data without factors: one line.
        let tiny = try TinyData.write(into: tmp.path)
        try latent(["train", "vae", "--data", tiny, "--epochs", "1", "--validation", "20", "--latent", "2", "--hidden", "16", "--name", "plain", "--runs", runs])
        let refused = try latent(["evaluate", "plain", "--disentanglement", "--runs", runs], status: 1)
        #expect(refused.error.hasPrefix("Error: ") && refused.error.filter { $0 == "\n" }.count == 1, "one line: \(refused.error)")
        #expect(refused.error.contains("MIG needs a data set with factors"))

        let huge = try latent(["data", "synth", "shapes", "--into", tmp.file("huge"), "--count", "100000000"], status: 1)
        #expect(huge.error.filter { $0 == "\n" }.count == 1 && huge.error.contains("--count must be between"), "\(huge.error)")
    }
}

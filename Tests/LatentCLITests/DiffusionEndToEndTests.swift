import Foundation
import Testing
@testable import Latent

/// The `ddpm` family run as a user would: one epoch of a tiny U-Net on 200
/// images, samples from the full chain and from DDIM in a few steps (a bar
/// says how long), the bound in bits per dimension, and FID beside the other
/// families' in a classifier's feature space.
@Suite struct DiffusionEndToEndTests: CommandLineSuite {
    let tmp = ScratchFolder()
    let passesRuns = true

    func expectFile(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        #expect((size ?? 0) > 0, "\(path) is \(size == nil ? "missing" : "empty")", sourceLocation: sourceLocation)
    }

    @Test func trainSampleAndEvaluateADDPM() throws {
        let data = try TinyData.write(into: tmp.path)
        let tiny = ["--channels", "4", "--channel-mults", "1,2", "--timesteps", "20", "--sample-steps", "5"]
        try latent(["train", "ddpm", "--data", data, "--epochs", "1", "--validation", "20", "--batch", "20", "--name", "ddpm"] + tiny)
        let run = runs + "/ddpm/"
        for file in ["config.json", "metrics.jsonl", "report.html", "images/samples.png"] { expectFile(run + file) }

        let ddim = try latent(["sample", "ddpm", "--n", "4", "--steps", "5", "--npy", tmp.file("ddim.npy")])
        expectFile(run + "images/sample-4-ddim5.png")
        #expect(ddim.output.contains("DDIM, 5 steps"), "the bar names the sampler: \(ddim.output)")
        let drawn = try NPY.read(tmp.file("ddim.npy"))
        #expect(drawn.shape == [4, 1, 28, 28] && drawn.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
        let full = try latent(["sample", "ddpm", "--n", "4"])
        expectFile(run + "images/sample-4.png")
        #expect(full.output.contains("ancestral, 20 steps"), "the full chain by default: \(full.output)")
        let report = (try? String(contentsOfFile: run + "report.html", encoding: .utf8)) ?? ""
        #expect(report.contains("images/sample-4-ddim5.png"))

        try latent(["sample", "ddpm", "--n", "4", "--steps", "21"], status: 1)
        try latent(["train", "vae", "--data", data, "--epochs", "1", "--validation", "20", "--batch", "20", "--name", "vae", "--latent", "2", "--hidden", "8"])
        let refused = try latent(["sample", "vae", "--n", "4", "--steps", "5"], status: 1)
        #expect(refused.error.contains("--steps needs a diffusion model"), "\(refused.error)")

        let bound = try latent(["evaluate", "ddpm", "--test-limit", "10", "--nll-samples", "4", "--json"])
        let printed = (try? JSONSerialization.jsonObject(with: Data(bound.output.utf8))) as? [String: Any] ?? [:]
        let bits = printed["bits_per_dim"] as? Double ?? -1
        #expect(bits > 0 && bits.isFinite, "bits/dim: \(bound.output)")
        let stored = (try? JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: run + "evaluation.json")))) as? [String: Any]
        #expect(((stored?["metrics"] as? [String: Any])?["test_bits_per_dim"]) != nil, "recorded in evaluation.json")

        try latent(["train", "classifier", "--data", data, "--epochs", "1", "--validation", "20", "--batch", "20", "--name", "features"])
        let quality = try latent(["evaluate", "ddpm", "--fid", "--pr", "--samples", "20", "--features", "features", "--json"])
        let scores = (try? JSONSerialization.jsonObject(with: Data(quality.output.utf8))) as? [String: Any] ?? [:]
        #expect(scores["fid"] is Double, "FID: \(quality.output)")
    }
}

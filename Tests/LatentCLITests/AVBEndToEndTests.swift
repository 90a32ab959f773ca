import Foundation
import Testing
@testable import Latent

/// Adversarial Variational Bayes from the command line, on 200 tiny images:
/// one epoch, then sample, reconstruct, evaluate with the importance-sampled
/// NLL, and a sweep of the VAE and the AVB of the same decoder, compared.
@Suite struct AVBEndToEndTests: CommandLineSuite {
    let tmp = ScratchFolder()

    func json(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    @Test func trainSampleReconstructAndEvaluate() throws {
        let data = try TinyData.write(into: tmp.path)
        try latent(["train", "avb", "--data", data, "--epochs", "1", "--validation", "20", "--batch", "20", "--latent", "4",
                    "--hidden", "32", "--d-steps", "2", "--runs", runs, "--name", "avb-tiny"])
        let run = runs + "/avb-tiny"
        expectFiles(run, ["config.json", "metrics.jsonl", "checkpoints/last.safetensors", "report.html", "images/samples.png",
                          "images/reconstructions.png", "plots/loss.svg", "plots/terms.svg", "plots/discriminator.svg"])
        let epoch = (try String(contentsOfFile: run + "/metrics.jsonl", encoding: .utf8)).split(separator: "\n").map { json(String($0)) }
            .first { $0["epoch"] != nil } ?? [:]
        for key in ["loss", "reconstruction", "kl_t", "t_loss", "val_loss", "val_t_loss"] {
            #expect(epoch[key] is Double, "metrics.jsonl has \(key): \(epoch)")
        }
        let at = ["--runs", runs]
        try latent(["sample", "avb-tiny", "--n", "16"] + at)
        expectFiles(run, ["images/sample-16.png"])
        let reconstruction = try latent(["reconstruct", "avb-tiny", "--n", "8", "--json"] + at)
        #expect((json(reconstruction.output)["mse_per_pixel"] as? Double)?.isFinite == true, "\(reconstruction.output)")
        expectFiles(run, ["images/reconstruct-test.png"])
        let evaluation = json(try latent(["evaluate", "avb-tiny", "--nll-samples", "20", "--json"] + at).output)
        let nll = evaluation["is_nll"] as? Double, elbo = evaluation["neg_elbo_t"] as? Double
        #expect(nll.map { $0.isFinite && $0 > 0 } == true && elbo?.isFinite == true, "\(evaluation)")
        let stored = (try? JSONSerialization.jsonObject(with: FileManager.default.contents(atPath: run + "/evaluation.json") ?? Data())) as? [String: Any]
        let metrics = stored?["metrics"] as? [String: Any] ?? [:]
        #expect(metrics["test_is_nll"] != nil && metrics["test_neg_elbo_t"] != nil, "evaluation.json: \(metrics.keys.sorted())")
        try latent(["interpolate", "avb-tiny", "--steps", "4", "--pairs", "2"] + at)
        try latent(["latent-map", "avb-tiny", "--n", "40"] + at)
        expectFiles(run, ["images/interpolate.png", "plots/latent-map.svg"])
        // No pixel-space filters: one error line.
        let filters = try latent(["filters", "avb-tiny"] + at, status: 1)
        #expect(filters.error.hasPrefix("Error: ") && filters.error.filter { $0 == "\n" }.count == 1, "\(filters.error)")
    }

    /// `latent sweep vae,avb`: the VAE and the AVB of the same decoder, scored on the same test images, then compared.
    @Test func sweepTheVAEAgainstTheAVBAndCompare() throws {
        let data = try TinyData.write(into: tmp.path)
        let sweep = try latent(["sweep", "vae,avb", "--data", data, "--validation", "20", "--epochs", "1", "--batch", "20",
                                "--latent", "4", "--hidden", "32", "--evaluate", "--nll-samples", "10", "--name", "va", "--runs", runs])
        expectFiles(runs + "/va", ["sweep.svg", "sweep.md", "sweep.json", "reconstructions.png"])
        let table = (try? JSONSerialization.jsonObject(with: FileManager.default.contents(atPath: runs + "/va/sweep.json") ?? Data())) as? [[String: Any]] ?? []
        let names = table.compactMap { $0["run"] as? String }.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        #expect(names.count == 2, "rows of two runs: \(table) \(sweep.output)")
        let text = (try? String(contentsOfFile: runs + "/va/sweep.md", encoding: .utf8)) ?? ""
        #expect(text.contains("model=vae") && text.contains("model=avb") && text.contains("test_is_nll"), "\(text)")
        guard names.count == 2 else { return }
        let compare = try latent(["compare", names[0], names[1], "--runs", runs])
        expectFiles(runs + "/compare-\(names[0])-\(names[1])", ["compare.md", "compare.html", "curves.svg"])
        #expect(names.allSatisfy { compare.output.contains($0) }, "\(compare.output)")
    }
}

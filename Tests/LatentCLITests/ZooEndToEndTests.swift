import Foundation
import Testing
@testable import Latent

/// `latent zoo` run as a user would: two families on 200 tiny images with
/// matched epochs, a feature classifier trained first, one table printed and
/// written with the JSON and the labelled sample grid; `--reuse` picks the
/// finished runs; `--budget` stops each family when its CPU time is spent.
@Suite struct ZooEndToEndTests: CommandLineSuite {
    let tmp = ScratchFolder()
    let passesRuns = true

    @Test func aZooOfTwoFamiliesPrintsOneTable() throws {
        let data = try TinyData.write(into: tmp.path)
        let tiny = ["--data", data, "--validation", "20", "--samples", "20", "--nll-samples", "2", "--feature-epochs", "1",
                    "--points", "1", "--hidden", "16", "--latent", "2", "--batch", "20"]
        let out = try latent(["zoo", "--families", "vae,gan", "--epochs", "1", "--name", "z"] + tiny)
        #expect(out.output.contains("matched by training images seen"), "the budget is named: \(out.output)")
        #expect(out.output.contains("| vae | z-vae |") && out.output.contains("| gan | z-gan |"), "\(out.output)")
        #expect(out.output.contains("— (implicit model"), "the GAN's missing NLL says why: \(out.output)")
        expectFiles(runs + "/z", ["zoo.md", "zoo.json", "samples.png"])
        expectFiles(runs + "/z-vae", ["evaluation.json", "zoo-cost.json"])
        let zoo = json(try String(contentsOfFile: runs + "/z/zoo.json", encoding: .utf8))
        let entries = zoo["entries"] as? [[String: Any]] ?? []
        #expect(entries.count == 2 && entries.allSatisfy { $0["fid"] is Double && $0["cpuSeconds"] is Double })
        #expect(entries.first?["imagesSeen"] as? Int == 140, "one epoch of the 140 training images (160 less 20 for validation)")

        let again = try latent(["zoo", "--families", "vae,gan", "--epochs", "1", "--name", "z", "--reuse", "--json"] + tiny)
        #expect(again.error.contains("reusing z-vae") && again.error.contains("reusing z-gan"), "\(again.error)")
        let reused = json(again.output)["entries"] as? [[String: Any]] ?? []
        #expect(reused.map { $0["reused"] as? Bool } == [true, true] && reused.first?["fid"] as? Double == entries.first?["fid"] as? Double)

        // A CPU budget far below one epoch's cost: the family stops where its time ran out, mid-training.
        let budget = try latent(["zoo", "--families", "vae", "--budget", "0.0005", "--max-epochs", "500", "--name", "b"] + tiny)
        #expect(budget.output.contains("matched by CPU time"), "\(budget.output)")
        let seen = (json(try String(contentsOfFile: runs + "/b/zoo.json", encoding: .utf8))["entries"] as? [[String: Any]])?.first?["imagesSeen"] as? Int
        #expect((seen ?? .max) < 500 * 140, "stopped by the budget, not by --max-epochs: \(seen ?? -1)")

        // `sample --eta` is DDIM's noise: a VAE refuses it in one line.
        let eta = try latent(["sample", "z-vae", "--n", "4", "--eta", "1"], status: 1)
        #expect(eta.error.contains("--eta needs a diffusion model (ddpm)"), "\(eta.error)")

        let refused = try latent(["zoo", "--families", "vae", "--epochs", "1", "--budget", "1"] + tiny, status: 64)
        #expect(refused.error.contains("not both"), "\(refused.error)")
    }
}

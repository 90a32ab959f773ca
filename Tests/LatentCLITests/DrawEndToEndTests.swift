import Foundation
import Testing
@testable import Latent

/// `--draw` on `sample`, `reconstruct` and `interpolate`, run as a user would:
/// pixels drawn from the model's likelihood land in the run's images/ under -drawn names.
@Suite struct DrawEndToEndTests: CommandLineSuite {
    let tmp = ScratchFolder()
    let passesRuns = true

    func train(_ family: String, _ options: [String], data: String) throws -> String {
        try latent(["train", family, "--data", data, "--epochs", "1", "--validation", "20", "--batch", "20", "--name", family] + options)
        return family
    }

    func expectFile(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        #expect((size ?? 0) > 0, "\(path) is \(size == nil ? "missing" : "empty")", sourceLocation: sourceLocation)
    }

    @Test func drawOnSampleReconstructAndInterpolate() throws {
        let data = try TinyData.write(into: tmp.path)
        for (family, options) in [("vae", ["--latent", "4", "--hidden", "32"]), ("ppca", ["--latent", "4"])] {
            let run = try train(family, options, data: data)
            let images = runs + "/" + run + "/images/"
            try latent(["sample", run, "--n", "16", "--draw", "--npy", tmp.file("\(family)-drawn.npy")])
            expectFile(images + "sample-16-drawn.png")
            let drawn = try NPY.read(tmp.file("\(family)-drawn.npy"))
            #expect(drawn.shape == [16, 1, 28, 28] && drawn.scalars.allSatisfy { $0 >= 0 && $0 <= 1 }, "drawn pixels in [0, 1]")
            if family == "vae" { #expect(drawn.scalars.allSatisfy { $0 == 0 || $0 == 1 }, "a Bernoulli VAE draws binary pixels") }
            try latent(["reconstruct", run, "--n", "8", "--draw"])
            expectFile(images + "reconstruct-test-drawn.png")
            try latent(["interpolate", run, "--steps", "4", "--pairs", "2", "--draw"])
            expectFile(images + "interpolate-drawn.png")
            let report = (try? String(contentsOfFile: runs + "/" + run + "/report.html", encoding: .utf8)) ?? ""
            for file in ["sample-16-drawn.png", "reconstruct-test-drawn.png", "interpolate-drawn.png"] {
                #expect(report.contains("images/\(file)"), "report.html shows \(file)")
            }
        }
        let rbm = try train("rbm", ["--hidden", "16"], data: data)
        try latent(["sample", rbm, "--n", "4", "--gibbs-steps", "2", "--draw"])
        expectFile(runs + "/rbm/images/sample-gibbs-2-drawn.png")
        try latent(["reconstruct", rbm, "--n", "4", "--draw"])
        expectFile(runs + "/rbm/images/reconstruct-test-drawn.png")

        let gan = try train("gan", ["--latent", "4", "--hidden", "32"], data: data)
        let refused = try latent(["sample", gan, "--n", "4", "--draw"], status: 1)
        #expect(refused.error.hasPrefix("Error: ") && refused.error.filter { $0 == "\n" }.count == 1, "one line: \(refused.error)")
        #expect(refused.error.contains("GAN has no pixel likelihood"))
    }
}

import Foundation
import Testing
@testable import Latent

/// `latent train conv-vae|conv-ae|dcgan --conv standard|dilated|separable`:
/// one epoch on the tiny bars, config.json naming the choice, then `sample`;
/// a family without convolutions refuses the option in one line.
@Suite struct ConvolutionKindEndToEndTests: CommandLineSuite {
    let tmp = ScratchFolder()

    struct Case: Sendable, CustomTestStringConvertible {
        let family: String
        let kind: String
        var testDescription: String { "\(family) --conv \(kind)" }
    }

    static let cases: [Case] = ["conv-vae", "conv-ae", "dcgan"].flatMap { family in
        ["standard", "dilated", "separable"].map { Case(family: family, kind: $0) }
    }

    @Test(arguments: cases)
    func trainOneEpochAndSample(_ c: Case) throws {
        let data = try TinyData.write(into: tmp.path)
        let name = "\(c.family)-\(c.kind)"
        try latent(["train", c.family, "--data", data, "--epochs", "1", "--validation", "20", "--batch", "20",
                    "--latent", "4", "--conv", c.kind, "--runs", runs, "--name", name])
        let run = runs + "/" + name
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: run + "/config.json"))) as? [String: Any]
        // The VAE's and AE's options nest the network's; the GAN's are flat.
        let model = config?["model"] as? [String: Any]
        let recorded = (model?["network"] as? [String: Any] ?? model)?["conv"] as? String
        #expect(recorded == c.kind, "config.json: \(String(describing: model))")
        try latent(["sample", name, "--n", "16", "--npy", tmp.file("samples.npy"), "--runs", runs])
        let samples = try NPY.read(tmp.file("samples.npy"))
        #expect(samples.shape == [16, 1, 28, 28] && samples.scalars.allSatisfy(\.isFinite))
        #expect(FileManager.default.fileExists(atPath: run + "/images/sample-16.png"))
    }

    @Test func theHelpExplainsTheKindsAndDenseFamiliesRefuseThem() throws {
        let help = try latent(["train", "conv-vae", "--help"]).output
        for word in ["--conv", "standard", "dilated", "separable"] { #expect(help.contains(word), "\(word) in \(help)") }
        let data = try TinyData.write(into: tmp.path)
        for family in ["vae", "ae", "gan"] {
            // A usage error: one Error: line naming the family's options, then the parser's usage lines, exit 64.
            let result = try latent(["train", family, "--data", data, "--epochs", "1", "--conv", "dilated", "--runs", runs], status: 64)
            let first = result.error.split(separator: "\n").first ?? ""
            #expect(first.hasPrefix("Error: `train \(family)` has no option --conv; its options are"), "\(result.error)")
        }
    }
}

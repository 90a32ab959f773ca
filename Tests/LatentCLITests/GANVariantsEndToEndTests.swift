import Foundation
import Testing
@testable import Latent

/// `latent train gan|dcgan --variant conditional|acgan|infogan`: one epoch on
/// the tiny bars, then a sample grid with a row per class, the classifier's
/// accuracy per requested class (conditional variants) or the categorical
/// code's purity and ARI and the code traversal (InfoGAN); and the refusals.
@Suite struct GANVariantsEndToEndTests: CommandLineSuite {
    let tmp = ScratchFolder()

    struct Case: Sendable, CustomTestStringConvertible {
        let family: String
        let variant: String
        var testDescription: String { "\(family) --variant \(variant)" }
        var options: [String] {
            (family == "gan" ? ["--latent", "4", "--hidden", "32"] : ["--latent", "8"]) + ["--variant", variant]
                + (variant == "infogan" ? ["--categorical", "4", "--continuous", "1"] : [])
        }
    }

    static let cases = [Case(family: "gan", variant: "conditional"), Case(family: "dcgan", variant: "conditional"), Case(family: "dcgan", variant: "acgan"),
                        Case(family: "gan", variant: "infogan"), Case(family: "dcgan", variant: "infogan")]

    func train(_ family: String, _ data: String, name: String, _ options: [String]) throws {
        try latent(["train", family, "--data", data, "--epochs", "1", "--validation", "20", "--batch", "20",
                    "--runs", runs, "--name", name] + options)
    }

    func json(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    @Test(arguments: cases)
    func trainSampleEvaluate(_ c: Case) throws {
        let data = try TinyData.write(into: tmp.path)
        try train("classifier", data, name: "features", [])
        let name = "\(c.family)-\(c.variant)"
        try train(c.family, data, name: name, c.options)
        let run = runs + "/" + name
        let config = json(String(decoding: try Data(contentsOf: URL(fileURLWithPath: run + "/config.json")), as: UTF8.self))
        #expect((config["model"] as? [String: Any])?["variant"] as? String == c.variant, "\(config)")

        try latent(["sample", name, "--n", "16", "--npy", tmp.file("samples.npy"), "--runs", runs])
        #expect(try NPY.read(tmp.file("samples.npy")).shape == [16, 1, 28, 28])
        #expect(FileManager.default.fileExists(atPath: run + "/images/sample-16.png"))

        let result = try latent(["evaluate", name, "--conditional-accuracy", "--per-class", "10", "--json", "--runs", runs])
        let printed = json(result.output)
        let stored = (try? JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: run + "/evaluation.json")))) as? [String: Any]
        let metrics = stored?["metrics"] as? [String: [String: Any]] ?? [:]
        #expect(printed["classifier"] as? String == "features", "\(result)")
        if c.variant == "infogan" {
            #expect((0...1).contains(printed["code_purity"] as? Double ?? -1) && printed["code_adjusted_rand_index"] is Double, "\(result)")
            #expect(metrics["code_purity"]?["generated"] as? Int == 40, "\(metrics)")
            try latent(["traverse", name, "--steps", "5", "--runs", runs])
            #expect(FileManager.default.fileExists(atPath: run + "/images/code-traversal.png"))
            let report = (try? String(contentsOfFile: run + "/report.html", encoding: .utf8)) ?? ""
            #expect(report.contains("code-traversal.png"))
        } else {
            #expect((printed["class_accuracy"] as? [Double])?.count == 4 && printed["conditional_accuracy"] is Double, "\(result)")
            #expect(metrics["conditional_accuracy_class_3"]?["generated"] as? Int == 10, "\(metrics)")
            try latent(["sample", name, "--n", "8", "--class", "2", "--runs", runs])
            #expect(FileManager.default.fileExists(atPath: run + "/images/sample-8-class2.png"))
            let refused = try latent(["traverse", name, "--runs", runs], status: 1)
            #expect(refused.error.contains("`traverse` varies an InfoGAN's codes"), "\(refused)")
        }
    }

    @Test func refusals() throws {
        let data = try TinyData.write(into: tmp.path)
        // The VAE's --conditional is no GAN option: a usage error naming --variant among the GAN's options.
        let conditional = try latent(["train", "gan", "--data", data, "--epochs", "1", "--conditional", "--runs", runs], status: 64)
        #expect(conditional.error.hasPrefix("Error: `train gan` has no option --conditional") && conditional.error.contains("--variant"), "\(conditional)")
        let categorical = try latent(["train", "dcgan", "--data", data, "--epochs", "1", "--categorical", "4", "--runs", runs], status: 64)
        #expect(categorical.error.contains("--categorical does nothing without --variant infogan"), "\(categorical)")
        // Data without labels: one line.
        try FileManager.default.removeItem(atPath: tmp.file("bars-labels.npy"))
        let unlabelled = try latent(["train", "gan", "--data", data, "--epochs", "1", "--variant", "acgan", "--runs", runs], status: 1)
        #expect(unlabelled.error.contains("no labels") && unlabelled.error.split(separator: "\n").count == 1, "\(unlabelled)")
        let help = try latent(["train", "dcgan", "--help"]).output
        for word in ["--variant", "conditional", "acgan", "infogan", "--categorical", "--continuous", "--info-weight", "--conv"] {
            #expect(help.contains(word), "\(word) in \(help)")
        }
        let evaluateHelp = try latent(["evaluate", "--help"]).output
        #expect(evaluateHelp.contains("--conditional-accuracy") && evaluateHelp.contains("--per-class"))
        #expect(try latent(["traverse", "--help"]).output.contains("--steps"))
    }
}

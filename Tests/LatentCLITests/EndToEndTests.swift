import Foundation
import Testing
@testable import Latent

/// Every command run as a user would, on 200 tiny images written by the test:
/// exit codes and the files each command leaves.
@Suite struct EndToEndTests: CommandLineSuite {
    let tmp = ScratchFolder()

    /// What a family is trained with (only options that apply to it; tiny sizes) and which run commands it supports.
    struct Family: Sendable, CustomTestStringConvertible {
        let name: String
        let options: [String]
        let supports: Set<Command>
        var testDescription: String { name }
    }

    /// The commands that take a trained run and need a capability of its model.
    enum Command: String, Sendable, CaseIterable {
        case sample, gibbs = "sample --gibbs-steps", reconstruct, evaluate, ais = "evaluate --ais", inpaint, interpolate,
             latentMap = "latent-map", filters, project, denoise, walk = "project --walk", besideReal = "sample --beside-real"
    }

    static let families: [Family] = [
        Family(name: "vae", options: ["--latent", "4", "--hidden", "32"],
               supports: [.sample, .reconstruct, .evaluate, .interpolate, .latentMap, .filters, .project, .denoise, .walk, .besideReal]),
        // The convolutional families have no filter layers to show: `filters` fails with one line.
        Family(name: "conv-vae", options: ["--latent", "4"],
               supports: [.sample, .reconstruct, .evaluate, .interpolate, .latentMap, .project, .denoise, .walk, .besideReal]),
        Family(name: "ae", options: ["--latent", "4", "--hidden", "32"],
               supports: [.sample, .reconstruct, .evaluate, .interpolate, .latentMap, .filters, .project, .denoise, .walk, .besideReal]),
        Family(name: "conv-ae", options: ["--latent", "4"],
               supports: [.sample, .reconstruct, .evaluate, .interpolate, .latentMap, .project, .denoise, .walk, .besideReal]),
        Family(name: "ppca", options: ["--latent", "4"],
               supports: [.sample, .reconstruct, .evaluate, .interpolate, .latentMap, .filters, .project, .denoise, .walk, .besideReal]),
        Family(name: "rbm", options: ["--hidden", "16"],
               supports: [.sample, .gibbs, .reconstruct, .evaluate, .ais, .inpaint, .filters, .project, .denoise, .besideReal]),
        Family(name: "dbm", options: ["--hidden", "16,8", "--pretrain-epochs", "1"],
               supports: [.sample, .gibbs, .reconstruct, .ais, .inpaint, .filters, .project, .denoise, .besideReal]),
        // A GAN has no encoder: it interpolates between random codes and has no map of test images' codes.
        Family(name: "gan", options: ["--latent", "4", "--hidden", "32"],
               supports: [.sample, .interpolate, .project, .walk, .besideReal]),
        Family(name: "dcgan", options: ["--latent", "8"],
               supports: [.sample, .interpolate, .project, .walk, .besideReal]),
        Family(name: "classifier", options: [],
               supports: [.evaluate]),
    ]

    /// Runs `latent` and records a failure, with everything it printed, unless it exits with `status`.
    /// Trains `family` for one epoch into runs/<name>; returns the run's folder.
    func train(_ family: Family, data: String, name: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let name = name ?? family.name + "-tiny"
        try latent(["train", family.name, "--data", data, "--epochs", "1", "--validation", "20", "--batch", "20",
                    "--runs", runs, "--name", name] + family.options, sourceLocation: sourceLocation)
        return runs + "/" + name
    }

    func jsonFile(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) -> [String: Any] {
        json(String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self), sourceLocation: sourceLocation)
    }

    /// One epoch of each family, then every run command it supports (files and exit 0) and every one it does not
    /// (exit 1 with one `Error:` line).
    @Test(arguments: families)
    func trainOneEpochThenUseTheRun(_ family: Family) throws {
        let data = try TinyData.write(into: tmp.path)
        let run = try train(family, data: data)

        // The run folder.
        expectFiles(run, ["config.json", "metrics.jsonl", "checkpoints/last.safetensors", "report.html"])
        let config = jsonFile(run + "/config.json")
        #expect(config["family"] as? String == family.name)
        #expect(config["latentVersion"] as? String == LatentVersion.string, "config.json records the version of latent")
        let lines = (try? String(contentsOfFile: run + "/metrics.jsonl", encoding: .utf8))?.split(separator: "\n") ?? []
        let epochs = lines.map { json(String($0)) }.filter { $0["epoch"] != nil }
        #expect(epochs.count == 1 && epochs.first?["epoch"] as? Int == 1, "one epoch in metrics.jsonl: \(lines)")
        if family.supports.contains(.sample) { expectFiles(run, ["images/samples.png"]) }
        if family.supports.contains(.reconstruct) { expectFiles(run, ["images/reconstructions.png"]) }

        let name = (run as NSString).lastPathComponent
        let at = ["--runs", runs]
        for command in Command.allCases {
            let supported = family.supports.contains(command)
            let arguments: [String]
            switch command {
            case .sample: arguments = ["sample", name, "--n", "16", "--npy", tmp.file("samples.npy")]
            case .gibbs: arguments = ["sample", name, "--n", "8", "--gibbs-steps", "1,3"]
            case .reconstruct: arguments = ["reconstruct", name, "--n", "8", "--json"]
            case .evaluate: arguments = ["evaluate", name, "--json"]
            case .ais: arguments = ["evaluate", name, "--ais", "--ais-chains", "4", "--ais-steps", "20", "--json"]
            case .inpaint: arguments = ["inpaint", name, "--n", "4", "--json"]
            case .interpolate: arguments = ["interpolate", name, "--steps", "4", "--pairs", "2"]
            case .latentMap: arguments = ["latent-map", name, "--n", "40"]
            case .filters: arguments = ["filters", name, "--n", "8"]
            case .project: arguments = ["project", name, "--n", "4", "--background", "40"]
            case .denoise: arguments = ["denoise", name, "--n", "4", "--scored", "20", "--levels", "0,0.3", "--json"]
            case .walk: arguments = ["project", name, "--walk", "--n", "5", "--background", "40"]
            case .besideReal: arguments = ["sample", name, "--n", "4", "--beside-real"]
            }
            let result = try latent(arguments + at, status: supported ? 0 : 1)
            guard supported else {
                #expect(result.error.hasPrefix("Error: ") && result.error.filter { $0 == "\n" }.count == 1,
                        "\(family.name) does not support \(command.rawValue): one error line, got \(result.error)")
                continue
            }
            switch command {
            case .sample:
                expectFiles(run, ["images/sample-16.png"])
                let samples = try NPY.read(tmp.file("samples.npy"))
                #expect(samples.shape == [16, 1, 28, 28], "samples.npy has shape \(samples.shape)")
                #expect(samples.scalars.allSatisfy { $0.isFinite }, "samples.npy holds finite numbers")
            case .gibbs:
                expectFiles(run, ["images/sample-gibbs-1.png", "images/sample-gibbs-3.png"])
            case .reconstruct:
                expectFiles(run, ["images/reconstruct-test.png"])
                let mse = json(result.output)["mse_per_pixel"] as? Double
                #expect(mse.map { $0.isFinite && $0 >= 0 } == true, "mse_per_pixel: \(result.output)")
            case .evaluate:
                #expect(json(result.output)["test_images"] as? Int == 40, "every test image scored: \(result.output)")
                // Every score records its split and the images it used: all 40 test images.
                let stored = jsonFile(run + "/evaluation.json")["metrics"] as? [String: [String: Any]] ?? [:]
                #expect(!stored.isEmpty && stored.values.allSatisfy { $0["split"] as? String == "test" && $0["images"] as? Int == 40 && $0["value"] is Double },
                        "evaluation.json: \(stored)")
            case .ais:
                let stored = jsonFile(run + "/evaluation.json")["metrics"] as? [String: [String: Any]] ?? [:]
                #expect(stored["ais_log_z"]?["value"] is Double, "evaluation.json records log Z: \(stored)")
            case .inpaint:
                expectFiles(run, ["images/inpaint-10-16.png"])
                #expect(json(result.output)["mse_removed"] is Double, "\(result.output)")
            case .interpolate:
                expectFiles(run, ["images/interpolate.png"])
            case .latentMap:
                expectFiles(run, ["plots/latent-map.svg"])
            case .filters:
                expectFiles(run, ["images/filters-layer1.png"])
            case .project:
                expectFiles(run, ["plots/project.svg", "images/project-samples.png"])
            case .denoise:
                expectFiles(run, ["images/denoise.png", "plots/denoise.svg"])
                let levels = json(result.output)["levels"] as? [[String: Any]] ?? []
                #expect(levels.count == 2 && levels.allSatisfy { $0["mse_reconstruction"] is Double }, "\(result.output)")
            case .walk:
                expectFiles(run, ["plots/project-walk.svg", "images/project-walk.png"])
            case .besideReal:
                expectFiles(run, ["images/sample-4-beside-real.png"])
            }
        }

        // report rebuilds report.html from the files.
        try FileManager.default.removeItem(atPath: run + "/report.html")
        let report = try latent(["report", name] + at)
        #expect(report.output.contains("report.html"))
        expectFiles(run, ["report.html"])
    }

    /// `train --resume` continues a run to more epochs in the same folder.
    @Test func resumeAddsEpochs() throws {
        let data = try TinyData.write(into: tmp.path)
        let run = try train(Self.families[0], data: data)
        try latent(["train", "--resume", "vae-tiny", "--epochs", "2", "--runs", runs])
        let lines = (try? String(contentsOfFile: run + "/metrics.jsonl", encoding: .utf8))?.split(separator: "\n") ?? []
        #expect(lines.map { json(String($0))["epoch"] as? Int }.compactMap { $0 } == [1, 2], "metrics.jsonl: \(lines)")
        #expect(jsonFile(run + "/config.json")["latentVersion"] as? String == LatentVersion.string)
        #expect(!FileManager.default.fileExists(atPath: runs + "/vae-tiny-2"), "no second folder")
    }

    /// A sweep of two settings, then compare, runs, report and data info on what it made.
    @Test func sweepCompareRunsAndDataInfo() throws {
        let data = try TinyData.write(into: tmp.path)
        let sweep = try latent(["sweep", "vae", "--data", data, "--validation", "20", "--lr", "1e-3,3e-3", "--epochs", "1",
                                "--batch", "20", "--latent", "4", "--hidden", "32", "--name", "sw", "--runs", runs])
        expectFiles(runs + "/sw", ["sweep.svg", "sweep.md", "sweep.json"])
        let table = (try? JSONSerialization.jsonObject(with: FileManager.default.contents(atPath: runs + "/sw/sweep.json") ?? Data())) as? [[String: Any]]
        #expect(table?.count == 2, "one row per setting: \(String(describing: table))")
        let names = (table ?? []).compactMap { $0["run"] as? String }
        #expect(names.count == 2 && Set(names).count == 2 && names.allSatisfy { $0.hasPrefix("sw-") }, "\(names) \(sweep.output)")
        for name in names {
            expectFiles(runs + "/" + name, ["config.json", "metrics.jsonl", "checkpoints/last.safetensors", "report.html"])
            #expect(jsonFile(runs + "/\(name)/config.json")["latentVersion"] as? String == LatentVersion.string)
        }
        guard names.count == 2 else { return }

        let compare = try latent(["compare", names[0], names[1], "--runs", runs])
        let folder = runs + "/compare-\(names[0])-\(names[1])"
        expectFiles(folder, ["compare.md", "compare.html", "curves.svg"])
        #expect(names.allSatisfy { compare.output.contains($0) }, "the table names both runs: \(compare.output)")

        let listed = try latent(["runs", "--json", "--runs", runs])
        let rows = (try? JSONSerialization.jsonObject(with: Data(listed.output.utf8))) as? [[String: Any]] ?? []
        #expect(Set(rows.compactMap { $0["name"] as? String }) == Set(names), "runs lists the two runs only: \(listed.output)")
        #expect(rows.allSatisfy { $0["epochs_done"] as? Int == 1 && $0["model"] as? String == "vae" }, "\(rows)")

        let info = try latent(["data", "info", data, "--json", "--grid", tmp.file("grid.png")])
        let splits = json(info.output)["splits"] as? [[String: Any]] ?? []
        #expect(splits.map { $0["count"] as? Int } == [160, 40], "\(info.output)")
        #expect(splits.first?["class_counts"] as? [Int] == [40, 40, 40, 40], "\(info.output)")
        expectFiles(tmp.path, ["grid.png"])
    }

    /// FID, KID, the Inception-style score and precision/recall of a GAN, in the feature space of a classifier run.
    @Test func sampleQualityInAClassifiersFeatureSpace() throws {
        let data = try TinyData.write(into: tmp.path)
        let families = Dictionary(uniqueKeysWithValues: Self.families.map { ($0.name, $0) })
        _ = try train(families["classifier"]!, data: data, name: "features")
        let gan = try train(families["gan"]!, data: data)
        let result = try latent(["evaluate", "gan-tiny", "--fid", "--kid", "--is", "--pr", "--samples", "40",
                                 "--classifier", "features", "--json", "--runs", runs])
        let printed = json(result.output)
        let stored = jsonFile(gan + "/evaluation.json")["metrics"] as? [String: [String: Any]] ?? [:]
        for key in ["fid", "kid", "is", "precision", "recall"] {
            // KID is a mean ± sd over subsets.
            #expect(printed[key] is Double || (printed[key] as? [String: Any])?["mean"] is Double, "\(key) printed: \(result.output)")
            #expect(stored[key]?["value"] is Double, "\(key) recorded in evaluation.json: \(stored)")
        }
        let (precision, recall) = (printed["precision"] as? Double ?? -1, printed["recall"] as? Double ?? -1)
        #expect((0...1).contains(precision) && (0...1).contains(recall), "precision and recall are fractions: \(result.output)")
    }

    /// The ELBO explorer needs no data set: its plots and numbers.
    @Test func elboExplorer() throws {
        let result = try latent(["elbo-explorer", "--count", "50", "--steps", "20", "--output", tmp.file("elbo"), "--json"])
        expectFiles(tmp.file("elbo"), ["elbo-vs-theta.svg", "training.svg", "summary.json"])
        #expect(!json(result.output).isEmpty)
    }
}

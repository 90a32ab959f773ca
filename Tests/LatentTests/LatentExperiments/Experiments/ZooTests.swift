import Foundation
import Testing
@testable import Latent
@testable import LatentExperiments

/// `Zoo.run` (`latent zoo`): a tiny zoo of three families on the fixture's 8×8
/// images, trained with the same budget, scored by one feature network; the
/// table's numbers are the runs' evaluation.json, and `reuse` picks the finished runs.
@Suite struct ZooTests {
    static let words = ["--hidden", "16", "--latent", "2", "--batch", "16", "--lr", "2e-3", "--image-every", "0"]

    func options(_ fixture: ExperimentFixture) throws -> ZooOptions {
        _ = try fixture.data()   // writes the images and labels
        var data = DataOptions(source: fixture.dataPath)
        data.validation = 0
        var o = ZooOptions(data: data)
        o.families = ["vae", "gan", "iwae"]
        o.budget = .epochs(2)
        o.points = 2
        o.words = Self.words
        o.samples = 50
        o.testLimit = nil
        o.nllSamples = 5
        o.featureEpochs = 2
        o.name = "tiny"
        return o
    }

    @Test func aTinyZooHasARowPerFamilyFromTheRunsEvaluations() throws {
        let fixture = ExperimentFixture()
        let root = fixture.tmp.file("runs")
        let zoo = try Zoo.run(try options(fixture), root: root, log: { _ in })
        #expect(zoo.entries.map(\.label) == ["vae", "gan", "iwae"])
        #expect(zoo.entries.map(\.family) == ["vae", "gan", "vae"])
        #expect(zoo.featureFamily == "classifier", "labelled data: a classifier is trained first")
        for entry in zoo.entries {
            #expect(zoo.table.contains("| \(entry.label) | \(entry.run) |"), "a row for \(entry.label)")
            let scores = RunEvaluation.scores(try RunDirectory.open(entry.run, root: root))
            #expect(entry.fid != nil && entry.fid == scores["fid"]?.value, "\(entry.label): FID from evaluation.json")
            #expect(entry.kid == scores["kid"]?.value && entry.precision == scores["precision"]?.value && entry.recall == scores["recall"]?.value)
            #expect(scores["fid"]?.featureNetwork?.run == zoo.featureRun, "every family in the same feature space")
            // The same budget: two epochs of the same 160 training images, FID after the first and at the end.
            #expect(entry.imagesSeen == 2 * 160 && entry.epochs == 2)
            #expect(entry.curve.map(\.imagesSeen) == [160, 320])
            #expect(entry.curve.last?.fid == entry.fid)
            // The untrained network is scored too, without touching the run's evaluation.json (checked above).
            #expect(entry.fidAtStart != nil && entry.fidAtStart != entry.fid, "\(entry.label): FID before training")
            #expect((entry.cpuSeconds ?? 0) > 0 && entry.imagesPerCPUSecond != nil)
            #expect(FileManager.default.fileExists(atPath: root + "/" + entry.run + "/" + Zoo.costFile))
        }
        let (vae, gan, iwae) = (zoo.entries[0], zoo.entries[1], zoo.entries[2])
        let vaeNLL = RunEvaluation.scores(try RunDirectory.open(vae.run, root: root))["test_is_nll"]?.value
        #expect(vae.likelihoodName == "is_nll" && vae.likelihood != nil && vae.likelihood == vaeNLL)
        #expect(gan.likelihood == nil && gan.likelihoodReason?.contains("implicit") == true)
        #expect(zoo.table.contains("— (implicit model"), "the table says why the GAN has no NLL")
        #expect(zoo.realImages == 40 && zoo.likelihoodImages == 40, "the fixture's 40 test images")
        let iwaeConfig = try RunDirectory.open(iwae.run, root: root).config
        #expect((iwaeConfig.model as? VAEOptions)?.iwSamples == 5, "iwae is a vae with --iw-samples 5 by default")
        #expect(iwae.note.contains("--iw-samples 5"))
        // The target is the worst final FID, which every family reaches by its end.
        #expect(zoo.fidTarget == zoo.entries.compactMap(\.fid).max())
        #expect(zoo.entries.allSatisfy { $0.cpuMinutesToTarget != nil })
        for file in ["zoo.md", "zoo.json", "samples.png"] {
            #expect(FileManager.default.fileExists(atPath: root + "/tiny/" + file), "\(file)")
        }
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: root + "/tiny/zoo.json"))) as? [String: Any]
        #expect((json?["entries"] as? [Any])?.count == 3)
        #expect(try String(contentsOfFile: root + "/tiny/zoo.md", encoding: .utf8) == zoo.table)
        let grid = try PNGReader.read(root + "/tiny/samples.png")
        #expect(grid.shape[grid.shape.count - 2] > 3 * 8, "three labelled rows of samples: \(grid.shape)")

        // Again with reuse: the finished runs are picked, nothing new is trained.
        let before = RunDirectory.list(root: root).map(\.name)
        var again = try options(fixture)
        again.reuse = true
        let reused = try Zoo.run(again, root: root, log: { _ in })
        #expect(RunDirectory.list(root: root).map(\.name) == before)
        #expect(reused.entries.map(\.run) == zoo.entries.map(\.run) && reused.entries.allSatisfy(\.reused))
        #expect(reused.entries.map(\.cpuSeconds) == zoo.entries.map(\.cpuSeconds), "the training cost is the runs' own")
        #expect(reused.entries.map(\.fidAtStart) == zoo.entries.map(\.fidAtStart), "the untrained network is rebuilt from the run's seed")
    }

    @Test func optionsGoToTheFamiliesThatTakeThem() throws {
        #expect(Zoo.filtered(["--hidden", "16", "--iw-samples", "3", "--channels=4", "--lr", "1e-3"], for: GANModel.self) == ["--hidden", "16", "--lr", "1e-3"])
        #expect(Zoo.filtered(["--channels=4", "--hidden", "16"], for: DDPMModel.self) == ["--channels=4"])
        let iwae = try Zoo.family("iwae", options: ZooOptions(data: DataOptions(source: "x")))
        #expect(iwae.type.family == "vae" && iwae.words == ["--iw-samples", "5"])
        expectLatentError(["does not generate images"]) { _ = try Zoo.family("classifier", options: ZooOptions(data: DataOptions(source: "x"))) }
    }
}

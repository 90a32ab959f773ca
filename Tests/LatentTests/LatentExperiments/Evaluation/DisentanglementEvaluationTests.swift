import Foundation
import Testing
@testable import Latent

/// `evaluate --disentanglement`: MIG of a run trained on a synthetic set, recorded with its kind, and the traversal.
@Suite struct DisentanglementEvaluationTests {
    let tmp = TempFolder()

    func trained(_ family: String, data source: String, options: [(String, String)]) throws -> TrainedRun {
        var dataOptions = DataOptions(source: source)
        dataOptions.validation = 10
        let data = try PreparedData.load(dataOptions)
        let config = try testConfig(family, data: data, [("epochs", "1"), ("batch", "32"), ("image-every", "0")] + options)
        let session = try TrainingSession.start(config: config, data: data, root: tmp.file("runs"), name: family, explicitName: false)
        session.quiet = true
        session.log = { _ in }
        try session.train()
        return try TrainedRun.open(session.run.name, root: tmp.file("runs"))
    }

    @Test func aRunOnShapesGetsMIGPerFactorGapsAndATraversal() throws {
        let shapes = tmp.file("shapes")
        _ = try SyntheticShapes.synthesize(.init(size: 32, count: 300, seed: 1), into: shapes)
        let run = try trained("factor-vae", data: shapes, options: [("latent", "3"), ("hidden", "16"), ("d-hidden", "8")])
        let result = try DisentanglementEvaluation.evaluate(run.directory, model: run.model, options: .init(testLimit: 40, traversalSteps: 5))
        #expect(result.testImages == 40 && result.codeDimension == 3)
        #expect(result.mig.names == ["shape", "scale", "rotation", "x", "y"])
        #expect(result.mig.mig >= 0 && result.mig.mig <= 1)
        #expect(result.mig.gaps.allSatisfy { $0.map { $0 >= 0 && $0 <= 1 } ?? true })
        let scores = RunEvaluation.scores(run.directory)
        #expect(scores["mig"]?.kind == .disentanglement && scores["mig"]?.images == 40 && scores["mig"]?.split == "test")
        #expect(Set(scores.keys).isSuperset(of: ["mig_gap_shape", "mig_gap_x"]) || result.mig.gaps.contains(nil))
        #expect(result.traversal == run.directory.image("latent-traversal.png"))
        let png = try PNGReader.read(result.traversal!)
        #expect(png.shape[2] > 5 * 32 && png.shape[1] > 3 * 32, "3 rows of 5 images of 32 × 32: \(png.shape)")
        let report = try String(contentsOfFile: run.directory.path + "/report.html", encoding: .utf8)
        #expect(report.contains("images/latent-traversal.png"))
        // A second evaluation replaces the first whole.
        _ = try DisentanglementEvaluation.evaluate(run.directory, model: run.model, options: .init(testLimit: 20))
        #expect(RunEvaluation.scores(run.directory)["mig"]?.images == 20)
    }

    @Test func dataWithoutFactorsGetOneLine() throws {
        let fixture = ExperimentFixture()
        let run = try fixture.trained("ppca")
        expectLatentError(["MIG needs a data set with factors", "latent data synth shapes"]) {
            _ = try DisentanglementEvaluation.evaluate(run.directory, model: run.model, options: .init())
        }
    }
}

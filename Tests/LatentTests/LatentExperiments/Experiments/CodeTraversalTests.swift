import Foundation
import Testing
@testable import Latent

/// `TrainedRun.traverse`: an InfoGAN's codes varied one at a time with z fixed.
@Suite struct CodeTraversalTests {
    let fixture = ExperimentFixture()

    func run(_ options: [(String, String)]) throws -> TrainedRun {
        let data = try fixture.data(scale: .symmetric)
        let config = try testConfig("gan", data: data, [("latent", "2"), ("hidden", "16"), ("epochs", "1")] + options)
        let directory = try RunDirectory.create(root: fixture.tmp.file("runs"), name: "gan", config: config)
        var rng = RandomGenerator(seed: 1)
        return TrainedRun(directory: directory, model: try config.buildModel(rng: &rng), epoch: 0)
    }

    @Test func aGridPerContinuousCodeWithARowPerCategoricalValue() throws {
        let run = try run([("variant", "infogan"), ("categorical", "3"), ("continuous", "2")])
        let traversal = try run.traverse(CodeTraversalOptions(steps: 5))
        #expect(traversal.grids.count == 2 && traversal.grids.allSatisfy { $0.shape == [15, 1, 8, 8] })
        #expect(traversal.values == [-2, -1, 0, 1, 2] && traversal.captions == ["code 1: -2 to 2", "code 2: -2 to 2"])
        #expect(traversal.grids[0].scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
        // The middle column of both grids has every continuous code at 0: the same images.
        let middle = (0..<3).map { $0 * 5 + 2 }
        #expect(traversal.grids[0].gatherRows(middle).scalars == traversal.grids[1].gatherRows(middle).scalars)
        // Along a row only the continuous code changes, so the images differ.
        #expect(traversal.grids[0].rows(0..<1).scalars != traversal.grids[0].rows(4..<5).scalars)
        let path = try traversal.write()
        #expect(path.hasSuffix("images/code-traversal.png") && FileManager.default.fileExists(atPath: path))
        let one = try run.traverse(CodeTraversalOptions(steps: 3, range: 1, code: 1))
        #expect(one.grids.count == 1 && one.captions == ["code 2: -1 to 1"] && one.values == [-1, 0, 1])
        expectLatentError(["the continuous code must be from 1 to 2, got 3"]) { _ = try run.traverse(CodeTraversalOptions(code: 2)) }
    }

    @Test func otherModelsAreRefused() throws {
        expectLatentError(["`traverse` varies an InfoGAN's codes", "--variant infogan"]) { _ = try run([("variant", "acgan")]).traverse() }
        expectLatentError(["does not support `traverse`", "gan and dcgan do"]) { _ = try fixture.untrained("vae").traverse() }
    }
}

import Foundation
import Testing
@testable import Latent

/// `latent train` and `latent evaluate` with --limit and --test-limit, as a user runs them.
@Suite struct EvaluationCommandTests {
    let fixture = EvaluationFixture()

    @Test func limitAndTestLimitOnTheCommandLine() throws {
        let data = try fixture.writeBars(count: 300)
        let run = try fixture.train(["vae", "--data", data, "--latent", "2", "--hidden", "8", "--epochs", "1",
                                     "--limit", "50", "--test-limit", "20", "--name", "quick"])
        #expect((run.config.trainCount, run.config.validationCount, run.config.testCount) == (50, 24, 20))
        #expect(run.config.data.testLimit == 20 && run.config.data.validation == nil)

        let json = try LatentBinary.run(["evaluate", "quick", "--runs", fixture.runs, "--test-limit", "10", "--json"])
        #expect(json.status == 0, "\(json.error)")
        let record = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        #expect(record["test_images"] as? Int == 10 && record["split"] as? String == "test")
        #expect(RunEvaluation.scores(run)["test_neg_elbo"]?.images == 10)

        let text = try LatentBinary.run(["evaluate", "quick", "--runs", fixture.runs])
        #expect(text.status == 0 && text.output.contains("on 20 test images"), "the run's own test limit: \(text.output)")

        let misuse = try LatentBinary.run(["evaluate", "quick", "--runs", fixture.runs, "--limit", "5"])
        #expect(misuse.status != 0 && misuse.error.contains("--test-limit"), "\(misuse.error)")
        let zero = try LatentBinary.run(["evaluate", "quick", "--runs", fixture.runs, "--test-limit", "0"])
        #expect(zero.status != 0 && zero.error.contains("--test-limit must be at least 1, got 0"), "\(zero.error)")
    }

    @Test func sampleScoresSayHowFeaturesAreScaledAndGiveSpreads() throws {
        let data = try fixture.writeBars(count: 200)
        _ = try fixture.train(["classifier", "--data", data, "--epochs", "1", "--batch", "20", "--name", "clf"])
        _ = try fixture.train(["vae", "--data", data, "--latent", "2", "--hidden", "8", "--epochs", "1", "--name", "vae"])
        let out = try LatentBinary.run(["evaluate", "vae", "--runs", fixture.runs, "--fid", "--kid", "--samples", "40"])
        #expect(out.status == 0, "\(out.error)")
        #expect(out.output.contains("features divided by the real features' RMS"))
        #expect(out.output.contains("mean ± sd over 5 random halves") && out.output.contains("mean ± sd over 100 subsets"), "\(out.output)")
    }
}

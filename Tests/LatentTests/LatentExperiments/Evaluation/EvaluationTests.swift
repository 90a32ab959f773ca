import Foundation
import Testing
@testable import Latent

/// Tiny labelled data and runs made by the `latent` binary, for the evaluation tests.
struct EvaluationFixture {
    let tmp = TempFolder()
    var runs: String { tmp.file("runs") }

    /// `count` 4×4 images of 4 classes (a bright row per class, noisy), as bars.npy + bars-labels.npy; returns the path.
    @discardableResult
    func writeBars(count: Int = 300, seed: UInt64 = 5) throws -> String {
        var rng = RandomGenerator(seed: seed)
        let noise = Tensor.uniform([count, 4, 4], rng: &rng).scalars
        var pixels: [Float] = [], labels: [Float] = []
        for i in 0..<count {
            let row = i % 4
            labels.append(Float(row))
            for y in 0..<4 { for x in 0..<4 { pixels.append((y == row ? 0.7 : 0.05) + 0.25 * noise[(i * 4 + y) * 4 + x]) } }
        }
        try NPY.write(Tensor(pixels, shape: [count, 4, 4]), to: tmp.file("bars.npy"))
        try NPY.write(Tensor(labels), to: tmp.file("bars-labels.npy"))
        return tmp.file("bars.npy")
    }

    /// Trains a run with the command-line tool; `arguments` follow `latent train`.
    func train(_ arguments: [String]) throws -> RunDirectory {
        let result = try LatentBinary.run(["train"] + arguments + ["--runs", runs, "--json"])
        guard result.status == 0, let name = arguments.firstIndex(of: "--name").map({ arguments[$0 + 1] }) else {
            throw LatentError.invalidArgument("latent train failed: \(result.error)")
        }
        return try RunDirectory.open(name, root: runs)
    }

    /// The run's evaluation.json as JSON.
    func evaluationFile(_ run: RunDirectory) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: RunEvaluation.path(run)))
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }
}

/// The library's evaluations: likelihood metrics on one set of images, AIS, representation, and evaluation.json.
@Suite struct EvaluationTests {
    let fixture = EvaluationFixture()

    func trainedVAE() throws -> (RunDirectory, any LikelihoodModel) {
        let data = try fixture.writeBars()
        let run = try fixture.train(["vae", "--data", data, "--latent", "2", "--hidden", "16", "--epochs", "8", "--batch", "20",
                                     "--lr", "0.01", "--name", "vae"])
        let model = try #require(try ModelRegistry.load(run).model as? any LikelihoodModel)
        return (run, model)
    }

    @Test func importanceSampledNLLIsBelowTheNegativeELBOOnTheSameImages() throws {
        let (run, model) = try trainedVAE()
        let result = try LikelihoodEvaluation.evaluate(run, model: model, options: .init(nllSamples: 64, testLimit: 40))
        #expect(result.images == 40)
        let nll = try #require(result.value("is_nll")), elbo = try #require(result.value("neg_elbo"))
        #expect(nll <= elbo, "IS-NLL \(nll) must not exceed −ELBO \(elbo) on the same images")
        #expect(elbo - nll < 0.5 * abs(elbo) + 5, "a trained VAE's bound is not wildly loose: \(elbo) vs \(nll)")
        // Both recorded with their split and their (shared) image count.
        let metrics = try #require(try fixture.evaluationFile(run)["metrics"] as? [String: [String: Any]])
        for name in ["test_is_nll", "test_neg_elbo"] {
            let entry = try #require(metrics[name], "\(name) missing from evaluation.json")
            #expect(entry["split"] as? String == "test")
            #expect(entry["images"] as? Int == 40)
            #expect(entry["kind"] as? String == "likelihood")
        }
        #expect(abs((metrics["test_is_nll"]?["value"] as? Double ?? 0) - nll) < 1e-9)
    }

    @Test func aLaterEvaluationReplacesEveryScoreOfItsKind() throws {
        let (run, model) = try trainedVAE()
        try RunEvaluation.record(["fid": EvaluationScore(value: 12.5, split: "test", images: 60, generated: 100, kind: .sampleQuality)], into: run)
        _ = try LikelihoodEvaluation.evaluate(run, model: model, options: .init(nllSamples: 16, testLimit: 40))
        let second = try LikelihoodEvaluation.evaluate(run, model: model, options: .init(testLimit: 20))
        let scores = RunEvaluation.scores(run)
        // The IS-NLL of 40 images must not stay beside a −ELBO of 20.
        #expect(scores["test_is_nll"] == nil)
        #expect(scores["test_neg_elbo"]?.images == 20)
        #expect(scores["test_neg_elbo"]?.value == second.value("neg_elbo"))
        #expect(scores["fid"]?.value == 12.5, "other kinds stay")
        #expect(RunEvaluation.load(run)["fid"] == 12.5)
    }

    @Test func oldEvaluationFilesAreStillRead() throws {
        let (run, model) = try trainedVAE()
        try Data(#"{"fid": 31.5, "test_nll": 80.25, "test_neg_elbo": 81.0}"#.utf8).write(to: URL(fileURLWithPath: RunEvaluation.path(run)))
        #expect(RunEvaluation.load(run) == ["fid": 31.5, "test_nll": 80.25, "test_neg_elbo": 81.0])
        let old = RunEvaluation.scores(run)
        #expect(old["fid"]?.split == nil && old["fid"]?.images == nil, "an old file does not know its images")
        #expect(old["fid"]?.kind == .sampleQuality && old["test_nll"]?.kind == .likelihood)
        // A new likelihood evaluation drops the old likelihood scores (their images are unknown) and keeps the rest.
        _ = try LikelihoodEvaluation.evaluate(run, model: model, options: .init(testLimit: 10))
        let now = RunEvaluation.scores(run)
        #expect(now["test_nll"] == nil)
        #expect(now["test_neg_elbo"]?.images == 10)
        #expect(now["fid"]?.value == 31.5)
        #expect(RunComparison(runs: [run]).metrics(run)["fid"] == 31.5, "the comparison table reads the new file")
    }

    @Test func aisMatchesTheExactLogPartitionOfASmallRBM() throws {
        let data = try fixture.writeBars()
        let run = try fixture.train(["rbm", "--data", data, "--hidden", "6", "--epochs", "3", "--batch", "20", "--name", "rbm"])
        let energy = try #require(try ModelRegistry.load(run).model as? any PartitionFunctionModel)
        let result = try AISEvaluation.evaluate(run, model: energy, options: .init(chains: 200, steps: 2_000, testLimit: 30))
        let exact = try #require(result.exactLogPartition)
        #expect(abs(result.estimate.logPartition - exact) < 0.1, "AIS \(result.estimate.logPartition) vs exact \(exact)")
        #expect(result.testImages == 30 && result.trainImages == run.config.trainCount)
        let scores = RunEvaluation.scores(run)
        #expect(scores["test_log_likelihood"]?.images == 30 && scores["test_log_likelihood"]?.split == "test")
        #expect(scores["ais_log_z"]?.split == "train")
        // The log-likelihood with the exact log Z, by hand: mean over the images of −F(v) − log Z.
        let model = try #require(energy as? RBMModel)
        let prepared = try PreparedData.load(run.config.data, testLimit: 30)
        let exactLL = model.logLikelihood(prepared.evaluationImages(prepared.test), logPartition: exact)
        let mean = exactLL.reduce(0, +) / Double(exactLL.count)
        #expect(abs(result.meanLogLikelihood - mean) < 0.1)
    }

    @Test func representationOfCodesThatAreTheLabels() {
        // Codes = one-hot labels + small noise: a perfect probe, clusters that are the classes.
        var rng = RandomGenerator(seed: 9)
        let trainLabels = (0..<120).map { $0 % 3 }, testLabels = (0..<60).map { $0 % 3 }
        func codes(_ labels: [Int]) -> Tensor { Tensor.oneHot(labels, classes: 3) + Tensor.normal([labels.count, 3], std: 0.05, rng: &rng) }
        let r = RepresentationEvaluation.measure(trainCodes: codes(trainLabels), trainLabels: trainLabels,
                                                 testCodes: codes(testLabels), testLabels: testLabels)
        #expect(r.linearProbeAccuracy == 1)
        #expect(abs(r.adjustedRandIndex - 1) < 1e-12)
        #expect(r.silhouette > 0.8)
        #expect(r.clusters == 3 && r.testImages == 60 && r.trainImages == 120 && r.codeDimension == 3)
        #expect(r.scores["silhouette"]?.images == 60 && r.scores["silhouette"]?.split == "test")
    }

    @Test func representationOfARun() throws {
        let (run, model) = try trainedVAE()
        let r = try RepresentationEvaluation.evaluate(run, model: model, options: .init(trainLimit: 100, testLimit: 40))
        #expect(r.trainImages == 100 && r.testImages == 40 && r.codeDimension == 2 && r.clusters == 4)
        #expect(r.linearProbeAccuracy > 0.5, "the bars' classes are easy to read from the codes: \(r.linearProbeAccuracy)")
        #expect(RunEvaluation.scores(run)["linear_probe_accuracy"]?.images == 40)
    }
}

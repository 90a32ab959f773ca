import Foundation
import Testing
@testable import Latent

/// FID, KID and precision/recall without labels: an autoencoder's code as the
/// feature space. Sanity checks on tiny but real trained networks: real against
/// other real images scores far below real against noise, the score grows with
/// the strength of a corruption, and it ranks corruptions as a classifier's space does.
@Suite struct UnlabelledSampleQualityTests {
    let fixture = EvaluationFixture()

    /// The 4×4 bars of `EvaluationFixture` written again without labels (faces.npy, no faces-labels.npy).
    func unlabelledBars() throws -> String {
        let labelled = try NPY.read(try fixture.writeBars())
        let path = fixture.tmp.file("faces.npy")
        try NPY.write(labelled, to: path)
        return path
    }

    /// Test images (real), training images (other real) of `data`, prepared as the feature run prepares them.
    func realSets(_ run: RunDirectory) throws -> (test: Tensor, train: Tensor) {
        let data = try PreparedData.load(run.config.data)
        return (data.evaluationImages(data.test), data.train.flatImages)
    }

    func fid(_ extractor: any FeatureModel, _ real: Tensor, _ other: Tensor) throws -> Double {
        try #require(try SampleQualityEvaluation.measure(real: real, generated: other, extractor: extractor, options: .init(fid: true, floorDraws: 2)).fid)
    }

    /// `x` with N(0, σ²) noise added, clipped to [0, 1].
    func noisy(_ x: Tensor, _ sigma: Float, seed: UInt64) -> Tensor {
        var rng = RandomGenerator(seed: seed)
        return (x + Tensor.normal(x.shape, std: sigma, rng: &rng)).clamped(min: 0, max: 1)
    }

    /// `x` (4×4 images as rows of 16) with its first `columns` columns blanked.
    func occluded(_ x: Tensor, columns: Int) -> Tensor {
        let mask = Tensor((0..<16).map { Float($0 % 4 < columns ? 0 : 1) }, shape: [1, 16])
        return x * mask
    }

    @Test func anAutoencodersCodeScoresRealAgainstNoiseAndCorruptionsInOrder() throws {
        let data = try unlabelledBars()
        let ae = try fixture.train(["ae", "--data", data, "--latent", "4", "--hidden", "16", "--epochs", "10", "--batch", "20",
                                    "--lr", "0.01", "--name", "features"])
        let extractor = try #require(try ModelRegistry.load(ae).model as? any FeatureModel)
        let (test, train) = try realSets(ae)
        #expect(try PreparedData.load(ae.config.data).test.hasLabels == false, "the data have no labels")
        var rng = RandomGenerator(seed: 11)
        let noise = Tensor.uniform(train.shape, rng: &rng)
        let realVsReal = try fid(extractor, test, train), realVsNoise = try fid(extractor, test, noise)
        #expect(realVsReal * 10 < realVsNoise, "FID real vs other real \(realVsReal) ≪ real vs noise \(realVsNoise)")
        let byNoise = try [0, 0.1, 0.2, 0.4].map { try fid(extractor, test, noisy(train, Float($0), seed: 12)) }
        #expect(zip(byNoise, byNoise.dropFirst()).allSatisfy { $0 < $1 }, "FID grows with the noise's σ: \(byNoise)")
        let byOcclusion = try (0...3).map { try fid(extractor, test, occluded(train, columns: $0)) }
        #expect(zip(byOcclusion, byOcclusion.dropFirst()).allSatisfy { $0 < $1 }, "FID grows with the occluded columns: \(byOcclusion)")
    }

    /// On labelled data the autoencoder's code ranks corruptions the way the classifier's features do.
    @Test func theCodeRanksCorruptionsAsTheClassifierDoes() throws {
        let data = try fixture.writeBars()
        let ae = try fixture.train(["ae", "--data", data, "--latent", "4", "--hidden", "16", "--epochs", "10", "--batch", "20",
                                    "--lr", "0.01", "--name", "ae"])
        let classifier = try fixture.train(["classifier", "--data", data, "--epochs", "3", "--batch", "20", "--name", "clf"])
        let (test, train) = try realSets(ae)
        var corrupted = [0, 0.1, 0.2, 0.4].map { noisy(train, Float($0), seed: 13) }
        corrupted += (1...3).map { occluded(train, columns: $0) }
        func ranks(_ run: RunDirectory) throws -> [Int] {
            let extractor = try #require(try ModelRegistry.load(run).model as? any FeatureModel)
            let scores = try corrupted.map { try fid(extractor, test, $0) }
            return scores.indices.sorted { scores[$0] < scores[$1] }
        }
        let (byCode, byClassifier) = (try ranks(ae), try ranks(classifier))
        // Within each corruption the order is the strength's in both spaces.
        for family in [Array(0..<4), Array(4..<7)] {
            #expect(byCode.filter(family.contains) == family && byClassifier.filter(family.contains) == family,
                    "code \(byCode), classifier \(byClassifier)")
        }
    }

    @Test func unlabelledRunsPickAnAutoencoderSkipISAndRecordTheFeatureNetwork() throws {
        let data = try unlabelledBars()
        let vae = try fixture.train(["vae", "--data", data, "--latent", "2", "--hidden", "16", "--epochs", "2", "--batch", "20", "--name", "vae"])
        do {
            _ = try SampleQualityEvaluation.featureRun(for: vae, root: fixture.runs)
            Issue.record("no feature network trained yet")
        } catch let error as LatentError {
            #expect(error.description.contains("latent train conv-ae --data \(data)") && !error.description.contains("\n"), "\(error)")
        }
        _ = try fixture.train(["ae", "--data", data, "--latent", "4", "--hidden", "16", "--epochs", "2", "--batch", "20", "--name", "features"])
        let features = try SampleQualityEvaluation.featureRun(for: vae, root: fixture.runs)
        #expect(features.name == "features")
        let sampler = try #require(try ModelRegistry.load(vae).model as? any SamplingModel)
        let r = try SampleQualityEvaluation.evaluate(vae, model: sampler, features: features, options: .init(
            fid: true, kid: true, inceptionScore: true, precisionRecall: true, samples: 50, kidSubsets: 5, kidSubsetSize: 20))
        #expect(r.fid != nil && r.kid != nil && r.precision != nil && r.inceptionScore == nil)
        #expect(r.warnings.contains { $0.hasPrefix("IS skipped") }, "\(r.warnings)")
        #expect(r.featureRun == "features" && r.featureFamily == "ae" && r.featureData == data && r.featureChecksum.count == 16)
        #expect(r.featureDimension == 4 && r.classifier.isEmpty)
        let metrics = try #require(try fixture.evaluationFile(vae)["metrics"] as? [String: [String: Any]])
        #expect(metrics["fid"]?["value"] is Double && metrics["is"] == nil)
    }
}

import Foundation
import Testing
@testable import Latent

/// Tiny 8×8 images of one kind (a bright horizontal bar on a dark background,
/// four classes by the bar's place) and the same images inverted, which no
/// model of the first kind should find likely.
struct BarImages {
    let tmp = TempFolder()

    /// Writes `count` images (inverted: 1 − x) as name.npy, with name-labels.npy when `labels`; returns the path.
    @discardableResult
    func write(_ name: String, count: Int = 200, inverted: Bool = false, side: Int = 8, labels: Bool = true) throws -> String {
        var rng = RandomGenerator(seed: inverted ? 5 : 4)
        var pixels: [Float] = []
        for i in 0..<count {
            let row = (i % 4) * 2 + (side > 8 ? 1 : 0)
            for y in 0..<side {
                for _ in 0..<side {
                    let v: Float = (y == row || y == row + 1 ? 0.9 : 0.05) + 0.05 * rng.nextUniform()
                    pixels.append(inverted ? 1 - v : v)
                }
            }
        }
        let path = tmp.file(name + ".npy")
        try NPY.write(Tensor(pixels, shape: [count, side, side]), to: path)
        if labels { try NPY.write(Tensor((0..<count).map { Float($0 % 4) }), to: tmp.file(name + "-labels.npy")) }
        return path
    }

    /// A run of `family` trained on `data` for `epochs` epochs, opened as the commands open it.
    func trained(_ family: String, data path: String, epochs: Int = 6, name: String? = nil) throws -> TrainedRun {
        var options = DataOptions(source: path)
        options.validation = 0
        options.scale = try ModelRegistry.family(family).defaultScale
        let data = try PreparedData.load(options)
        let config = try testConfig(family, data: data, [("epochs", "\(epochs)"), ("batch", "16"), ("latent", "2"), ("hidden", family == "dbm" ? "16,8" : "32"),
                                                        ("pretrain-epochs", "1"),
                                                        ("lr", family == "rbm" ? "0.05" : "3e-3"), ("image-every", "0")])
        let session = try TrainingSession.start(config: config, data: data, root: tmp.file("runs"), name: name ?? family, explicitName: true)
        session.quiet = true
        session.log = { _ in }
        try session.train()
        return try TrainedRun.open(name ?? family, root: tmp.file("runs"))
    }
}

/// `latent anomaly`: a model of one kind of image tells another kind apart.
@Suite struct AnomalyDetectionTests {
    let bars = BarImages()

    @Test func aTinyVAESeparatesInvertedImages() throws {
        let run = try bars.trained("vae", data: try bars.write("bars"))
        let inverted = try bars.write("inverted", count: 150, inverted: true)   // 30 test images
        let result = try run.anomaly(AnomalyOptions(other: inverted, images: 30, samples: 4))
        #expect(Set(result.scores.map(\.name)) == ["reconstruction_error", "neg_elbo", "is_nll"])
        #expect(result.inImages == 30 && result.outImages == 30, "the fixed subset of each test split")
        for s in result.scores {
            #expect(s.auroc > 0.9, "\(s.name): AUROC \(s.auroc)")
            #expect(s.auroc == AUROC.area(positives: s.outOfDistribution, negatives: s.inDistribution))
        }
        // The importance-sampled bound is tighter than the mean of the same draws: IS-NLL ≤ −ELBO per image.
        let (elbo, nll) = (result.score("neg_elbo")!, result.score("is_nll")!)
        #expect(zip(nll.inDistribution, elbo.inDistribution).allSatisfy { $0 <= $1 + 1e-9 })
        let paths = try result.write()
        for name in ["anomaly-reconstruction_error.svg", "anomaly-neg_elbo.svg", "anomaly-is_nll.svg"] {
            #expect(paths.contains(run.directory.plot(name)) && fileExists(run.directory.plot(name)))
        }
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: run.directory.path + "/anomaly.json"))) as? [String: Any]
        #expect((json?["out_of_distribution"] as? [String: Any])?["images"] as? Int == 30)
        let recorded = RunEvaluation.scores(run.directory)["anomaly_auroc_neg_elbo"]
        #expect(recorded?.value == elbo.auroc && recorded?.images == 60)
        #expect(fileExists(run.directory.reportPath))
    }

    @Test func itsOwnTestImagesAreNoAnomalyAndEachFamilyScoresItsWay() throws {
        let path = try bars.write("bars")
        let ppca = try bars.trained("ppca", data: path, epochs: 1)
        let same = try ppca.anomaly(AnomalyOptions(other: path, images: 40))
        #expect(Set(same.scores.map(\.name)) == ["reconstruction_error", "nll"])
        for s in same.scores { #expect(s.auroc == 0.5 && s.inDistribution == s.outOfDistribution, "\(s.name) on the same images") }
        // The RBM's free energy: −log p(v) up to log Z, exactly, for the enumerable case.
        let rbm = try bars.trained("rbm", data: path, epochs: 2)
        let inverted = try bars.write("inverted", count: 60, inverted: true)
        let scored = try rbm.anomaly(AnomalyOptions(other: inverted, images: 20))
        #expect(Set(scored.scores.map(\.name)) == ["reconstruction_error", "free_energy"])
        let x = try PreparedData.load(rbm.config.data, testLimit: 20)
        let logZ = 3.5
        let expected = (rbm.model as! RBMModel).logLikelihood(x.evaluationImages(x.test), logPartition: logZ).map { -$0 - logZ }
        #expect(zip(scored.score("free_energy")!.inDistribution, expected).allSatisfy { abs($0 - $1) < 1e-6 * Swift.max(1, abs($1)) })
        // The DBM: its variational bound, without log Z.
        let dbm = try bars.trained("dbm", data: path, epochs: 1)
        #expect(Set(try dbm.anomaly(AnomalyOptions(other: inverted, images: 20)).scores.map(\.name)) == ["reconstruction_error", "neg_lower_bound"])
    }

    @Test func shapesMustMatchAndAModelMustScore() throws {
        let run = try bars.trained("ae", data: try bars.write("bars"), epochs: 1)
        let wide = try bars.write("wide", count: 40, side: 10)
        expectLatentError(["[1, 10, 10]", "[1, 8, 8]", "same shape"]) { _ = try run.anomaly(AnomalyOptions(other: wide)) }
        let gan = try bars.trained("gan", data: try bars.write("bars-gan"), epochs: 1)
        expectLatentError(["`anomaly`", "vae", "rbm"]) { _ = try gan.anomaly(AnomalyOptions(other: wide)) }
    }
}

/// `latent robustness`: the probe and the reconstruction as corruption grows.
@Suite struct RobustnessTests {
    let bars = BarImages()

    @Test func errorGrowsWithNoiseAndTheCleanRowIsTheCleanScore() throws {
        let run = try bars.trained("ae", data: try bars.write("bars"), epochs: 8)
        let result = try run.robustness(RobustnessOptions(noiseLevels: [0, 0.1, 0.3, 0.6], occlusionLevels: [0, 0.25, 0.5], trainImages: 100))
        #expect(result.testImages == 40 && result.trainImages == 100 && result.skipped.isEmpty)
        let noise = result.points(.noise), occlusion = result.points(.occlusion)
        #expect(noise.map(\.level) == [0, 0.1, 0.3, 0.6] && occlusion.map(\.level) == [0, 0.25, 0.5])
        let errors = noise.map { $0.reconstructionError! }
        #expect(zip(errors, errors.dropFirst()).allSatisfy { $0 < $1 }, "error grows with σ: \(errors)")
        #expect(occlusion.last!.reconstructionError! > occlusion.first!.reconstructionError!)
        // Level 0 of either corruption is the clean images: the same scores as the clean row ...
        for zero in [noise[0], occlusion[0]] {
            #expect(zero.reconstructionError == result.clean.reconstructionError && zero.probeAccuracy == result.clean.probeAccuracy)
        }
        // ... which are those of `reconstruct` and of a probe trained on the clean codes by hand.
        #expect(abs(result.clean.reconstructionError! - (try run.reconstruct(ReconstructionOptions(count: 40))).meanSquaredError) < 1e-6)
        let data = try PreparedData.load(run.config.data, testLimit: 1_000)
        let train = data.train.subset(PreparedData.fixedSubset(count: data.train.count, limit: 100))
        let model = run.model as! any LatentSpaceModel
        let accuracy = Representation.linearProbe(train: try model.encode(data.evaluationImages(train), labels: train.labels), trainLabels: train.labels,
                                                  test: try model.encode(data.evaluationImages(data.test), labels: data.test.labels),
                                                  testLabels: data.test.labels)
        #expect(result.clean.probeAccuracy == accuracy)
        #expect(accuracy > 0.5, "the bar's place is in the codes: \(accuracy)")
        let plot = try result.write()
        #expect(plot == run.directory.plot("robustness.svg") && fileExists(plot))
        let svg = try String(contentsOfFile: plot, encoding: .utf8)
        #expect(svg.contains("Linear probe") && svg.contains("Reconstruction") && svg.contains("occluding square"))
    }

    @Test func withoutLabelsTheErrorStandsAlone() throws {
        let run = try bars.trained("vae", data: try bars.write("plain", labels: false), epochs: 1)
        let result = try run.robustness(RobustnessOptions(noiseLevels: [0, 0.5], occlusionLevels: [0.3], scored: 10))
        #expect(result.skipped["linear_probe_accuracy"]?.contains("no labels") == true && result.trainImages == 0)
        #expect(([result.clean] + result.points).allSatisfy { $0.probeAccuracy == nil && $0.reconstructionError != nil })
        #expect(result.testImages == 10)
        let svg = try String(contentsOfFile: try result.write(), encoding: .utf8)
        #expect(!svg.contains("Linear probe") && svg.contains("Reconstruction"))
        expectLatentError(["below 1"]) { _ = try run.robustness(RobustnessOptions(occlusionLevels: [1])) }
        let gan = try bars.trained("gan", data: try bars.write("bars-gan"), epochs: 1)
        expectLatentError(["`robustness`", "vae"]) { _ = try gan.robustness() }
    }
}

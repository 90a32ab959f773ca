import Foundation
import LatentTensor
import LatentData
import LatentOutput
import LatentEvaluation
import LatentModels
import LatentRuns

/// FID, KID, Inception-style score and precision/recall of a model's samples
/// in a feature network's space, against that network's test images, with the
/// real-vs-real floor of FID and KID from random halves of those images.
///
/// The feature network is a run: a `classifier` (its penultimate layer; labelled
/// data) or, for data without labels, an autoencoder (`ae`, `conv-ae`: its code,
/// trained on the images alone). The Inception-style score needs class
/// probabilities, so without a classifier it is skipped and the reason recorded
/// in `warnings`. The network is named in the result (run, family, data, a
/// digest of its checkpoint).
///
/// Features are divided by one number, the root mean square of the real
/// features, so KID's cubic kernel (xᵀy/D + 1)³ sees O(1) inputs; every run
/// scored against the same classifier shares it. KID and both floors are
/// means ± standard deviations over random subsets or halves.
///
/// ```swift
/// let run = try RunDirectory.open("vae-mnist", root: "runs")
/// let features = try SampleQualityEvaluation.featureRun(for: run, root: "runs")   // a classifier or an AE
/// if let sampler = try ModelRegistry.load(run).model as? any SamplingModel {
///     let result = try SampleQualityEvaluation.evaluate(run, model: sampler, features: features,
///                                                       options: .init(fid: true, kid: true))
///     print(result.fid!, result.fidFloor!.mean, result.kid!.mean)
/// }
/// ```
public struct SampleQualityEvaluation: EvaluationResult, Sendable {
    public struct Options: Sendable {
        public var fid: Bool
        public var kid: Bool
        public var inceptionScore: Bool
        public var precisionRecall: Bool
        /// Generated images.
        public var samples: Int
        /// Random halves for the FID floor.
        public var floorDraws: Int
        /// KID: subsets and their size (each also a draw of the KID floor).
        public var kidSubsets: Int
        public var kidSubsetSize: Int
        /// At most this many of the classifier's test images (the fixed subset of `PreparedData.fixedSubset`); nil: all.
        public var testLimit: Int?
        public var seed: UInt64
        /// Show a progress bar while sampling.
        public var progress: Bool

        public init(fid: Bool = false, kid: Bool = false, inceptionScore: Bool = false, precisionRecall: Bool = false,
                    samples: Int = 2_000, floorDraws: Int = 5, kidSubsets: Int = 100, kidSubsetSize: Int = 1_000,
                    testLimit: Int? = nil, seed: UInt64 = 2, progress: Bool = false) {
            self.fid = fid
            self.kid = kid
            self.inceptionScore = inceptionScore
            self.precisionRecall = precisionRecall
            self.samples = samples
            self.floorDraws = floorDraws
            self.kidSubsets = kidSubsets
            self.kidSubsetSize = kidSubsetSize
            self.testLimit = testLimit
            self.seed = seed
            self.progress = progress
        }
    }

    /// Real (test) images and generated images the scores used.
    public var realImages: Int
    public var samples: Int
    public var featureDimension: Int
    /// The real features' root mean square, which every feature was divided by.
    public var featureScale: Double
    public var fid: Double?
    public var fidFloor: SampleQuality.Spread?
    public var kid: SampleQuality.Spread?
    public var kidFloor: SampleQuality.Spread?
    public var inceptionScore: Double?
    public var realInceptionScore: Double?
    public var precision: Double?
    public var recall: Double?
    /// The real and generated images precision and recall compared.
    public var precisionRecallImages: Int?
    /// The feature network: its run's name, family, data, a digest of its checkpoint
    /// and (classifiers) its last validation accuracy.
    public var featureRun: String = ""
    public var featureFamily: String = ""
    public var featureData: String = ""
    public var featureChecksum: String = ""
    public var featureValidationAccuracy: Double?
    /// The feature run's name when it is a classifier (empty otherwise).
    public var classifier: String { featureFamily == ClassifierModel.family ? featureRun : "" }
    public var warnings: [String] = []

    /// The feature network as evaluation.json records it beside each score.
    public var featureNetwork: EvaluationScore.FeatureNetwork {
        .init(run: featureRun, family: featureFamily, data: featureData, checkpointSHA256: featureChecksum)
    }

    public var scores: [String: EvaluationScore] {
        let network = featureNetwork
        func m(_ v: Double, generated: Int?, images: Int? = nil) -> EvaluationScore {
            EvaluationScore(value: v, split: "test", images: images ?? realImages, generated: generated, kind: .sampleQuality, featureNetwork: network)
        }
        func spread(_ s: SampleQuality.Spread, generated: Int?) -> EvaluationScore {
            EvaluationScore(value: s.mean, standardDeviation: s.standardDeviation, draws: s.draws, split: "test", images: realImages,
                            generated: generated, kind: .sampleQuality, featureNetwork: network)
        }
        var out: [String: EvaluationScore] = [:]
        if let fid { out["fid"] = m(fid, generated: samples) }
        if let fidFloor { out["fid_real_vs_real"] = spread(fidFloor, generated: nil) }
        if let kid { out["kid"] = spread(kid, generated: samples) }
        if let kidFloor { out["kid_real_vs_real"] = spread(kidFloor, generated: nil) }
        if let inceptionScore {   // of the samples alone
            out["is"] = EvaluationScore(value: inceptionScore, split: "generated", images: 0, generated: samples, kind: .sampleQuality,
                                        featureNetwork: network)
        }
        if let realInceptionScore { out["is_real"] = m(realInceptionScore, generated: nil) }
        if let precision { out["precision"] = m(precision, generated: precisionRecallImages, images: precisionRecallImages) }
        if let recall { out["recall"] = m(recall, generated: precisionRecallImages, images: precisionRecallImages) }
        return out
    }

    /// Scores `generated` [M, D] against `real` [N, D] (both in the extractor's pixel range).
    /// The Inception-style score needs an extractor with class probabilities (`FeatureExtractor`);
    /// with any other it is skipped and the reason added to `warnings`.
    public static func measure(real: Tensor, generated: Tensor, extractor: any FeatureModel, options: Options) throws -> SampleQualityEvaluation {
        let rawReal = extractor.features(real)
        let scale = Swift.max(Double(rawReal.pow(2).mean().item.squareRoot()), 1e-6)
        let realFeatures = rawReal / Float(scale), fakeFeatures = extractor.features(generated) / Float(scale)
        var result = SampleQualityEvaluation(realImages: real.shape[0], samples: generated.shape[0],
                                             featureDimension: extractor.featureSize, featureScale: scale)
        var rng = RandomGenerator(seed: options.seed &+ 1)
        if options.fid || options.kid {
            guard real.shape[0] >= 4 else { throw LatentError.invalidArgument("FID and KID need at least 4 real images, got \(real.shape[0])") }
        }
        if options.fid {
            result.fid = try SampleQuality.frechetDistance(realFeatures, fakeFeatures)
            result.fidFloor = try SampleQuality.frechetDistanceFloor(realFeatures, draws: options.floorDraws, rng: &rng)
            if generated.shape[0] < 2 * extractor.featureSize {
                result.warnings.append("\(generated.shape[0]) samples for \(extractor.featureSize)-dimensional features: FID is strongly biased upward; use at least \(10 * extractor.featureSize) (KID is the small-sample alternative)")
            }
        }
        if options.kid {
            result.kid = SampleQuality.kernelDistance(realFeatures, fakeFeatures, subsets: options.kidSubsets, size: options.kidSubsetSize, rng: &rng)
            result.kidFloor = SampleQuality.kernelDistanceFloor(realFeatures, subsets: options.kidSubsets, size: options.kidSubsetSize, rng: &rng)
        }
        if options.inceptionScore {
            if let classifier = extractor as? any FeatureExtractor {
                result.inceptionScore = SampleQuality.inceptionScore(probabilities: classifier.probabilities(generated))
                result.realInceptionScore = SampleQuality.inceptionScore(probabilities: classifier.probabilities(real))
            } else {
                result.warnings.append("IS skipped: it needs class probabilities, and the feature network (\(type(of: extractor).family)) was trained without labels")
            }
        }
        if options.precisionRecall {
            let n = Swift.min(2_000, realFeatures.shape[0], fakeFeatures.shape[0])
            let rows = Array(rng.permutation(realFeatures.shape[0]).prefix(n)).sorted()
            let pr = SampleQuality.precisionRecall(real: realFeatures.gatherRows(rows), generated: fakeFeatures.rows(0..<n))
            (result.precision, result.recall, result.precisionRecallImages) = (pr.precision, pr.recall, n)
        }
        return result
    }

    /// Samples the model, scores the samples against the feature network's test
    /// images and records the result in the run's evaluation.json, replacing earlier sample scores.
    ///
    /// ```swift
    /// let r = try SampleQualityEvaluation.evaluate(run, model: sampler, features: classifierRun, options: .init(fid: true))
    /// print(r.fid!)
    /// ```
    public static func evaluate(_ run: RunDirectory, model: any SamplingModel, features featureRun: RunDirectory,
                                options: Options) throws -> SampleQualityEvaluation {
        let result = try score(run, model: model, features: featureRun, options: options)
        try RunEvaluation.record(result, into: run)
        return result
    }

    /// `evaluate` without recording: the scores of `model`'s samples (a model of `run`'s family and image shape,
    /// for example the same network before training) against the feature network's test images.
    ///
    /// ```swift
    /// var rng = RandomGenerator(seed: run.config.training.seed)
    /// let untrained = try run.config.buildModel(rng: &rng) as! any SamplingModel
    /// let start = try SampleQualityEvaluation.score(run, model: untrained, features: classifierRun, options: .init(fid: true))
    /// ```
    public static func score(_ run: RunDirectory, model: any SamplingModel, features featureRun: RunDirectory,
                             options: Options) throws -> SampleQualityEvaluation {
        let (loaded, _) = try ModelRegistry.load(featureRun)
        guard let extractor = loaded as? any FeatureModel else {
            throw LatentError.invalidArgument("run \(featureRun.name) (\(featureRun.config.family)) is not a feature network; use a classifier, ae or conv-ae run")
        }
        guard featureRun.config.imageShape == run.config.imageShape else {
            throw LatentError.invalidArgument("feature network \(featureRun.name) was trained on images of shape \(featureRun.config.imageShape), the model makes \(run.config.imageShape)")
        }
        let progress = Progress("sampling", total: options.samples)
        progress.quiet = !options.progress
        var rng = RandomGenerator(seed: options.seed)
        var chunks: [Tensor] = []
        var made = 0
        while made < options.samples {
            let n = Swift.min(500, options.samples - made)
            chunks.append(model.sample(n, rng: &rng))
            made += n
            progress.advance(by: n)
        }
        progress.finish()
        // Generated images, mapped into the feature network's pixel range.
        let generated = run.config.data.scale.convert(Tensor.concatenate(chunks, axis: 0), to: featureRun.config.data.scale)
        let reference = try PreparedData.load(featureRun.config.data, testLimit: options.testLimit)
        var result = try measure(real: reference.evaluationImages(reference.test), generated: generated, extractor: extractor, options: options)
        result.featureRun = featureRun.name
        result.featureFamily = featureRun.config.family
        result.featureData = featureRun.config.data.source
        let checkpoint = (try? Data(contentsOf: URL(fileURLWithPath: featureRun.lastCheckpoint))) ?? Data()
        result.featureChecksum = String(Checksum.sha256(checkpoint).prefix(16))
        result.featureValidationAccuracy = featureRun.metrics.epochRecords().last?["val_accuracy"] as? Double
        return result
    }

    /// `evaluate(_:model:features:options:)` with a classifier run (the name before autoencoders could serve).
    public static func evaluate(_ run: RunDirectory, model: any SamplingModel, classifier: RunDirectory,
                                options: Options) throws -> SampleQualityEvaluation {
        try evaluate(run, model: model, features: classifier, options: options)
    }

    /// Families whose runs can serve as feature networks, in order of preference.
    public static let featureFamilies = [ClassifierModel.family, ConvAutoencoderModel.family, AutoencoderModel.family]

    /// The feature run named `name`; else the newest classifier trained on the
    /// same data as `run`, else the newest autoencoder (`conv-ae`, then `ae`) on
    /// it other than `run` itself. When there is none, one line says which command trains one.
    public static func featureRun(for run: RunDirectory, root: String, named name: String? = nil) throws -> RunDirectory {
        if let name { return try RunDirectory.open(name, root: root) }
        let candidates = RunDirectory.list(root: root).filter {
            $0.name != run.name && $0.config.data.source == run.config.data.source && $0.config.imageShape == run.config.imageShape
                && FileManager.default.fileExists(atPath: $0.lastCheckpoint)
        }
        for family in featureFamilies {
            if let newest = candidates.last(where: { $0.config.family == family }) { return newest }
        }
        let data = run.config.data.source
        throw LatentError.invalidArgument("no feature network for \(data); train one: latent train conv-ae --data \(data) (or, with labels, latent train classifier --data \(data))")
    }

    /// The classifier run named `name`, else the newest feature network for `run`'s data (see `featureRun`).
    public static func classifierRun(for run: RunDirectory, root: String, named name: String? = nil) throws -> RunDirectory {
        try featureRun(for: run, root: root, named: name)
    }
}

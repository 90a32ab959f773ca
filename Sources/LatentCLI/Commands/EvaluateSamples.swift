import ArgumentParser
import Foundation
import Latent

extension EvaluateCommand {
    /// FID, KID, IS and precision/recall of generated images in a feature
    /// classifier's space, against that classifier's test split, with the
    /// real-vs-real score of the split's two halves as the floor.
    func evaluateSamples(_ run: RunDirectory, _ model: any TrainableModel) throws {
        let sampler = try require(model, (any SamplingModel).self, family: run.config.family, command: "evaluate --fid/--kid/--is/--pr",
                                  supportedBy: "VAE, AE, PPCA, GAN, DCGAN, RBM and DBM")
        let classifierRun = try findClassifier(for: run)
        let (loaded, _) = try ModelRegistry.load(classifierRun)
        guard let extractor = loaded as? any FeatureExtractor else { throw CommandFailure("run \(classifierRun.name) is not a feature classifier") }
        guard classifierRun.config.imageShape == run.config.imageShape else {
            throw CommandFailure("classifier \(classifierRun.name) was trained on images of shape \(classifierRun.config.imageShape), the model makes \(run.config.imageShape)")
        }
        // Generated images, mapped into the classifier's pixel range.
        let progress = Progress("sampling", total: samples)
        progress.quiet = json
        var rng = RandomGenerator(seed: seed)
        var chunks: [Tensor] = []
        var made = 0
        while made < samples {
            let n = Swift.min(500, samples - made)
            chunks.append(sampler.sample(n, rng: &rng))
            made += n
            progress.advance(by: n)
        }
        progress.finish()
        var generated = Tensor.concatenate(chunks, axis: 0)
        let (from, to) = (run.config.data.scale, classifierRun.config.data.scale)
        generated = from.convert(generated, to: to)
        let reference = try PreparedData.load(classifierRun.config.data)
        let real = reference.evaluationImages(reference.test)
        // One global scale — the reference features' root mean square — so that KID's cubic kernel
        // (xᵀy/D + 1)³ sees O(1) inputs; every run scored against the same classifier shares it.
        let rawReal = extractor.features(real)
        let scale = Swift.max(rawReal.pow(2).mean().item.squareRoot(), 1e-6)
        let realFeatures = rawReal / scale, fakeFeatures = extractor.features(generated) / scale
        let half = realFeatures.shape[0] / 2
        let (firstHalf, secondHalf) = (realFeatures.rows(0..<half), realFeatures.rows(half..<(2 * half)))
        var record: [String: Any] = ["run": run.name, "samples": samples, "reference_images": real.shape[0],
                                     "feature_dimension": extractor.featureSize, "classifier": classifierRun.name,
                                     "classifier_data": classifierRun.config.data.source,
                                     "classifier_checkpoint_sha256": String(Checksum.sha256((try? Data(contentsOf: URL(fileURLWithPath: classifierRun.lastCheckpoint))) ?? Data()).prefix(16))]
        if let acc = classifierRun.metrics.epochRecords().last?["val_accuracy"] as? Double { record["classifier_val_accuracy"] = acc }
        var warnings: [String] = []
        if samples < 2 * extractor.featureSize {
            warnings.append("\(samples) samples for \(extractor.featureSize)-dimensional features: FID is strongly biased upward; use at least \(10 * extractor.featureSize) (KID is the small-sample alternative)")
        }
        if fid {
            record["fid"] = try SampleQuality.frechetDistance(realFeatures, fakeFeatures)
            record["fid_real_vs_real"] = try SampleQuality.frechetDistance(firstHalf, secondHalf)
        }
        if kid {
            record["kid"] = SampleQuality.kernelDistance(realFeatures.rows(0..<Swift.min(2_000, realFeatures.shape[0])),
                                                        fakeFeatures.rows(0..<Swift.min(2_000, fakeFeatures.shape[0])))
            record["kid_real_vs_real"] = SampleQuality.kernelDistance(firstHalf.rows(0..<Swift.min(1_000, half)), secondHalf.rows(0..<Swift.min(1_000, half)))
        }
        if inceptionScore {
            record["is"] = SampleQuality.inceptionScore(probabilities: extractor.probabilities(generated))
            record["is_real"] = SampleQuality.inceptionScore(probabilities: extractor.probabilities(real))
        }
        if precisionRecall {
            let n = Swift.min(2_000, realFeatures.shape[0], fakeFeatures.shape[0])
            let pr = SampleQuality.precisionRecall(real: realFeatures.rows(0..<n), generated: fakeFeatures.rows(0..<n))
            record["precision"] = pr.precision
            record["recall"] = pr.recall
        }
        if !warnings.isEmpty { record["warnings"] = warnings }
        try RunEvaluation.merge(record.compactMapValues { $0 as? Double }.filter { !$0.key.hasPrefix("classifier_") }, into: run)
        if json { return writeJSON(record) }
        print("\(run.name): \(samples) samples scored in the feature space of \(classifierRun.name) (\(classifierRun.config.data.source), \(real.shape[0]) reference images)")
        for key in ["fid", "fid_real_vs_real", "kid", "kid_real_vs_real", "is", "is_real", "precision", "recall"] {
            if let v = record[key] as? Double { print("  " + key.padding(toLength: 18, withPad: " ", startingAt: 0) + String(format: "%.4f", v)) }
        }
        for w in warnings { print("warning: \(w)") }
    }

    func findClassifier(for run: RunDirectory) throws -> RunDirectory {
        if let classifier { return try RunDirectory.open(classifier, root: target.location.runs) }
        let candidates = RunDirectory.list(root: target.location.runs).filter {
            $0.config.family == ClassifierModel.family && $0.config.data.source == run.config.data.source
                && FileManager.default.fileExists(atPath: $0.lastCheckpoint)
        }
        guard let newest = candidates.last else {
            throw CommandFailure("no feature classifier for \(run.config.data.source); train one: latent train classifier --data \(run.config.data.source)")
        }
        return newest
    }
}

import ArgumentParser
import Foundation
import Latent

extension EvaluateCommand {
    /// FID, KID, IS and precision/recall of generated images in a feature
    /// network's space (a classifier, or an autoencoder for data without labels),
    /// against that network's test split, with the real-vs-real floor from random halves of it.
    func evaluateSamples(_ run: RunDirectory, _ model: any TrainableModel) throws {
        let sampler = try require(model, (any SamplingModel).self, family: run.config.family, command: "evaluate --fid/--kid/--is/--pr",
                                  isCapable: { $0 is any SamplingModel.Type })
        let featureRun = try SampleQualityEvaluation.featureRun(for: run, root: target.location.runs, named: features)
        let r = try SampleQualityEvaluation.evaluate(run, model: sampler, features: featureRun, options: .init(
            fid: fid, kid: kid, inceptionScore: inceptionScore, precisionRecall: precisionRecall, samples: samples,
            testLimit: testLimit, seed: seed, progress: !json))
        let scaling = "features divided by the real features' RMS"
        if json {
            var record: [String: Any] = ["run": run.name, "samples": r.samples, "split": "test", "reference_images": r.realImages,
                                         "feature_dimension": r.featureDimension, "feature_scaling": scaling, "feature_rms": r.featureScale,
                                         "feature_run": r.featureRun, "feature_family": r.featureFamily, "feature_data": r.featureData,
                                         "feature_checkpoint_sha256": r.featureChecksum]
            if !r.classifier.isEmpty {
                record["classifier"] = r.classifier
                record["classifier_data"] = r.featureData
                record["classifier_checkpoint_sha256"] = r.featureChecksum
            }
            if let acc = r.featureValidationAccuracy { record["classifier_val_accuracy"] = acc }
            func spread(_ s: SampleQuality.Spread) -> [String: Any] { ["mean": s.mean, "sd": s.standardDeviation, "draws": s.draws] }
            if let v = r.fid { record["fid"] = v }
            if let s = r.fidFloor { record["fid_real_vs_real"] = spread(s) }
            if let s = r.kid { record["kid"] = spread(s) }
            if let s = r.kidFloor { record["kid_real_vs_real"] = spread(s) }
            if let v = r.inceptionScore { record["is"] = v }
            if let v = r.realInceptionScore { record["is_real"] = v }
            if let v = r.precision { record["precision"] = v }
            if let v = r.recall { record["recall"] = v }
            if !r.warnings.isEmpty { record["warnings"] = r.warnings }
            return writeJSON(record)
        }
        print("\(run.name): \(r.samples) samples scored in the feature space of \(r.featureRun) (\(r.featureFamily), \(r.featureData), \(r.realImages) test images, checkpoint \(r.featureChecksum))")
        print(String(format: "  %@ (%.4g)", scaling, r.featureScale))
        func row(_ name: String, _ text: String) { print("  " + name.padding(toLength: 18, withPad: " ", startingAt: 0) + text) }
        func spread(_ s: SampleQuality.Spread, _ what: String) -> String {
            String(format: "%.4f ± %.4f", s.mean, s.standardDeviation) + "  (mean ± sd over \(s.draws) \(what))"
        }
        if let v = r.fid { row("fid", String(format: "%.4f", v)) }
        if let s = r.fidFloor { row("fid_real_vs_real", spread(s, "random halves")) }
        if let s = r.kid { row("kid", spread(s, "subsets")) }
        if let s = r.kidFloor { row("kid_real_vs_real", spread(s, "random pairs of disjoint subsets")) }
        if let v = r.inceptionScore { row("is", String(format: "%.4f", v)) }
        if let v = r.realInceptionScore { row("is_real", String(format: "%.4f", v)) }
        if let v = r.precision { row("precision", String(format: "%.4f", v)) }
        if let v = r.recall { row("recall", String(format: "%.4f", v)) }
        for w in r.warnings { print("warning: \(w)") }
    }
}

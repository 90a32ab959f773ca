import ArgumentParser
import Foundation
import Latent

extension EvaluateCommand {
    /// The classifier's accuracy per requested class (conditional models), or how well an
    /// InfoGAN's categorical code matches the classes (purity, adjusted Rand index).
    func evaluateConditionalAccuracy(_ run: RunDirectory, _ model: any TrainableModel) throws {
        let classifierRun = try SampleQualityEvaluation.featureRun(for: run, root: target.location.runs, named: features)
        let r = try ConditionalAccuracyEvaluation.evaluate(run, model: model, classifier: classifierRun,
                                                           options: .init(perClass: perClass, seed: seed))
        if json {
            var record: [String: Any] = ["run": run.name, "mode": r.mode.rawValue, "classes": r.classes, "per_class": r.perClass,
                                         "classifier": r.classifierRun, "classifier_data": r.classifierData,
                                         "classifier_checkpoint_sha256": r.classifierChecksum]
            if let v = r.accuracy { record["conditional_accuracy"] = v }
            if !r.classAccuracy.isEmpty { record["class_accuracy"] = r.classAccuracy }
            if let v = r.purity { record["code_purity"] = v }
            if let v = r.adjustedRandIndex { record["code_adjusted_rand_index"] = v }
            if !r.codeClasses.isEmpty { record["code_classes"] = r.codeClasses }
            return writeJSON(record)
        }
        print("\(run.name): \(r.perClass) images per \(r.mode == .requestedClass ? "class" : "code value") classified by \(r.classifierRun) (\(r.classifierData), checkpoint \(r.classifierChecksum))")
        func row(_ name: String, _ text: String) { print("  " + name.padding(toLength: 26, withPad: " ", startingAt: 0) + text) }
        if let v = r.accuracy { row("conditional_accuracy", String(format: "%.4f", v)) }
        for (k, a) in r.classAccuracy.enumerated() { row("  class \(k)", String(format: "%.4f", a)) }
        if let v = r.purity { row("code_purity", String(format: "%.4f", v)) }
        if let v = r.adjustedRandIndex { row("code_adjusted_rand_index", String(format: "%.4f", v)) }
        if !r.codeClasses.isEmpty {
            row("code value → class", r.codeClasses.enumerated().map { "\($0.offset)→\($0.element)" }.joined(separator: " "))
        }
    }
}

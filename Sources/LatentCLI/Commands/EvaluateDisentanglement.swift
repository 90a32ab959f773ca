import ArgumentParser
import Foundation
import Latent

extension EvaluateCommand {
    /// MIG against a synthetic set's factors, the per-factor gaps and the latent traversal.
    func evaluateDisentanglement(_ run: RunDirectory, _ model: any TrainableModel) throws {
        let r = try DisentanglementEvaluation.evaluate(run, model: model, options: .init(testLimit: testLimit))
        let m = r.mig
        if json {
            var record: [String: Any] = ["run": run.name, "split": "test", "test_images": r.testImages, "code_dimension": r.codeDimension,
                                         "mig": m.mig, "bins": MIG.defaultBins]
            var factors: [[String: Any]] = []
            for k in m.names.indices {
                var f: [String: Any] = ["factor": m.names[k], "entropy": m.entropies[k], "top_dimension": m.topDimensions[k] + 1,
                                        "mutual_information": m.mutualInformation[k]]
                if let gap = m.gaps[k] { f["gap"] = gap }
                factors.append(f)
            }
            record["factors"] = factors
            if let t = r.traversal { record["traversal"] = t }
            return writeJSON(record)
        }
        print("\(run.name): codes of dimension \(r.codeDimension), \(r.testImages) test images")
        print(String(format: "  MIG %.4f (mean normalised gap over the factors)", m.mig))
        for k in m.names.indices {
            let sorted = m.mutualInformation[k].sorted(by: >)
            let gap = m.gaps[k].map { String(format: "%.4f", $0) } ?? "–  (constant factor)"
            print("  " + m.names[k].padding(toLength: 10, withPad: " ", startingAt: 0)
                  + "gap \(gap)   " + String(format: "I(z%d) %.3f, next %.3f, H %.3f nats", m.topDimensions[k] + 1, sorted.first ?? 0,
                                                  sorted.count > 1 ? sorted[1] : 0, m.entropies[k]))
        }
        if let t = r.traversal { print("traversal: \(t)") }
    }
}

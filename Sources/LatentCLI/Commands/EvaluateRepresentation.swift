import ArgumentParser
import Foundation
import Latent

extension EvaluateCommand {
    /// k-means silhouette of the model's codes; with labels also the linear probe and the adjusted Rand index.
    func evaluateRepresentation(_ run: RunDirectory, _ model: any TrainableModel) throws {
        let r = try RepresentationEvaluation.evaluate(run, model: model, options: .init(
            trainLimit: limit ?? 10_000, testLimit: testLimit ?? 2_000, seed: seed, clusters: clusters))
        if json {
            var record: [String: Any] = ["run": run.name, "code_dimension": r.codeDimension, "split": "test", "test_images": r.testImages,
                                         "kmeans_clusters": r.clusters, "silhouette": r.silhouette, "labelled": r.labelled,
                                         "computed": r.computed, "skipped": r.skipped]
            if let p = r.linearProbeAccuracy { record["linear_probe_accuracy"] = p; record["probe_train_images"] = r.trainImages }
            if let a = r.adjustedRandIndex { record["adjusted_rand_index"] = a }
            return writeJSON(record)
        }
        print("\(run.name): codes of dimension \(r.codeDimension), \(r.testImages) test images")
        if let p = r.linearProbeAccuracy {
            print(String(format: "  linear probe accuracy  %.4f  (trained on %d, tested on %d test images)", p, r.trainImages, r.testImages))
        }
        var line = String(format: "  k-means (k = %d)       silhouette %.4f", r.clusters, r.silhouette)
        if let a = r.adjustedRandIndex { line += String(format: ", adjusted Rand index %.4f", a) }
        print(line)
        for (name, reason) in r.skipped.sorted(by: { $0.key < $1.key }) { print("  \(name) not computed: \(reason)") }
    }
}

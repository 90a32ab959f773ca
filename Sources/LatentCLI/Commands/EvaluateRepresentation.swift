import ArgumentParser
import Foundation
import Latent

extension EvaluateCommand {
    /// Linear probe, k-means silhouette and adjusted Rand index of the model's codes.
    func evaluateRepresentation(_ run: RunDirectory, _ model: any TrainableModel) throws {
        let r = try RepresentationEvaluation.evaluate(run, model: model, options: .init(
            trainLimit: limit ?? 10_000, testLimit: testLimit ?? 2_000, seed: seed))
        if json {
            return writeJSON(["run": run.name, "code_dimension": r.codeDimension, "probe_train_images": r.trainImages, "split": "test",
                              "test_images": r.testImages, "linear_probe_accuracy": r.linearProbeAccuracy, "kmeans_clusters": r.clusters,
                              "silhouette": r.silhouette, "adjusted_rand_index": r.adjustedRandIndex])
        }
        print("\(run.name): codes of dimension \(r.codeDimension)")
        print(String(format: "  linear probe accuracy  %.4f  (trained on %d, tested on %d test images)", r.linearProbeAccuracy, r.trainImages, r.testImages))
        print(String(format: "  k-means (k = %d)       silhouette %.4f, adjusted Rand index %.4f", r.clusters, r.silhouette, r.adjustedRandIndex))
    }
}

import ArgumentParser
import Foundation
import Latent

extension EvaluateCommand {
    /// k-means and DBSCAN of the model's codes with their silhouettes; with labels also the linear probe and the adjusted Rand indices.
    func evaluateRepresentation(_ run: RunDirectory, _ model: any TrainableModel) throws {
        let r = try RepresentationEvaluation.evaluate(run, model: model, options: .init(
            trainLimit: limit ?? 10_000, testLimit: testLimit ?? 2_000, seed: seed, clusters: clusters,
            dbscan: DBSCAN.Parameters(eps: dbscanEps, minPoints: dbscanMinPoints)))
        let skipped = r.skipped.merging(r.dbscan?.skipped ?? [:]) { first, _ in first }
        if json {
            var record: [String: Any] = ["run": run.name, "code_dimension": r.codeDimension, "split": "test", "test_images": r.testImages,
                                         "kmeans_clusters": r.clusters, "silhouette": r.silhouette, "labelled": r.labelled,
                                         "computed": r.computed, "skipped": skipped]
            if let p = r.linearProbeAccuracy { record["linear_probe_accuracy"] = p; record["probe_train_images"] = r.trainImages }
            if let a = r.adjustedRandIndex { record["adjusted_rand_index"] = a }
            if let d = r.dbscan {
                record["dbscan_eps"] = d.eps
                record["dbscan_eps_rule"] = d.epsChosen ? "k-distance knee" : "given"
                record["dbscan_min_points"] = d.minPoints
                record["dbscan_clusters"] = d.clusters
                record["dbscan_noise_fraction"] = d.noiseFraction
                if let s = d.silhouette { record["dbscan_silhouette"] = s }
                if let a = d.adjustedRandIndex { record["dbscan_adjusted_rand_index"] = a }
            }
            return writeJSON(record)
        }
        print("\(run.name): codes of dimension \(r.codeDimension), \(r.testImages) test images")
        if let p = r.linearProbeAccuracy {
            print(String(format: "  linear probe accuracy  %.4f  (trained on %d, tested on %d test images)", p, r.trainImages, r.testImages))
        }
        var line = String(format: "  k-means (k = %d)       silhouette %.4f", r.clusters, r.silhouette)
        if let a = r.adjustedRandIndex { line += String(format: ", adjusted Rand index %.4f", a) }
        print(line)
        if let d = r.dbscan {
            let eps = String(format: "eps %.4g%@, min points %d", d.eps, d.epsChosen ? " from the k-distance knee" : "", d.minPoints)
            var line = String(format: "  DBSCAN (%@)  %d cluster%@, noise %.1f%%", eps, d.clusters, d.clusters == 1 ? "" : "s", d.noiseFraction * 100)
            if let s = d.silhouette { line += String(format: ", silhouette %.4f (non-noise codes)", s) }
            if let a = d.adjustedRandIndex { line += String(format: ", adjusted Rand index %.4f", a) }
            print(line)
        }
        for (name, reason) in skipped.sorted(by: { $0.key < $1.key }) { print("  \(name) not computed: \(reason)") }
    }
}

import ArgumentParser
import Foundation
import Latent

/// The codes a model gives images: posterior means (VAE, AE, PPCA), hidden
/// probabilities (RBM), mean-field activations of every layer (DBM).
func codes(of model: any TrainableModel, _ images: Tensor, labels: [Int]) throws -> Tensor? {
    if let m = model as? any LatentSpaceModel { return try? m.encode(images, labels: labels) }
    if let r = model as? RBMModel { return r.rbm.hiddenProbabilities(images) }
    if let d = model as? DBMModel { return Tensor.concatenate(d.dbm.meanField(images), axis: 1) }
    return nil
}

extension EvaluateCommand {
    func evaluateRepresentation(_ run: RunDirectory, _ model: any TrainableModel) throws {
        let data = try PreparedData.load(run.config.data)
        guard data.train.hasLabels else { throw CommandFailure("--representation needs labelled data") }
        let trainSet = data.train.prefix(limit ?? 10_000), testSet = data.test.prefix(Swift.min(limit ?? 2_000, 2_000))
        guard let trainCodes = try codes(of: model, data.evaluationImages(trainSet), labels: trainSet.labels),
              let testCodes = try codes(of: model, data.evaluationImages(testSet), labels: testSet.labels) else {
            throw CommandFailure("model '\(run.config.family)' has no codes to probe (VAE, AE, PPCA, RBM and DBM do)")
        }
        let progress = Progress("representation", total: 3, unit: "scores")
        progress.quiet = json
        let probe = Representation.linearProbe(train: trainCodes, trainLabels: trainSet.labels, test: testCodes, testLabels: testSet.labels)
        progress.advance()
        var rng = RandomGenerator(seed: seed)
        let classes = Swift.max(testSet.classCount, 2)
        let clusters = Representation.kMeans(testCodes, k: classes, rng: &rng)
        progress.advance()
        let silhouette = Representation.silhouette(testCodes, clusters.assignments)
        let ari = Representation.adjustedRandIndex(clusters.assignments, testSet.labels)
        progress.advance()
        progress.finish()
        let record: [String: Any] = ["run": run.name, "code_dimension": testCodes.shape[1], "probe_train_images": trainSet.count,
                                     "test_images": testSet.count, "linear_probe_accuracy": probe, "kmeans_clusters": classes,
                                     "silhouette": silhouette, "adjusted_rand_index": ari]
        try RunEvaluation.merge(["linear_probe_accuracy": probe, "silhouette": silhouette, "adjusted_rand_index": ari], into: run)
        if json { return writeJSON(record) }
        print("\(run.name): codes of dimension \(testCodes.shape[1])")
        print(String(format: "  linear probe accuracy  %.4f  (trained on %d, tested on %d)", probe, trainSet.count, testSet.count))
        print(String(format: "  k-means (k = %d)       silhouette %.4f, adjusted Rand index %.4f", classes, silhouette, ari))
    }
}

import Foundation
import Testing
@testable import Latent

/// `evaluate --representation` on data without labels: k-means and the silhouette, no probe, no adjusted Rand index.
@Suite struct RepresentationWithoutLabelsTests {
    @Test func codesWithoutLabelsGetTheSilhouetteAlone() {
        // Two tight pairs ten apart: k-means finds them, every point has a = 0 and b = 10, so s = 1.
        let codes = Tensor([0, 0, 0, 0, 10, 0, 10, 0], shape: [4, 2])
        let r = RepresentationEvaluation.measure(testCodes: codes, clusters: 2)
        #expect(r.silhouette == 1)
        #expect(!r.labelled && r.clusters == 2 && r.testImages == 4 && r.trainImages == 0 && r.codeDimension == 2)
        #expect(r.linearProbeAccuracy == nil && r.adjustedRandIndex == nil)
        #expect(r.skipped == ["linear_probe_accuracy": "the data have no labels", "adjusted_rand_index": "the data have no labels"])
        #expect(r.computed == ["kmeans_clusters", "silhouette"])
        #expect(r.scores["silhouette"]?.split == "test" && r.scores["silhouette"]?.images == 4)
        #expect(r.scores["kmeans_clusters"]?.value == 2)
    }

    @Test func withLabelsEveryScoreIsComputed() {
        let labels = [0, 0, 1, 1]
        let codes = Tensor([0, 0, 0, 0, 10, 0, 10, 0], shape: [4, 2])
        let r = RepresentationEvaluation.measure(trainCodes: codes, trainLabels: labels, testCodes: codes, testLabels: labels)
        #expect(r.labelled && r.skipped.isEmpty)
        #expect(r.computed == ["adjusted_rand_index", "kmeans_clusters", "linear_probe_accuracy", "silhouette"])
        #expect(r.adjustedRandIndex == 1 && r.silhouette == 1 && r.clusters == 2)
        #expect(RepresentationEvaluation.measure(trainCodes: codes, trainLabels: labels, testCodes: codes, testLabels: labels,
                                                 clusters: 3).clusters == 3, "--clusters overrides the number of classes")
    }

    @Test func aRunOnAnNPYWithoutALabelsFileIsJudgedWithoutError() throws {
        let fixture = ExperimentFixture()
        // The fixture's images without their labels file.
        let (u, v) = (ExperimentFixture.direction(0), ExperimentFixture.direction(1))
        let pixels = ExperimentFixture.coefficients.flatMap { c in (0..<64).map { Float(0.5 + c.a * u[$0] + c.b * v[$0]) } }
        try NPY.write(Tensor(pixels, shape: [ExperimentFixture.coefficients.count, 8, 8]), to: fixture.dataPath)
        let run = try fixture.trained("ppca")
        #expect(!FileManager.default.fileExists(atPath: fixture.tmp.file("planes-labels.npy")))
        #expect(try !run.data().test.hasLabels)
        let r = try RepresentationEvaluation.evaluate(run.directory, model: run.model, options: .init(trainLimit: 100, testLimit: 40))
        #expect(!r.labelled)
        #expect(r.clusters == RepresentationEvaluation.defaultClusters && r.clusters == 10)
        #expect(r.testImages == 40 && r.codeDimension == 2)
        #expect(r.silhouette.isFinite && r.silhouette > -1 && r.silhouette <= 1)
        #expect(r.linearProbeAccuracy == nil && r.adjustedRandIndex == nil)
        #expect(r.skipped.keys.sorted() == ["adjusted_rand_index", "linear_probe_accuracy"])
        let recorded = RunEvaluation.scores(run.directory)
        #expect(recorded["silhouette"]?.value == r.silhouette && recorded["silhouette"]?.images == 40)
        #expect(recorded["kmeans_clusters"]?.value == 10)
        #expect(recorded["linear_probe_accuracy"] == nil && recorded["adjusted_rand_index"] == nil)
        // k from the options.
        #expect(try RepresentationEvaluation.evaluate(run.directory, model: run.model, options: .init(testLimit: 40, clusters: 3)).clusters == 3)
        expectLatentError(["--clusters must be at least 2, got 1"]) {
            _ = try RepresentationEvaluation.evaluate(run.directory, model: run.model, options: .init(clusters: 1))
        }
    }
}

import Foundation
import Testing
@testable import Latent

/// `evaluate --representation`: DBSCAN's cluster count, noise fraction, silhouette and ARI beside k-means'.
@Suite struct RepresentationDBSCANTests {
    // Two tight pairs ten apart and one code far from both.
    let codes = Tensor([0, 0, 0, 0.1, 10, 0, 10, 0.1, 40, 40], shape: [5, 2])

    @Test func dbscanBesideKMeansWithLabels() throws {
        let labels = [0, 0, 1, 1, 1]
        let r = RepresentationEvaluation.measure(trainCodes: codes, trainLabels: labels, testCodes: codes, testLabels: labels,
                                                 clusters: 2, dbscan: DBSCAN.Parameters(eps: 1, minPoints: 2))
        let d = try #require(r.dbscan)
        #expect(d.clusters == 2 && Swift.abs(d.noiseFraction - 0.2) < 1e-12 && d.eps == 1 && !d.epsChosen && d.minPoints == 2)
        // Over the four non-noise codes: a = 0.1, b ≈ 10, s = 1 − 0.1/b for each.
        #expect(try #require(d.silhouette) > 0.98)
        // Noise is a group of its own: {0, 1}, {2, 3}, {4} against {0, 1}, {2, 3, 4}.
        #expect(d.adjustedRandIndex == Representation.adjustedRandIndex([0, 0, 1, 1, -1], labels))
        #expect(r.scores["dbscan_clusters"]?.value == 2 && r.scores["dbscan_noise_fraction"]?.value == 0.2)
        #expect(r.scores["dbscan_silhouette"] != nil && r.scores["dbscan_adjusted_rand_index"] != nil && r.scores["dbscan_eps"]?.value == 1)
        #expect(r.skipped.isEmpty && d.skipped.isEmpty)
        // Without DBSCAN parameters, k-means alone (as before).
        #expect(RepresentationEvaluation.measure(trainCodes: codes, trainLabels: labels, testCodes: codes, testLabels: labels).dbscan == nil)
    }

    @Test func dbscanWithoutLabelsAndWithOneCluster() throws {
        let r = RepresentationEvaluation.measure(testCodes: codes, clusters: 2, dbscan: DBSCAN.Parameters(eps: 100, minPoints: 2))
        let d = try #require(r.dbscan)
        #expect(d.clusters == 1 && d.noiseFraction == 0 && d.silhouette == nil && d.adjustedRandIndex == nil)
        #expect(d.skipped == ["dbscan_silhouette": "DBSCAN found 1 cluster (a silhouette needs 2)",
                              "dbscan_adjusted_rand_index": "the data have no labels"])
        #expect(r.skipped.keys.sorted() == ["adjusted_rand_index", "linear_probe_accuracy"], "DBSCAN's omissions stay in its own record")
        #expect(r.computed.contains("dbscan_clusters") && !r.computed.contains("dbscan_silhouette"))
    }

    @Test func aRunRecordsDBSCANInItsEvaluation() throws {
        let fixture = ExperimentFixture()
        let run = try fixture.trained("ppca")
        let r = try RepresentationEvaluation.evaluate(run.directory, model: run.model, options: .init(trainLimit: 100, testLimit: 40))
        let d = try #require(r.dbscan, "DBSCAN runs by default")
        #expect(d.epsChosen && d.minPoints == 5 && d.eps > 0)
        #expect(d.adjustedRandIndex != nil, "the fixture has labels")
        let recorded = RunEvaluation.scores(run.directory)
        #expect(recorded["dbscan_clusters"]?.value == Double(d.clusters) && recorded["dbscan_clusters"]?.images == 40)
        #expect(recorded["dbscan_noise_fraction"]?.value == d.noiseFraction)
        #expect(recorded["dbscan_eps"]?.value == d.eps)
        expectLatentError(["--dbscan-eps must be a finite number above 0, got -1.0"]) {
            _ = try RepresentationEvaluation.evaluate(run.directory, model: run.model, options: .init(dbscan: DBSCAN.Parameters(eps: -1)))
        }
        expectLatentError(["--dbscan-min-points must be at least 1, got 0"]) {
            _ = try RepresentationEvaluation.evaluate(run.directory, model: run.model, options: .init(dbscan: DBSCAN.Parameters(minPoints: 0)))
        }
        #expect(try RepresentationEvaluation.evaluate(run.directory, model: run.model, options: .init(testLimit: 40, dbscan: nil)).dbscan == nil)
    }
}

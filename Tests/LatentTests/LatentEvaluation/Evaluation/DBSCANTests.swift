import Foundation
import Testing
@testable import Latent
@testable import LatentEvaluation

/// DBSCAN on hand-built point sets: core, border and noise points, and the k-distance rule for eps.
@Suite struct DBSCANTests {
    @Test func twoRunsOfPointsOnALineAndAnOutlier() {
        // Within 1.5 with 3 points: 1, 2, 11, 12 are core; 0, 3, 10, 13 are border points; 50 is noise.
        let x = Tensor([0, 1, 2, 3, 10, 11, 12, 13, 50], shape: [9, 1])
        let r = DBSCAN.cluster(x, eps: 1.5, minPoints: 3)
        #expect(r.labels == [0, 0, 0, 0, 1, 1, 1, 1, DBSCAN.noise])
        #expect(r.clusters == 2 && !r.epsChosen && r.eps == 1.5 && r.minPoints == 3)
        #expect(Swift.abs(r.noiseFraction - 1.0 / 9) < 1e-12)
        // Too few points within eps: everything is noise.
        let none = DBSCAN.cluster(x, eps: 0.5, minPoints: 2)
        #expect(none.clusters == 0 && none.noiseFraction == 1)
    }

    @Test func twoBlobsAndOutliersGiveTwoClustersAndNoiseWithTheDefaultEps() {
        var rng = RandomGenerator(seed: 4)
        let blobs = Tensor.concatenate([Tensor.normal([25, 2], std: 0.3, rng: &rng), Tensor.normal([25, 2], std: 0.3, rng: &rng) + Tensor([8, 0])])
        let outliers = Tensor([4, 6, -6, -6, 12, 9], shape: [3, 2])
        let r = DBSCAN.cluster(Tensor.concatenate([blobs, outliers]))
        #expect(r.epsChosen && r.minPoints == 5)
        #expect(r.clusters == 2, "eps \(r.eps): \(r.labels)")
        #expect(Array(r.labels.suffix(3)) == [DBSCAN.noise, DBSCAN.noise, DBSCAN.noise])
        #expect(Set(r.labels.prefix(25)) == [0] && Set(r.labels[25..<50]) == [1], "each blob one cluster: \(r.labels)")
        #expect(r.eps > 0.05 && r.eps < 4, "eps \(r.eps) lies between the blobs' spacing and the gaps")
    }

    @Test func theKneeOfTheKDistanceCurve() {
        // Scaled to [0, 1]: (i/9) − (v − 1)/19 is largest at i = 7, the last point before the rise.
        #expect(DBSCAN.knee([1, 1, 1, 1, 1, 1, 1, 1, 10, 20]) == 1)
        #expect(DBSCAN.knee([2, 2, 2]) == 2, "a flat curve: its value")
        // Evenly spaced points: every 1st-neighbour distance is 1.
        #expect(DBSCAN.kDistanceEps(Tensor([0, 1, 2, 3, 4], shape: [5, 1]), k: 1) == 1)
    }
}

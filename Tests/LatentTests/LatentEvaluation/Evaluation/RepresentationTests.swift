import Foundation
import Testing
@testable import Latent

@Suite struct RepresentationTests {
    /// Three separated clusters in `d` dimensions, 30 points each.
    func clusters(_ d: Int, seed: UInt64) -> (Tensor, [Int]) {
        var rng = RandomGenerator(seed: seed)
        var rows: [Tensor] = [], labels: [Int] = []
        for c in 0..<3 {
            var centre = [Float](repeating: 0, count: d)
            centre[c] = 6
            rows.append(Tensor.normal([30, d], std: 0.5, rng: &rng) + Tensor(centre))
            labels += Array(repeating: c, count: 30)
        }
        return (Tensor.concatenate(rows), labels)
    }

    @Test func adjustedRandIndexValues() {
        #expect(Representation.adjustedRandIndex([0, 0, 1, 1, 2, 2], [0, 0, 1, 1, 2, 2]) == 1)
        #expect(Swift.abs(Representation.adjustedRandIndex([0, 0, 1, 1, 2, 2], [2, 2, 0, 0, 1, 1]) - 1) < 1e-12, "label names do not matter")
        var rng = RandomGenerator(seed: 1)
        let a = (0..<3000).map { _ in Int(rng.next() % 5) }, b = (0..<3000).map { _ in Int(rng.next() % 5) }
        #expect(Swift.abs(Representation.adjustedRandIndex(a, b)) < 0.01, "independent labelings score ≈ 0")
        // A worked example: ARI([0,0,1,1], [0,0,1,2]) = 0.5714… (2 agreeing pairs of 6).
        #expect(Swift.abs(Representation.adjustedRandIndex([0, 0, 1, 1], [0, 0, 1, 2]) - 4.0 / 7.0) < 1e-12)
    }

    @Test func kMeansSilhouetteAndProbeOnSeparatedClusters() {
        let (x, labels) = clusters(5, seed: 2)
        var rng = RandomGenerator(seed: 3)
        let result = Representation.kMeans(x, k: 3, rng: &rng)
        #expect(Representation.adjustedRandIndex(result.assignments, labels) == 1)
        #expect(Representation.silhouette(x, result.assignments) > 0.8)
        #expect(Representation.silhouette(x, labels.map { ($0 + 1) % 3 == 0 ? 0 : 1 }) < 0.6, "a wrong partition scores lower")
        let (test, testLabels) = clusters(5, seed: 4)
        #expect(Representation.linearProbe(train: x, trainLabels: labels, test: test, testLabels: testLabels, epochs: 50) > 0.95)
    }

    @Test func tsneKeepsClustersApart() {
        let (x, labels) = clusters(10, seed: 5)
        var rng = RandomGenerator(seed: 6)
        let map = TSNE.embed(x, perplexity: 15, iterations: 1_000, rng: &rng)
        #expect(map.shape == [90, 2])
        let found = Representation.kMeans(map, k: 3, rng: &rng)
        #expect(Representation.adjustedRandIndex(found.assignments, labels) > 0.95)
    }
}

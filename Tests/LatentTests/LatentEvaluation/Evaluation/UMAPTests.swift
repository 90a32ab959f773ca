import Foundation
import Testing
@testable import Latent
@testable import LatentEvaluation

/// UMAP: the curve fit, the σ search, the symmetric fuzzy graph, clusters kept apart, determinism by seed.
@Suite struct UMAPTests {
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

    @Test func theCurveParametersMatchTheReferenceFit() {
        // umap-learn's find_ab_params(spread=1, min_dist=0.1) gives a = 1.5769…, b = 0.8951….
        let (a, b) = UMAP.curveParameters(minDistance: 0.1, spread: 1)
        #expect(Swift.abs(a - 1.577) < 2e-3 && Swift.abs(b - 0.8951) < 1e-3, "a = \(a), b = \(b)")
        // A larger minimum distance flattens the curve near 0: b grows.
        let wide = UMAP.curveParameters(minDistance: 0.5, spread: 1)
        #expect(wide.b > b)
    }

    @Test func theSigmaSearchHitsLogTwoOfK() {
        var rng = RandomGenerator(seed: 3)
        let k = 15
        let rows = (0..<20).map { _ in (0..<k).map { _ in 0.2 + 3 * Double(rng.nextUniform()) }.sorted() }
        let (rho, sigma) = UMAP.smoothDistances(rows)
        for (i, row) in rows.enumerated() {
            #expect(rho[i] == row[0], "ρ is the distance to the nearest neighbour")
            let sum = row.map { Foundation.exp(-Swift.max(0, $0 - rho[i]) / sigma[i]) }.reduce(0, +)
            #expect(Swift.abs(sum - log2(Double(k))) < 1e-4, "row \(i): Σ = \(sum), want log₂ 15 = \(log2(15.0))")
        }
    }

    @Test func theFuzzyGraphIsSymmetricWithWeightsInZeroOne() {
        let (x, _) = clusters(5, seed: 1)
        let graph = UMAP.fuzzyGraph(x, neighbours: 6)
        for (i, edges) in graph.edges.enumerated() {
            #expect(edges.count >= 6, "every point keeps at least its own neighbours")
            for e in edges {
                #expect(e.w > 0 && e.w <= 1)
                #expect(graph.edges[e.j].first { $0.j == i }?.w == e.w, "w(\(i), \(e.j)) = w(\(e.j), \(i))")
            }
            // The nearest neighbour has membership 1 (d = ρ), so the union is 1 too.
            #expect(edges.contains { Swift.abs($0.w - 1) < 1e-12 })
        }
    }

    @Test func separatedClustersStaySeparatedInTheMap() {
        let (x, labels) = clusters(10, seed: 5)
        var rng = RandomGenerator(seed: 6)
        let map = UMAP.embed(x, neighbours: 10, rng: &rng)
        #expect(map.shape == [90, 2])
        #expect(map.scalars.allSatisfy { $0.isFinite })
        // kNN purity in 2-D: each point's 5 nearest map neighbours share its cluster.
        let (neighbours, _) = Neighbours.nearest(Neighbours.squaredDistances(map), n: 90, k: 5)
        let purity = Double(neighbours.enumerated().map { i, row in row.filter { labels[$0] == labels[i] }.count }.reduce(0, +)) / (90 * 5)
        #expect(purity > 0.98, "kNN purity \(purity)")
        let found = Representation.kMeans(map, k: 3, rng: &rng)
        #expect(Representation.adjustedRandIndex(found.assignments, labels) > 0.95)
        #expect(Representation.trustworthiness(original: x, embedding: map, k: 5) > 0.8)
    }

    @Test func theSameSeedGivesTheSameMapAndProgressFalls() {
        let (x, _) = clusters(4, seed: 2)
        var first = RandomGenerator(seed: 11), second = RandomGenerator(seed: 11), other = RandomGenerator(seed: 12)
        var reports: [(Int, Double)] = []
        let a = UMAP.embed(x, neighbours: 8, epochs: 200, progressEvery: 80, rng: &first) { reports.append(($0, $1)) }
        let b = UMAP.embed(x, neighbours: 8, epochs: 200, rng: &second)
        let c = UMAP.embed(x, neighbours: 8, epochs: 200, rng: &other)
        #expect(a.scalars == b.scalars, "seeded: the same map")
        #expect(a.scalars != c.scalars, "another seed draws other negative samples")
        #expect(reports.map(\.0) == [80, 160, 200])
        #expect(reports.allSatisfy { $0.1.isFinite && $0.1 > 0 })
        #expect(reports.last!.1 < reports.first!.1, "the cross-entropy falls: \(reports)")
    }

    @Test func theCrossEntropyOfTwoPointsIsItsHandValue() {
        // One edge of weight 1 between two points a distance 1 apart: v = 1/(1 + a), CE = −log v.
        let graph = UMAP.Graph(edges: [[(j: 1, w: 1)], [(j: 0, w: 1)]])
        let ce = UMAP.crossEntropy(graph, map: [0, 0, 1, 0], n: 2, a: 2, b: 1)
        #expect(Swift.abs(ce - Foundation.log(3)) < 1e-12)
        // Weight ½: ½ log(½ / v) + ½ log(½ / (1 − v)) with v = ⅓.
        let half = UMAP.Graph(edges: [[(j: 1, w: 0.5)], [(j: 0, w: 0.5)]])
        let want = 0.5 * Foundation.log(0.5 * 3) + 0.5 * Foundation.log(0.5 * 1.5)
        #expect(Swift.abs(UMAP.crossEntropy(half, map: [0, 0, 1, 0], n: 2, a: 2, b: 1) - want) < 1e-12)
    }
}

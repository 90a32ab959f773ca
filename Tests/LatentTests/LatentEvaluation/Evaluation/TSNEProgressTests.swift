import Foundation
import Testing
@testable import Latent
@testable import LatentEvaluation

/// t-SNE reports its progress in iterations and the KL divergence it minimises.
@Suite struct TSNEProgressTests {
    @Test func theKLDivergenceMatchesAHandComputedCase() {
        // Two points: Q puts ½ on each ordered pair whatever the map, so KL(P‖Q) = Σ p ln(2p).
        #expect(Swift.abs(TSNE.klDivergence([0, 0.5, 0.5, 0], map: [0, 0, 3, 4], n: 2)) < 1e-12)
        let want = 0.25 * log(0.5) + 0.75 * log(1.5)
        #expect(Swift.abs(TSNE.klDivergence([0, 0.25, 0.75, 0], map: [0, 0, 1, 1], n: 2) - want) < 1e-12)
        // Three points on a line at 0, 1, 3: w = 1/(1+d²) = ½, ⅒, ⅕; z = 2(½ + ⅒ + ⅕) = 1.6.
        let sixth = 1.0 / 6
        let p: [Double] = [0, sixth, sixth, sixth, 0, sixth, sixth, sixth, 0]
        let q: [Double] = [0.5 / 1.6, 0.1 / 1.6, 0.2 / 1.6]   // pairs (0,1), (0,2), (1,2)
        var wantThree = 0.0
        for pair in q { wantThree += 2 * sixth * log(sixth / pair) }
        #expect(Swift.abs(TSNE.klDivergence(p, map: [0, 0, 1, 0, 3, 0], n: 3) - wantThree) < 1e-12)
    }

    @Test func progressCountsIterationsOfTheTotalAndTheKLFalls() {
        var rng = RandomGenerator(seed: 4)
        let x = Tensor.normal([12, 3], rng: &rng) + Tensor((0..<36).map { Float(($0 / 3) % 2 * 6) }, shape: [12, 3])
        var reports: [(Int, Double)] = []
        let map = TSNE.embed(x, perplexity: 3, iterations: 400, progressEvery: 150, rng: &rng) { reports.append(($0, $1)) }
        #expect(map.shape == [12, 2])
        #expect(reports.map(\.0) == [150, 300, 400])
        #expect(reports.allSatisfy { $0.1.isFinite && $0.1 >= 0 })
        #expect(reports.last!.1 < reports.first!.1, "the KL divergence falls once the exaggeration is over: \(reports)")
    }
}

import Foundation
import Testing
@testable import Latent

/// Venna & Kaski's trustworthiness: 1 for a map that keeps every neighbourhood, about ½ for an unrelated one.
@Suite struct TrustworthinessTests {
    @Test func theIdentityAndAnyScalingScoreOne() {
        var rng = RandomGenerator(seed: 1)
        let x = Tensor.normal([60, 5], rng: &rng)
        #expect(Representation.trustworthiness(original: x, embedding: x, k: 5) == 1)
        #expect(Representation.trustworthiness(original: x, embedding: x * 3 + 1, k: 5) == 1)
    }

    @Test func aRandomPermutationScoresLow() {
        var rng = RandomGenerator(seed: 2)
        let x = Tensor.normal([200, 3], rng: &rng)
        let shuffled = x.gatherRows(rng.permutation(200))
        let t = Representation.trustworthiness(original: x, embedding: shuffled, k: 5)
        #expect(t < 0.6 && t > 0.4, "an unrelated map scores about ½: \(t)")
    }

    @Test func aHandComputedCase() {
        // Points 0, 1, 3, 6, 10 on a line; the map swaps the first and the last.
        // With k = 1 the map's nearest neighbours are 3, 4, 1, 2, 1, of original ranks 3, 4, 1, 1, 3:
        // penalties 2 + 3 + 0 + 0 + 2 = 7, T = 1 − 2·7 / (5·1·(10 − 3 − 1)) = 8/15.
        let x = Tensor([0, 1, 3, 6, 10], shape: [5, 1]), y = Tensor([10, 1, 3, 6, 0], shape: [5, 1])
        #expect(Swift.abs(Representation.trustworthiness(original: x, embedding: y, k: 1) - 8.0 / 15) < 1e-12)
        #expect(Representation.trustworthinessNeighbours(points: 2_000) == 10)
        #expect(Representation.trustworthinessNeighbours(points: 9) == 4)
    }
}

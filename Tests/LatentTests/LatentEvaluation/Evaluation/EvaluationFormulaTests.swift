import Foundation
import Testing
@testable import Latent
@testable import LatentEvaluation

/// The evaluation formulas on cases small enough to work out by hand.
@Suite struct EvaluationFormulaTests {
    @Test func kidOfTwoPairsOfScalars() {
        // k(x, y) = (xy/1 + 1)³; a = {0, 1}, b = {1, 2}:
        // within a: k(0,1) = 1 → 1; within b: k(1,2) = 27 → 27; across: (1 + 1 + 8 + 27)/4 = 9.25 → 1 + 27 − 2·9.25 = 9.5.
        let kid = SampleQuality.kernelDistance(Tensor([0, 1], shape: [2, 1]), Tensor([1, 2], shape: [2, 1]))
        #expect(Swift.abs(kid - 9.5) < 1e-9)
    }

    @Test func silhouetteOfFourPointsOnALine() {
        // Points 0, 1, 4, 5 in clusters {0, 1} and {4, 5}: a = 1 for each; b = 4.5, 3.5, 3.5, 4.5;
        // s = 3.5/4.5, 2.5/3.5, 2.5/3.5, 3.5/4.5 → mean (7/9 + 5/7)/2.
        let x = Tensor([0, 1, 4, 5], shape: [4, 1])
        #expect(Swift.abs(Representation.silhouette(x, [0, 0, 1, 1]) - (7.0 / 9 + 5.0 / 7) / 2) < 1e-12)
        // A singleton scores 0: {0}, {1, 4, 5}. Point 1: a = (3 + 4)/2, b = 1 → (1 − 3.5)/3.5;
        // point 4: a = (3 + 1)/2 = 2, b = 4 → 0.5; point 5: a = (4 + 1)/2 = 2.5, b = 5 → 0.5.
        let want = (0 + (1 - 3.5) / 3.5 + 0.5 + 0.5) / 4
        #expect(Swift.abs(Representation.silhouette(x, [0, 1, 1, 1]) - want) < 1e-12)
    }

    @Test func tsneAffinitiesOfThreeEquidistantPoints() {
        // Each row's conditional is uniform over the two others whatever the precision: perplexity 2,
        // and the symmetrised p_ij = (½ + ½)/(2·3) = 1/6.
        let p = TSNE.affinities([0, 1, 1, 1, 0, 1, 1, 1, 0], n: 3, perplexity: 2)
        for i in 0..<3 { for j in 0..<3 where i != j { #expect(Swift.abs(p[i * 3 + j] - 1.0 / 6) < 1e-9) } }
        #expect(Swift.abs(p.reduce(0, +) - 1) < 1e-9)
    }
}

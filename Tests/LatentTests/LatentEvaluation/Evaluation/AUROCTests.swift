import Testing
@testable import Latent

/// The AUROC as the Mann–Whitney statistic: hand-computed cases, ties counting one half.
@Suite struct AUROCTests {
    @Test func perfectReversedAndIdenticalScores() {
        #expect(AUROC.area(positives: [5, 6, 7], negatives: [1, 2]) == 1)
        #expect(AUROC.area(positives: [1, 2], negatives: [5, 6, 7]) == 0)
        #expect(AUROC.area(positives: [3, 3, 3], negatives: [3, 3]) == 0.5)
        #expect(AUROC.area(positives: [4], negatives: [4]) == 0.5)
    }

    @Test func aSmallCaseWithTiesByHand() {
        // Pairs (positive, negative): 3>2, 3>1, 2=2 (½), 2>1, 2=2 (½), 2>1 → 5 of 6.
        #expect(abs(AUROC.area(positives: [3, 2, 2], negatives: [2, 1]) - 5.0 / 6) < 1e-12)
        // 1 beats nothing, 4 beats 2 and 3, ties with one 4: (0 + 2.5) / (2·3).
        #expect(abs(AUROC.area(positives: [1, 4], negatives: [2, 3, 4]) - 2.5 / 6) < 1e-12)
    }

    @Test func theCurveRunsFromZeroToOneAndItsAreaIsTheStatistic() {
        let roc = AUROC.curve(positives: [3, 2, 2], negatives: [2, 1])
        #expect(roc.map(\.falsePositiveRate) == [0, 0, 0.5, 1])
        #expect(roc.map(\.truePositiveRate) == [0, 1.0 / 3, 1, 1])
        #expect(abs(AUROC.trapezoidalArea(roc) - 5.0 / 6) < 1e-12)
        // Many ties at random: the trapezoids under the curve and the rank statistic agree.
        var rng = RandomGenerator(seed: 3)
        let positives = (0..<200).map { _ in Double(Int(rng.nextUniform() * 12)) + 2 }
        let negatives = (0..<150).map { _ in Double(Int(rng.nextUniform() * 12)) }
        let area = AUROC.area(positives: positives, negatives: negatives)
        #expect(abs(AUROC.trapezoidalArea(AUROC.curve(positives: positives, negatives: negatives)) - area) < 1e-12)
        // Against the definition over all pairs.
        var wins = 0.0
        for p in positives { for n in negatives { wins += p > n ? 1 : (p == n ? 0.5 : 0) } }
        #expect(abs(area - wins / Double(positives.count * negatives.count)) < 1e-12)
    }
}

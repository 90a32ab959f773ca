import Foundation
import Testing
@testable import Latent

/// The mutual information gap on codes whose relation to the factors is known in closed form.
@Suite struct MIGTests {
    /// Every combination of three factors of 4, 3 and 5 values, `repeats` times: independent, uniform factors.
    static func fullGrid(repeats: Int = 4) -> [[Int]] {
        var rows: [[Int]] = []
        for _ in 0..<repeats { for a in 0..<4 { for b in 0..<3 { for c in 0..<5 { rows.append([a, b, c]) } } } }
        return (0..<3).map { k in rows.map { $0[k] } }
    }

    static func codes(_ columns: [[Double]]) -> Tensor {
        let n = columns[0].count
        return Tensor((0..<n).flatMap { i in columns.map { Float($0[i]) } }, shape: [n, columns.count])
    }

    @Test func entropyAndMutualInformationByHand() {
        #expect(abs(MIG.entropy([0, 1, 2, 3]) - log(4)) < 1e-12)
        #expect(MIG.entropy([7, 7, 7]) == 0)
        #expect(abs(MIG.mutualInformation([0, 1, 0, 1], [5, 6, 5, 6]) - log(2)) < 1e-12, "a relabelling keeps all information")
        #expect(abs(MIG.mutualInformation([0, 0, 1, 1], [0, 1, 0, 1])) < 1e-12, "independent")
        #expect(MIG.discretize([0, 0.5, 1], bins: 2) == [0, 1, 1])
        #expect(MIG.discretize([0, 0.94, 1, 2], bins: 20) == [0, 9, 10, 19], "20 equal bins from the minimum to the maximum")
        #expect(MIG.discretize([3, 3], bins: 20) == [0, 0])
    }

    @Test func codesEqualToTheFactorsScoreOne() {
        let factors = Self.fullGrid()
        let r = MIG.score(codes: Self.codes(factors.map { $0.map(Double.init) }), factors: factors, names: ["a", "b", "c"])
        #expect(abs(r.mig - 1) < 1e-9)
        #expect(r.topDimensions == [0, 1, 2])
        for k in 0..<3 { #expect(abs(r.gaps[k]! - 1) < 1e-9) }
        #expect(abs(r.entropies[0] - log(4)) < 1e-12 && abs(r.entropies[2] - log(5)) < 1e-12)
        // A monotone map of a factor that keeps its values in separate bins (here e^(v/4) plus noise far below a bin) keeps it.
        var rng = RandomGenerator(seed: 3)
        let warped = factors.map { $0.map { exp(Double($0) / 4) + Double(rng.nextUniform()) * 1e-6 } }
        #expect(abs(MIG.score(codes: Self.codes(warped), factors: factors).mig - 1) < 1e-9)
    }

    @Test func codesIndependentOfTheFactorsScoreAboutZero() {
        let factors = Self.fullGrid(repeats: 300)   // 18,000 rows
        var rng = RandomGenerator(seed: 7)
        let noise = (0..<4).map { _ in factors[0].map { _ in Double(rng.nextNormal()) } }
        let r = MIG.score(codes: Self.codes(noise), factors: factors)
        // The plug-in estimate's bias is about (bins − 1)(K − 1) / 2N nats: 0.003 for K = 5.
        #expect(r.mig >= 0 && r.mig < 0.01, "\(r.mig)")
        #expect(r.mutualInformation.joined().allSatisfy { $0 < 0.01 })
    }

    @Test func aFactorDuplicatedIntoTwoCodesHasNoGap() {
        let factors = Self.fullGrid()
        let a = factors[0].map(Double.init)
        let r = MIG.score(codes: Self.codes([a, a.map { 2 * $0 + 1 }, factors[1].map(Double.init)]), factors: factors,
                          names: ["a", "b", "c"])
        #expect(abs(r.gaps[0]!) < 1e-12, "two dimensions hold a equally")
        #expect(abs(r.gaps[1]! - 1) < 1e-9)
        #expect(abs(r.gaps[2]!) < 1e-12, "c is in no dimension")
        #expect(abs(r.mig - 1.0 / 3) < 1e-9)
    }

    @Test func aConstantFactorIsLeftOutOfTheMean() {
        let factors = Self.fullGrid()
        let constant = factors[0].map { _ in 2 }
        let r = MIG.score(codes: Self.codes([factors[0].map(Double.init)]), factors: [factors[0], constant])
        #expect(r.gaps[1] == nil)
        #expect(abs(r.mig - 1) < 1e-9, "one dimension: the gap is its whole information")
    }
}

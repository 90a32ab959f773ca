import Foundation
import Testing
@testable import Latent
@testable import LatentModels

@Suite struct RBMTests {
    /// A small RBM with weights large enough to be far from independent units.
    func smallRBM(visible: Int = 8, hidden: Int = 5, scale: Float = 1, seed: UInt64 = 1) -> RBM {
        var rng = RandomGenerator(seed: seed)
        let rbm = RBM(visible: visible, hidden: hidden, rng: &rng)
        rbm.weights.assign(Tensor.normal([hidden, visible], std: scale, rng: &rng))
        rbm.visibleBias.assign(Tensor.normal([visible], std: 0.5, rng: &rng))
        rbm.hiddenBias.assign(Tensor.normal([hidden], std: 0.5, rng: &rng))
        return rbm
    }

    /// −E(v, h) = bᵀv + cᵀh + hᵀWv, in Double.
    func negativeEnergy(_ rbm: RBM, _ v: [Double], _ h: [Double]) -> Double {
        let w = rbm.weights.value.scalars, b = rbm.visibleBias.value.scalars, c = rbm.hiddenBias.value.scalars
        var e = 0.0
        for i in 0..<v.count { e += Double(b[i]) * v[i] }
        for j in 0..<h.count {
            e += Double(c[j]) * h[j]
            for i in 0..<v.count { e += h[j] * Double(w[j * v.count + i]) * v[i] }
        }
        return e
    }

    func bits(_ mask: Int, _ n: Int) -> [Double] { (0..<n).map { Double((mask >> $0) & 1) } }

    @Test func freeEnergyIsTheMarginalOverHidden() {
        let rbm = smallRBM()
        let vs = (0..<6).map { bits($0 * 37 % 256, 8) }
        let f = rbm.freeEnergy(Tensor(vs.flatMap { $0.map(Float.init) }, shape: [6, 8])).scalars
        for (i, v) in vs.enumerated() {
            let brute = -log((0..<32).map { exp(negativeEnergy(rbm, v, bits($0, 5))) }.reduce(0, +))
            #expect(Swift.abs(Double(f[i]) - brute) < 1e-4)
        }
    }

    @Test func conditionalsMatchEnumeration() {
        let rbm = smallRBM()
        let v = bits(0b1011_0110, 8)
        // p(h_j = 1 | v) from the joint, summing over h.
        let joint = (0..<32).map { exp(negativeEnergy(rbm, v, bits($0, 5))) }
        let total = joint.reduce(0, +)
        let ph = rbm.hiddenProbabilities(Tensor(v.map(Float.init), shape: [1, 8])).scalars
        for j in 0..<5 {
            var on = 0.0
            for m in 0..<32 where (m >> j) & 1 == 1 { on += joint[m] }
            let p = on / total
            #expect(Swift.abs(Double(ph[j]) - p) < 1e-5)
        }
        let h = bits(0b10110, 5)
        let jointV = (0..<256).map { exp(negativeEnergy(rbm, bits($0, 8), h)) }
        let totalV = jointV.reduce(0, +)
        let pv = rbm.visibleProbabilities(Tensor(h.map(Float.init), shape: [1, 5])).scalars
        for i in 0..<8 {
            var on = 0.0
            for m in 0..<256 where (m >> i) & 1 == 1 { on += jointV[m] }
            let p = on / totalV
            #expect(Swift.abs(Double(pv[i]) - p) < 1e-5)
        }
    }

    @Test func pseudoLikelihoodsMatchTheirDefinitions() {
        let rbm = smallRBM()
        let vs = [bits(0b1011_0110, 8), bits(0b0000_1111, 8)]
        let x = Tensor(vs.flatMap { $0.map(Float.init) }, shape: [2, 8])
        // log p(v) up to log Z, by enumeration over h.
        func logUnnormalized(_ v: [Double]) -> Double { log((0..<32).map { exp(negativeEnergy(rbm, v, bits($0, 5))) }.reduce(0, +)) }
        func conditional(_ v: [Double], _ i: Int) -> Double {
            var flipped = v
            flipped[i] = 1 - flipped[i]
            let a = logUnnormalized(v), b = logUnnormalized(flipped)
            return a - log(exp(a) + exp(b))   // log p(vᵢ | v₋ᵢ)
        }
        let full = rbm.fullPseudoLikelihood(x).scalars
        for (r, v) in vs.enumerated() {
            let want = (0..<8).map { conditional(v, $0) }.reduce(0, +)
            #expect(Swift.abs(Double(full[r]) - want) < 1e-4)
        }
        // scikit-learn's estimate: D · log p(v_i | v₋ᵢ) for the flipped index i; its mean over many draws is the full PL.
        var rng = RandomGenerator(seed: 3)
        let repeated = x.gatherRows(Array(repeating: 0, count: 4000))
        let estimate = rbm.pseudoLikelihood(repeated, rng: &rng).mean().item
        #expect(Swift.abs(Double(estimate) - Double(full[0])) < 0.05 * Swift.abs(Double(full[0])) + 0.1)
        // And each draw is exactly D times one conditional.
        var rng2 = RandomGenerator(seed: 4)
        let one = Double(rbm.pseudoLikelihood(x.rows(0..<1), rng: &rng2).item)
        #expect((0..<8).contains { Swift.abs(8 * conditional(vs[0], $0) - one) < 1e-3 })
    }

    @Test func exactLogPartitionAgreesEitherWay() throws {
        let rbm = smallRBM(visible: 8, hidden: 5)
        let viaHidden = try rbm.exactLogPartition()
        let brute = log((0..<256).flatMap { v in (0..<32).map { h in exp(negativeEnergy(rbm, bits(v, 8), bits(h, 5))) } }.reduce(0, +))
        #expect(Swift.abs(viaHidden - brute) < 1e-6)
        let tall = smallRBM(visible: 6, hidden: 9, seed: 2)   // enumerates over v instead
        let bruteTall = log((0..<64).flatMap { v in (0..<512).map { h in exp(negativeEnergy(tall, bits(v, 6), bits(h, 9))) } }.reduce(0, +))
        #expect(Swift.abs(try tall.exactLogPartition() - bruteTall) < 1e-6)
    }

    @Test func aisMatchesTheExactPartitionFunction() throws {
        // 20 visible units, 12 hidden: exact enumeration over 4,096 hidden states.
        let rbm = smallRBM(visible: 20, hidden: 12, scale: 0.6, seed: 5)
        var rng = RandomGenerator(seed: 6)
        let data = Tensor.uniform([200, 20], rng: &rng).greater(0.6)
        let estimate = AIS.estimate(rbm, baseFrom: data, betas: AIS.schedule(.linear(3_000)), chains: 200, rng: &rng)
        let exact = try rbm.exactLogPartition()
        #expect(Swift.abs(estimate.logPartition - exact) < 0.1, "AIS \(estimate.logPartition) vs exact \(exact)")
        #expect(estimate.lower <= exact + 0.1 && exact - 0.1 <= estimate.upper)
    }

    @Test func updateIsTheContrastiveDivergenceStatistic() {
        var rng = RandomGenerator(seed: 7)
        let rbm = RBM(visible: 4, hidden: 3, rng: &rng)
        let before = rbm.weights.value.scalars, cBefore = rbm.hiddenBias.value.scalars
        let vp = Tensor.uniform([5, 4], rng: &rng), hp = Tensor.uniform([5, 3], rng: &rng)
        let vn = Tensor.uniform([2, 4], rng: &rng), hn = Tensor.uniform([2, 3], rng: &rng)
        rbm.apply(vp, hp, vn, hn, rate: 0.1, momentum: 0, weightDecay: 0)
        for j in 0..<3 { for i in 0..<4 {
            var delta: Float = 0
            for r in 0..<5 { delta += hp[r, j] * vp[r, i] }
            for r in 0..<2 { delta -= hn[r, j] * vn[r, i] }
            #expect(Swift.abs(rbm.weights.value[j, i] - (before[j * 4 + i] + 0.1 * delta)) < 1e-6)
        } }
        for j in 0..<3 {
            let delta = (0..<5).map { hp[$0, j] }.reduce(0, +) - (0..<2).map { hn[$0, j] }.reduce(0, +)
            #expect(Swift.abs(rbm.hiddenBias.value[j] - (cBefore[j] + 0.1 * delta)) < 1e-6)
        }
    }

    @Test func learnsBars() {
        // 4×4 images with one bright row.
        var pixels: [Float] = []
        for i in 0..<400 { let row = i % 4; for y in 0..<4 { for _ in 0..<4 { pixels.append(y == row ? 1 : 0) } } }
        let x = Tensor(pixels, shape: [400, 16])
        var rng = RandomGenerator(seed: 8)
        let rbm = RBM(visible: 16, hidden: 8, rng: &rng)
        let plBefore = rbm.pseudoLikelihood(x, rng: &rng).mean().item
        for _ in 0..<200 {
            for indices in MiniBatches(count: 400, batchSize: 20, shuffle: &rng) {
                rbm.train(x.gatherRows(indices), learningRate: 0.1, negative: .persistent(steps: 1), rng: &rng)
            }
        }
        let plAfter = rbm.pseudoLikelihood(x, rng: &rng).mean().item
        #expect(plAfter > plBefore + 3, "pseudo-likelihood \(plBefore) → \(plAfter)")
        let reconstruction = rbm.visibleProbabilities(rbm.hiddenProbabilities(x.rows(0..<4)))
        #expect(reconstruction.scalars.map { $0 > 0.5 ? Float(1) : 0 } == x.rows(0..<4).scalars)
    }

    /// Gibbs inpainting samples p(removed | kept): its averaged probabilities
    /// must match the exact conditional marginals, enumerated.
    @Test func inpaintingSamplesTheExactConditional() {
        let rbm = smallRBM(visible: 8, hidden: 5, scale: 1, seed: 9)
        let v = bits(0b1011_0110, 8)
        let removed = [1, 4, 6]
        var knownRow = [Float](repeating: 1, count: 8)
        for i in removed { knownRow[i] = 0 }
        // Exact: p(v_i = 1 | kept) over the 2³ completions, each weighted by Σ_h exp(−E).
        var weights: [Double] = [], completions: [[Double]] = []
        for m in 0..<8 {
            var full = v
            for (k, i) in removed.enumerated() { full[i] = Double((m >> k) & 1) }
            completions.append(full)
            weights.append((0..<32).map { exp(negativeEnergy(rbm, full, bits($0, 5))) }.reduce(0, +))
        }
        let total = weights.reduce(0, +)
        let chains = 200
        let images = Tensor(Array(repeating: v.map(Float.init), count: chains).flatMap { $0 }, shape: [chains, 8])
        let known = Tensor(Array(repeating: knownRow, count: chains).flatMap { $0 }, shape: [chains, 8])
        var rng = RandomGenerator(seed: 10)
        let restored = rbm.inpaint(images, known: known, steps: 300, average: 250, rng: &rng)
        let mean = restored.mean(axis: 0).scalars
        for i in removed {
            let exact = zip(completions, weights).map { $0[i] * $1 }.reduce(0, +) / total
            #expect(Swift.abs(Double(mean[i]) - exact) < 0.03, "pixel \(i): Gibbs \(mean[i]) vs exact \(exact)")
        }
        for i in 0..<8 where !removed.contains(i) { #expect(mean[i] == Float(v[i]), "kept pixels stay") }
    }
}

@Suite struct AISScheduleTests {
    @Test func paperScheduleHasItsThreeSegments() {
        let b = AIS.schedule(.paper)
        #expect(b.count == 14_501 && b.first == 0 && b.last == 1)
        #expect(zip(b, b.dropFirst()).allSatisfy { $0 < $1 })
        #expect(Swift.abs(b[500] - 0.5) < 1e-12 && Swift.abs(b[4_500] - 0.9) < 1e-12)
    }
}

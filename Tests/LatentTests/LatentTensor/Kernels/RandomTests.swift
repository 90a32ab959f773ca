import Testing
@testable import Latent

@Suite struct RandomTests {
    func moments(_ t: Tensor) -> (mean: Double, variance: Double) {
        let v = t.scalars.map(Double.init)
        let m = v.reduce(0, +) / Double(v.count)
        return (m, v.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(v.count))
    }

    @Test func uniformMoments() {
        var rng = RandomGenerator(seed: 1)
        let (m, v) = moments(Tensor.uniform([200_001], low: -1, high: 3, rng: &rng))
        // U(a, b): mean (a+b)/2 = 1, variance (b-a)²/12 = 4/3. Standard error of the mean ≈ 0.0026.
        #expect(Swift.abs(m - 1) < 0.015)
        #expect(Swift.abs(v - 4.0 / 3) < 0.02)
    }

    @Test func normalMoments() {
        var rng = RandomGenerator(seed: 2)
        let t = Tensor.normal([200_001], mean: 2, std: 0.5, rng: &rng)
        let (m, v) = moments(t)
        #expect(Swift.abs(m - 2) < 0.005)
        #expect(Swift.abs(v - 0.25) < 0.005)
        // Tail mass beyond 2σ: 4.55 %.
        let tail = Double(t.scalars.filter { Swift.abs($0 - 2) > 1 }.count) / Double(t.count)
        #expect(Swift.abs(tail - 0.0455) < 0.003)
    }

    @Test func bernoulliFrequencies() {
        var rng = RandomGenerator(seed: 3)
        let p = Tensor((0..<100_000).map { Float($0 % 4) / 4 })   // 0, .25, .5, .75
        let draws = Tensor.bernoulli(p, rng: &rng).scalars
        for k in 0..<4 {
            let picked = stride(from: k, to: draws.count, by: 4).map { draws[$0] }
            let rate = Double(picked.reduce(0, +)) / Double(picked.count)
            #expect(Swift.abs(rate - Double(k) / 4) < 0.01)
        }
    }

    @Test func seedsReproduceAndDiffer() {
        var a = RandomGenerator(seed: 7), b = RandomGenerator(seed: 7), c = RandomGenerator(seed: 8)
        let x = (0..<10).map { _ in a.next() }
        #expect(x == (0..<10).map { _ in b.next() })
        #expect(x != (0..<10).map { _ in c.next() })
        var d = RandomGenerator(seed: 9)
        let perm = d.permutation(1000)
        #expect(perm.sorted() == Array(0..<1000) && perm != Array(0..<1000))
    }
}

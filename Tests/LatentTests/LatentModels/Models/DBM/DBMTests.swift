import Foundation
import Testing
@testable import Latent

@Suite struct DBMTests {
    func tinyDBM(seed: UInt64 = 1, scale: Float = 0.8) -> DBM {
        var rng = RandomGenerator(seed: seed)
        let dbm = DBM(layers: [6, 5, 4], rng: &rng)
        for w in dbm.weights { w.assign(Tensor.normal(w.value.shape, std: scale, rng: &rng)) }
        for b in dbm.biases { b.assign(Tensor.normal(b.value.shape, std: 0.5, rng: &rng)) }
        return dbm
    }

    func bits(_ mask: Int, _ n: Int) -> [Double] { (0..<n).map { Double((mask >> $0) & 1) } }

    /// −E(v, h1, h2) in Double.
    func negativeEnergy(_ dbm: DBM, _ layers: [[Double]]) -> Double {
        var e = 0.0
        for (l, x) in layers.enumerated() {
            let b = dbm.biases[l].value.scalars
            for i in 0..<x.count { e += Double(b[i]) * x[i] }
        }
        for l in 0..<dbm.depth {
            let w = dbm.weights[l].value.scalars
            let (below, above) = (layers[l], layers[l + 1])
            for j in 0..<above.count { for i in 0..<below.count { e += above[j] * Double(w[j * below.count + i]) * below[i] } }
        }
        return e
    }

    func bruteLogZ(_ dbm: DBM) -> Double {
        var terms: [Double] = []
        for v in 0..<64 { for a in 0..<32 { for b in 0..<16 { terms.append(negativeEnergy(dbm, [bits(v, 6), bits(a, 5), bits(b, 4)])) } } }
        let m = terms.max()!
        return m + log(terms.map { exp($0 - m) }.reduce(0, +))
    }

    @Test func meanFieldReachesItsFixedPoint() {
        let dbm = tinyDBM()
        let v = Tensor([1, 0, 1, 1, 0, 1, 0, 0, 1, 0, 1, 1], shape: [2, 6])
        let mu = dbm.meanField(v, iterations: 200)
        let w1 = dbm.weights[0].value, w2 = dbm.weights[1].value
        let mu1 = (v.linear(weight: w1, bias: dbm.biases[1].value) + mu[1].matmul(w2)).sigmoid()
        let mu2 = mu[0].linear(weight: w2, bias: dbm.biases[2].value).sigmoid()
        expectClose(mu[0].detached(), mu1.detached(), tolerance: 1e-5)
        expectClose(mu[1].detached(), mu2.detached(), tolerance: 1e-5)
    }

    @Test func exactAndAnnealedPartitionFunctions() throws {
        let dbm = tinyDBM(seed: 2)
        let brute = bruteLogZ(dbm)
        #expect(Swift.abs(try dbm.exactLogPartition() - brute) < 1e-4)
        var rng = RandomGenerator(seed: 3)
        let ais = dbm.estimateLogPartition(betas: AIS.schedule(.linear(2_000)), chains: 200, rng: &rng)
        #expect(Swift.abs(ais.logPartition - brute) < 0.1, "AIS \(ais.logPartition) vs exact \(brute)")
    }

    @Test func lowerBoundIsBelowTheExactLogLikelihood() throws {
        let dbm = tinyDBM(seed: 4)
        let logZ = bruteLogZ(dbm)
        let vs = [bits(0b101101, 6), bits(0b010011, 6)]
        let bound = dbm.variationalLowerBound(Tensor(vs.flatMap { $0.map(Float.init) }, shape: [2, 6]), logPartition: logZ)
        for (i, v) in vs.enumerated() {
            var terms: [Double] = []
            for a in 0..<32 { for b in 0..<16 { terms.append(negativeEnergy(dbm, [v, bits(a, 5), bits(b, 4)])) } }
            let m = terms.max()!
            let exact = m + log(terms.map { exp($0 - m) }.reduce(0, +)) - logZ
            #expect(bound[i] <= exact + 1e-5, "bound \(bound[i]) above log p(v) = \(exact)")
            #expect(bound[i] > exact - 3, "the mean-field bound should not be loose by nats on this tiny model")
        }
    }

    @Test func pretrainingAndTrainingLearnBars() {
        var pixels: [Float] = []
        for i in 0..<200 { let row = i % 4; for y in 0..<4 { for _ in 0..<4 { pixels.append(y == row ? 1 : 0) } } }
        let x = Tensor(pixels, shape: [200, 16])
        var rng = RandomGenerator(seed: 5)
        let dbm = DBM(layers: [16, 12, 8], rng: &rng)
        func error() -> Float {
            let r = dbm.visibleProbabilities(dbm.meanField(x)[0])
            return ((r - x) * (r - x)).sum().item / 200
        }
        let before = error()
        dbm.pretrain(x, epochs: 30, learningRate: 0.1, batchSize: 20, rng: &rng)
        let pretrained = error()
        for _ in 0..<30 {
            for indices in MiniBatches(count: 200, batchSize: 20, shuffle: &rng) {
                dbm.train(x.gatherRows(indices), learningRate: 0.02, chainCount: 50, rng: &rng)
            }
        }
        let trained = error()
        #expect(pretrained < before / 2, "pretraining: \(before) → \(pretrained)")
        #expect(trained < before / 2, "training: \(before) → \(trained)")
        let samples = dbm.sample(8, steps: 50, rng: &rng)
        #expect(samples.shape == [8, 16] && samples.minValue() >= 0 && samples.maxValue() <= 1)
        #expect(dbm.projectedFilters(layer: 2).shape == [8, 16])
    }
}

import Foundation
import Testing
@testable import Latent

/// FactorVAE: the permuted codes, the discriminator's total-correlation estimate, and a tiny model that learns.
@Suite struct FactorVAETests {
    static func correlation(_ z: Tensor, _ a: Int, _ b: Int) -> Double {
        let (n, d) = (z.shape[0], z.shape[1])
        let v = z.scalars.map(Double.init)
        let x = (0..<n).map { v[$0 * d + a] }, y = (0..<n).map { v[$0 * d + b] }
        let (mx, my) = (x.reduce(0, +) / Double(n), y.reduce(0, +) / Double(n))
        let cov = zip(x, y).map { ($0 - mx) * ($1 - my) }.reduce(0, +)
        let sx = x.map { ($0 - mx) * ($0 - mx) }.reduce(0, +).squareRoot(), sy = y.map { ($0 - my) * ($0 - my) }.reduce(0, +).squareRoot()
        return cov / (sx * sy)
    }

    /// [n, 2] codes: z₀ ~ N(0, 1) and z₁ = z₀ + 0.1 ε (correlated), or two independent N(0, 1.01).
    static func codes(_ n: Int, correlated: Bool, rng: inout RandomGenerator) -> Tensor {
        var values: [Float] = []
        for _ in 0..<n {
            let a = rng.nextNormal(), e = rng.nextNormal()
            values += correlated ? [a, a + 0.1 * e] : [a * 1.005, e * 1.005]
        }
        return Tensor(values, shape: [n, 2])
    }

    @Test func permutingKeepsEachMarginalAndBreaksTheCorrelation() {
        var rng = RandomGenerator(seed: 1)
        let z = Self.codes(2_000, correlated: true, rng: &rng)
        #expect(Self.correlation(z, 0, 1) > 0.99)
        let p = FactorVAE.permuteDimensions(z, rng: &rng)
        #expect(p.shape == z.shape)
        for j in 0..<2 {
            let before = (0..<2_000).map { z.scalars[$0 * 2 + j] }.sorted(), after = (0..<2_000).map { p.scalars[$0 * 2 + j] }.sorted()
            #expect(before == after, "dimension \(j) keeps its values")
        }
        #expect(abs(Self.correlation(p, 0, 1)) < 0.1, "\(Self.correlation(p, 0, 1))")
    }

    @Test func theDiscriminatorTellsCorrelatedCodesFromIndependentOnes() {
        var rng = RandomGenerator(seed: 2)
        let vae = VAE(VAEArchitecture(body: .mlp, imageShape: [1, 4, 4], latent: 2, hidden: [8]), rng: &rng)
        let model = FactorVAE(vae, discriminatorHidden: [32, 32], gamma: 10, optimizer: OptimizerOptions(),
                              discriminatorLearningRate: 2e-3, rng: &rng)
        // D learns q(z) = correlated codes against their permutation (independent, same marginals).
        for _ in 0..<300 {
            let joint = Self.codes(128, correlated: true, rng: &rng)
            let permuted = FactorVAE.permuteDimensions(Self.codes(128, correlated: true, rng: &rng), rng: &rng)
            model.discriminatorStep(joint: joint, permuted: permuted)
        }
        let correlated = withoutGradient { model.totalCorrelation(Self.codes(1_000, correlated: true, rng: &rng)).item }
        let independent = withoutGradient { model.totalCorrelation(Self.codes(1_000, correlated: false, rng: &rng)).item }
        // The true TC of the correlated pair is −½ log(1 − ρ²) ≈ 2.3 nats; of the independent pair 0.
        #expect(correlated > 0.5, "TC estimate on correlated codes: \(correlated)")
        #expect(independent < 0, "TC estimate on independent codes: \(independent)")
    }

    @Test func aTinyFactorVAELearnsAndItsStateRoundTrips() throws {
        // Binary shapes: a −ELBO far above its floor at the start (the fixture's grey planes start near theirs).
        let tmp = TempFolder()
        _ = try SyntheticShapes.synthesize(.init(size: 32, count: 200, seed: 4, antialiased: false), into: tmp.file("shapes"))
        var options = DataOptions(source: tmp.file("shapes"))
        options.validation = 0
        let data = try PreparedData.load(options)
        let config = try testConfig("factor-vae", data: data, [("latent", "2"), ("hidden", "16"), ("d-hidden", "16"), ("lr", "3e-3"), ("batch", "16")])
        let model = try buildModel(config, as: FactorVAEModel.self)
        #expect(model.latentSize == 2 && model.options.gamma == 10)
        var rng = RandomGenerator(seed: 3)
        let test = data.test.flatImages
        let before = model.validate(test, labels: data.test.labels, rng: &rng)[0].1
        var last: [(String, Double)] = []
        for _ in 0..<10 {
            for batch in MiniBatches(count: data.train.count, batchSize: 16, shuffle: &rng) {
                last = try model.trainStep(data.trainingBatch(batch, rng: &rng), labels: [], epoch: 1, rng: &rng)
            }
        }
        #expect(last.map(\.0) == ["loss", "reconstruction", "kl", "tc", "d_loss", "d_accuracy"])
        #expect(last.allSatisfy { $0.1.isFinite })
        let after = model.validate(test, labels: data.test.labels, rng: &rng)[0].1
        #expect(after < before / 2, "−ELBO \(before) → \(after)")

        let copy = try buildModel(config, as: FactorVAEModel.self, seed: 9)
        try copy.loadModelState(model.modelState())
        try copy.loadOptimizerState(model.optimizerState())
        expectClose(try copy.encode(test, labels: []), try model.encode(test, labels: []), tolerance: 0)
        #expect(copy.model.discriminatorOptimizer.stateDict().keys.sorted() == model.model.discriminatorOptimizer.stateDict().keys.sorted())
        #expect(model.modelState().keys.contains { $0.hasPrefix("discriminator.") } && model.modelState().keys.contains { $0.hasPrefix("vae.") })
        var wrong = model.optimizerState()
        wrong["generator.step"] = Tensor([1])
        expectLatentError(["neither the VAE nor the discriminator"]) { try copy.loadOptimizerState(wrong) }
        let metrics = model.likelihoodMetrics(test, labels: [], nllSamples: 5, rng: &rng).map(\.0)
        #expect(metrics == ["neg_elbo", "reconstruction", "kl", "is_nll"])
    }
}

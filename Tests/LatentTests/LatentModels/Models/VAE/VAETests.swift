import Foundation
import Testing
@testable import Latent

@Suite struct VAETests {
    /// Bars data: each image has one bright row.
    func bars(_ n: Int) -> Tensor {
        var pixels: [Float] = []
        for i in 0..<n { let row = i % 6; for y in 0..<6 { for _ in 0..<6 { pixels.append(y == row ? 1 : 0) } } }
        return Tensor(pixels, shape: [n, 36])
    }

    func trained(prior: PriorKind = .standard, likelihood: Likelihood = .bernoulli, steps: Int = 300) -> VAE {
        var rng = RandomGenerator(seed: 1)
        let vae = VAE(VAEArchitecture(body: .mlp, imageShape: [1, 6, 6], latent: 2, hidden: [32], likelihood: likelihood,
                                      prior: prior, components: 3), rng: &rng)
        let adam = Adam(vae.parameters(), learningRate: 3e-3)
        let x = bars(120)
        for _ in 0..<steps {
            for indices in MiniBatches(count: 120, batchSize: 40, shuffle: &rng) {
                let t = vae.negativeELBO(x.gatherRows(indices), rng: &rng)
                adam.zeroGrad(); t.objective.backward(); adam.step()
            }
        }
        return vae
    }

    @Test func importanceSamplingTightensTheBound() {
        let vae = trained(steps: 60)
        let x = bars(60)
        var rng = RandomGenerator(seed: 2)
        func mean(_ v: [Double]) -> Double { v.reduce(0, +) / Double(v.count) }
        var elboSum = 0.0
        for _ in 0..<20 { elboSum += Double(withoutGradient { vae.negativeELBO(x, rng: &rng).loss.item }) }
        let negELBO = elboSum / 20
        let k1 = mean(vae.importanceSampledNLL(x, samples: 1, rng: &rng))
        let k10 = mean(vae.importanceSampledNLL(x, samples: 10, rng: &rng))
        let k200 = mean(vae.importanceSampledNLL(x, samples: 200, rng: &rng))
        #expect(Swift.abs(k1 - negELBO) < 0.05 * Swift.abs(negELBO) + 0.5, "K = 1 is the single-sample ELBO")
        #expect(k10 <= k1 && k200 <= k10, "NLL estimates must not grow with K: \(k1), \(k10), \(k200)")
        #expect(k200 <= negELBO)
    }

    @Test func everyPriorAndLikelihoodLearnsBars() {
        for prior in PriorKind.allCases {
            let vae = trained(prior: prior, steps: 80)
            var rng = RandomGenerator(seed: 3)
            let loss = Double(withoutGradient { vae.negativeELBO(bars(60), rng: &rng).loss.item })
            // Untrained, the Bernoulli ELBO is about 36·log 2 ≈ 25 nats; the bars have log2(6) ≈ 1.8 bits of content.
            #expect(loss < 8, "prior \(prior): negative ELBO \(loss)")
            let samples = vae.meanImage(vae.decode(vae.samplePrior(12, rng: &rng)))
            #expect(samples.shape == [12, 36] && samples.minValue() >= 0 && samples.maxValue() <= 1)
        }
        for likelihood in [Likelihood.gaussian, .gaussianLearned, .categorical] {
            let vae = trained(likelihood: likelihood, steps: 40)
            var rng = RandomGenerator(seed: 4)
            let t = withoutGradient { vae.negativeELBO(bars(60), rng: &rng) }
            #expect(t.loss.item.isFinite, "\(likelihood)")
            #expect(vae.meanImage(vae.decode(vae.encode(bars(6)).mean)).shape == [6, 36])
        }
    }

    @Test func conditionalVAEDrawsTheAskedClass() {
        var rng = RandomGenerator(seed: 5)
        let vae = VAE(VAEArchitecture(body: .mlp, imageShape: [1, 6, 6], latent: 2, hidden: [32], conditionalClasses: 6), rng: &rng)
        let adam = Adam(vae.parameters(), learningRate: 3e-3)
        let x = bars(120), labels = (0..<120).map { $0 % 6 }
        for _ in 0..<80 {
            for indices in MiniBatches(count: 120, batchSize: 40, shuffle: &rng) {
                let t = vae.negativeELBO(x.gatherRows(indices), classes: indices.map { labels[$0] }, rng: &rng)
                adam.zeroGrad(); t.objective.backward(); adam.step()
            }
        }
        // Samples of class c light up row c.
        for c in 0..<6 {
            let s = vae.meanImage(vae.decode(vae.samplePrior(10, rng: &rng), classes: Array(repeating: c, count: 10)))
            let rowMeans = (0..<6).map { r in s.reshaped([10, 6, 6]).narrow(axis: 1, start: r, length: 1).mean().item }
            #expect(rowMeans.firstIndex(of: rowMeans.max()!) == c, "class \(c): row brightness \(rowMeans)")
        }
    }

    @Test func convVAEShapesAndGradientsFlow() {
        var rng = RandomGenerator(seed: 6)
        let vae = VAE(VAEArchitecture(body: .conv, imageShape: [1, 8, 8], latent: 3), rng: &rng)
        let x = Tensor.uniform([4, 64], rng: &rng)
        let t = vae.negativeELBO(x, rng: &rng)
        t.objective.backward()
        #expect(vae.parameters().allSatisfy { $0.grad != nil })
        #expect(vae.decode(Tensor.zeros([2, 3])).shape == [2, 1, 64])
    }
}

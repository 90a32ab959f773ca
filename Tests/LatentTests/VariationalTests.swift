import Foundation
import Testing
@testable import Latent

@Suite struct DistributionTests {
    @Test func gaussianLogDensityMatchesTheFormula() {
        let x = randomTensor([3, 4], seed: 1), m = randomTensor([3, 4], seed: 2), v = randomTensor([3, 4], seed: 3)
        let got = DiagonalGaussian.logDensity(x, mean: m, logVariance: v).scalars
        for i in 0..<3 {
            var want = 0.0
            for j in 0..<4 {
                let variance = exp(Double(v[i, j]))
                want += -0.5 * log(2 * Double.pi * variance) - pow(Double(x[i, j] - m[i, j]), 2) / (2 * variance)
            }
            #expect(Swift.abs(Double(got[i]) - want) < 1e-4)
        }
        let std = DiagonalGaussian.standardLogDensity(x).scalars
        let viaGeneral = DiagonalGaussian.logDensity(x, mean: Tensor.zeros([3, 4]), logVariance: Tensor.zeros([3, 4])).scalars
        for (a, b) in zip(std, viaGeneral) { #expect(Swift.abs(a - b) < 1e-5) }
    }

    @Test func analyticKLAgreesWithMonteCarlo() {
        // KL(q ‖ N(0, I)) = E_q[log q(z) - log p(z)], estimated with 200,000 draws.
        let mean = Tensor([0.5, -1, 0.2], shape: [1, 3]), logVar = Tensor([-0.5, 0.3, -1.2], shape: [1, 3])
        let analytic = Double(DiagonalGaussian.klToStandardNormal(mean: mean, logVariance: logVar).item)
        var rng = RandomGenerator(seed: 4)
        let n = 200_000
        let means = mean.gatherRows(Array(repeating: 0, count: n)), logVars = logVar.gatherRows(Array(repeating: 0, count: n))
        let (z, _) = DiagonalGaussian.sample(mean: means, logVariance: logVars, rng: &rng)
        let estimate = (DiagonalGaussian.logDensity(z, mean: means, logVariance: logVars) - DiagonalGaussian.standardLogDensity(z)).scalars
        let mc = estimate.map(Double.init).reduce(0, +) / Double(n)
        #expect(Swift.abs(mc - analytic) < 0.01, "Monte Carlo \(mc) vs analytic \(analytic)")
    }

    @Test func mixtureMatchesBruteForce() {
        let z = randomTensor([5, 2], seed: 5, low: -2, high: 2)
        let means = randomTensor([3, 2], seed: 6), logVars = randomTensor([3, 2], seed: 7, low: -1, high: 0.5)
        let logits = Tensor([0.2, -1, 1.5])
        let got = MixtureOfGaussians.logDensity(z, means: means, logVariances: logVars, logits: logits).scalars
        let w = logits.scalars.map { exp(Double($0)) }
        let total = w.reduce(0, +)
        for i in 0..<5 {
            var p = 0.0
            for k in 0..<3 {
                var density = 1.0
                for j in 0..<2 {
                    let variance = exp(Double(logVars[k, j]))
                    density *= exp(-pow(Double(z[i, j] - means[k, j]), 2) / (2 * variance)) / sqrt(2 * Double.pi * variance)
                }
                p += w[k] / total * density
            }
            #expect(Swift.abs(Double(got[i]) - log(p)) < 1e-4)
        }
        // Sampling picks components by weight: the sample mean is the weighted mean of the means.
        var rng = RandomGenerator(seed: 8)
        let draws = MixtureOfGaussians.sample(100_000, means: means, logVariances: logVars, logits: logits, rng: &rng)
        let sampleMean = draws.mean(axis: 0).scalars
        for j in 0..<2 {
            let want = (0..<3).map { w[$0] / total * Double(means[$0, j]) }.reduce(0, +)
            #expect(Swift.abs(Double(sampleMean[j]) - want) < 0.02)
        }
    }

    @Test func bernoulliAndCategoricalLogProbabilities() {
        let logits = Tensor([0.3, -2], shape: [1, 2]), x = Tensor([1, 0], shape: [1, 2])
        let want = log(1 / (1 + exp(-0.3))) + log(1 - 1 / (1 + exp(2.0)))
        #expect(Swift.abs(Double(BernoulliDistribution.logProbability(logits: logits, x).item) - want) < 1e-5)
        // Categorical: [N=1, K=3, D=2], levels [2, 0].
        let c = Tensor([1, 0, 0.5, 2, 3, -1], shape: [1, 3, 2])
        let got = Double(CategoricalDistribution.logProbability(logits: c, levels: Tensor([2, 0], shape: [1, 2])).item)
        let p0 = 3 - log(exp(1.0) + exp(0.5) + exp(3.0)), p1 = 0 - log(exp(0.0) + exp(2.0) + exp(-1.0))
        #expect(Swift.abs(got - (p0 + p1)) < 1e-5)
        checkGradients([randomTensor([2, 3, 4], seed: 9)]) { $0[0].takeAlongAxis1(Tensor([0, 1, 2, 1, 2, 2, 0, 0], shape: [2, 4])) }
    }
}

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

@Suite struct PPCATests {
    @Test func logLikelihoodMatchesADirectGaussianEvaluation() throws {
        var rng = RandomGenerator(seed: 1)
        // 6-D data with a 2-D structure plus noise.
        let z = Tensor.normal([400, 2], rng: &rng)
        let mixing = Tensor.normal([2, 6], rng: &rng)
        let data = z.matmul(mixing) + Tensor.normal([400, 6], std: 0.3, rng: &rng) + 1
        let ppca = try ProbabilisticPCA.fit(data, latent: 2)
        // C = W Wᵀ + σ² I, evaluated directly through its eigen-decomposition.
        let w = ppca.loadings.scalars.map(Double.init)
        var c = [Double](repeating: 0, count: 36)
        for i in 0..<6 { for j in 0..<6 {
            c[i * 6 + j] = (0..<2).map { w[i * 2 + $0] * w[j * 2 + $0] }.reduce(0, +) + (i == j ? ppca.noiseVariance : 0)
        } }
        let (values, vectors) = try SymmetricEigen.decompose(c, n: 6)
        let logDet = values.map(log).reduce(0, +)
        let test = data.rows(0..<5)
        let got = ppca.logLikelihood(test)
        for i in 0..<5 {
            let d = (0..<6).map { Double(test[i, $0]) - ppca.mean[$0] }
            var maha = 0.0
            for k in 0..<6 {
                let p = (0..<6).map { vectors[$0 * 6 + k] * d[$0] }.reduce(0, +)
                maha += p * p / values[k]
            }
            let want = -0.5 * (6 * log(2 * Double.pi) + logDet + maha)
            #expect(Swift.abs(got[i] - want) < 1e-6 * Swift.max(1, Swift.abs(want)), "\(got[i]) vs \(want)")
        }
        // The noise variance is recovered (0.3² = 0.09).
        #expect(Swift.abs(ppca.noiseVariance - 0.09) < 0.02)
        // Reconstruction through the posterior mean beats the mean image.
        let rec = ppca.decode(ppca.posteriorMean(test))
        let errRec = ((rec - test) * (rec - test)).mean().item
        let errMean = ((test - Tensor(ppca.mean.map(Float.init))).pow(2)).mean().item
        #expect(errRec < errMean / 3)
    }
}

@Suite struct ELBOExplorerTests {
    @Test func integratedMarginalMatchesTheLinearGaussianClosedForm() {
        // x = θ z + ε, z ~ N(0,1), ε ~ N(0,1): p(x) = N(0, θ² + 1).
        for theta in [-2.0, 0.3, 1.7] {
            let model = OneDimensionalVAE(theta: theta, phi: 0.2, logEncoderVariance: -1)
            for x in [-3.0, 0.0, 0.8, 4.0] {
                let variance = theta * theta + 1
                let analytic = -0.5 * (log(2 * Double.pi * variance) + x * x / variance)
                #expect(Swift.abs(model.logMarginal(x) - analytic) < 1e-6, "θ \(theta), x \(x)")
            }
        }
    }

    @Test func elboEqualsLogLikelihoodExactlyAtTheTruePosterior() {
        // p(z|x) = N(θx/(θ²+1), 1/(θ²+1)); with that encoder the gap KL(q ‖ p(z|x)) is zero.
        let theta = 1.3
        let exact = OneDimensionalVAE(theta: theta, phi: theta / (theta * theta + 1), logEncoderVariance: log(1 / (theta * theta + 1)))
        let off = OneDimensionalVAE(theta: theta, phi: 0.1, logEncoderVariance: 0)
        for x in [-2.0, 0.5, 3.0] {
            #expect(Swift.abs(exact.elbo(x) - exact.logMarginal(x)) < 1e-6)
            #expect(off.elbo(x) < off.logMarginal(x) - 1e-3)
        }
    }

    @Test func trainingClosesTheGap() {
        let data = ELBOExplorer.data(count: 200, std: 2, seed: 1)
        let trace = ELBOExplorer.train(data: data, steps: 200, start: OneDimensionalVAE(theta: 0.2, phi: 0, logEncoderVariance: 0), seed: 2)
        #expect(trace.elbo.last! > trace.elbo.first! + 0.5)
        #expect(trace.logMarginal.last! - trace.elbo.last! < 0.02)
        #expect(zip(trace.logMarginal, trace.elbo).allSatisfy { $0 >= $1 - 1e-9 }, "the ELBO never exceeds log p(x)")
        // Maximum likelihood: θ² + 1 = the data's second moment.
        let moment = data.map { $0 * $0 }.reduce(0, +) / Double(data.count)
        #expect(Swift.abs(Swift.abs(trace.theta.last!) - (moment - 1).squareRoot()) < 0.1)
    }
}

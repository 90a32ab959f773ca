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

import Foundation
import Testing
@testable import Latent

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

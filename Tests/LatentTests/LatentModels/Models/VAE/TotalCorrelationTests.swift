import Foundation
import Testing
@testable import Latent

/// β-TCVAE (Chen et al. 2018): the KL split into index-code MI, total correlation and dimension-wise KL.
@Suite struct TotalCorrelationTests {
    /// Codes of `m` images in two dimensions with posterior σ: independent (each dimension its own draw) or
    /// correlated (both dimensions the same draw).
    func codes(_ m: Int, correlated: Bool, sigma: Float, seed: UInt64) -> (z: Tensor, mean: Tensor, logVariance: Tensor) {
        var rng = RandomGenerator(seed: seed)
        let a = Tensor.normal([m, 1], rng: &rng)
        let second = correlated ? a : Tensor.normal([m, 1], rng: &rng)
        let mean = Tensor.concatenate([a, second], axis: 1)
        let logVariance = Tensor.full([m, 2], 2 * Foundation.log(sigma))
        let (z, _) = DiagonalGaussian.sample(mean: mean, logVariance: logVariance, rng: &rng)
        return (z, mean, logVariance)
    }

    @Test func independentCodesHaveLittleTotalCorrelation() {
        let m = 400
        let independent = codes(m, correlated: false, sigma: 0.3, seed: 1)
        let correlated = codes(m, correlated: true, sigma: 0.3, seed: 1)
        let tcIndependent = VAE.klDecomposition(z: independent.z, mean: independent.mean, logVariance: independent.logVariance, datasetSize: m).totalCorrelation.item
        let tcCorrelated = VAE.klDecomposition(z: correlated.z, mean: correlated.mean, logVariance: correlated.logVariance, datasetSize: m).totalCorrelation.item
        // The aggregate of the correlated codes is about N(0, [[1.09, 1], [1, 1.09]]): TC = −½ log(1 − ρ²) ≈ 0.92 nats.
        #expect(tcCorrelated > 0.5, "correlated codes: TC \(tcCorrelated)")
        #expect(Swift.abs(tcIndependent) < 0.2 * tcCorrelated, "independent codes: TC \(tcIndependent) against \(tcCorrelated)")
    }

    /// A hand case of two images in two dimensions, each term computed in Double from its definition with the same
    /// (stratified minibatch) estimator; the three sum to the batch's mean of log q(z|x) − log p(z).
    @Test func theTermsMatchAHandCaseAndSumToTheKLEstimate() {
        let z: [[Double]] = [[0.3, -0.2], [1.1, 0.7]]
        let mu: [[Double]] = [[0.1, -0.4], [0.9, 1.0]]
        let lv: [[Double]] = [[-0.5, 0.2], [-1.0, -0.3]]
        let n = 50
        let tensor = { (v: [[Double]]) in Tensor(v.flatMap { $0.map(Float.init) }, shape: [2, 2]) }
        let d = VAE.klDecomposition(z: tensor(z), mean: tensor(mu), logVariance: tensor(lv), datasetSize: n)

        func logN(_ x: Double, _ m: Double, _ l: Double) -> Double { -0.5 * ((x - m) * (x - m) / Foundation.exp(l) + l + Foundation.log(2 * Double.pi)) }
        // q(zᵢ) ≈ (1/N) q(zᵢ|xᵢ) + (N−1)/(N(M−1)) Σ_{j≠i} q(zᵢ|xⱼ) with M = 2.
        func weight(_ i: Int, _ j: Int) -> Double { i == j ? 1 / Double(n) : Double(n - 1) / Double(n) }
        var (mi, tc, dim, kl) = (0.0, 0.0, 0.0, 0.0)
        for i in 0..<2 {
            let logQzx = (0..<2).map { logN(z[i][$0], mu[i][$0], lv[i][$0]) }.reduce(0, +)
            let logQz = Foundation.log((0..<2).map { j in weight(i, j) * Foundation.exp((0..<2).map { logN(z[i][$0], mu[j][$0], lv[j][$0]) }.reduce(0, +)) }.reduce(0, +))
            let logProduct = (0..<2).map { k in Foundation.log((0..<2).map { j in weight(i, j) * Foundation.exp(logN(z[i][k], mu[j][k], lv[j][k])) }.reduce(0, +)) }.reduce(0, +)
            let logPz = (0..<2).map { logN(z[i][$0], 0, 0) }.reduce(0, +)
            mi += (logQzx - logQz) / 2; tc += (logQz - logProduct) / 2; dim += (logProduct - logPz) / 2; kl += (logQzx - logPz) / 2
        }
        #expect(Swift.abs(Double(d.mutualInformation.item) - mi) < 1e-4, "MI \(d.mutualInformation.item) vs \(mi)")
        #expect(Swift.abs(Double(d.totalCorrelation.item) - tc) < 1e-4, "TC \(d.totalCorrelation.item) vs \(tc)")
        #expect(Swift.abs(Double(d.dimensionKL.item) - dim) < 1e-4, "dim-KL \(d.dimensionKL.item) vs \(dim)")
        let sum = Double(d.mutualInformation.item + d.totalCorrelation.item + d.dimensionKL.item)
        #expect(Swift.abs(sum - kl) < 1e-4, "MI + TC + dim-KL \(sum) vs the batch's KL estimate \(kl)")
    }

    /// The TC weight 1 is the plain VAE's objective; another weight adds (β − 1)·TC of the same draw; validation reports the split.
    @Test func theObjectiveAddsTheWeightedTotalCorrelation() throws {
        var rng = RandomGenerator(seed: 3)
        let vae = VAE(VAEArchitecture(body: .mlp, imageShape: [1, 3, 3], latent: 3, hidden: [8]), rng: &rng)
        var g = RandomGenerator(seed: 9)
        let x = Tensor.bernoulli(Tensor.full([16, 9], 0.5), rng: &g)
        var a = RandomGenerator(seed: 4), b = RandomGenerator(seed: 4), c = RandomGenerator(seed: 4)
        let plain = vae.negativeELBO(x, rng: &a)
        let one = vae.negativeELBO(x, tcWeight: 1, datasetSize: 100, rng: &b)
        let six = vae.negativeELBO(x, tcWeight: 6, datasetSize: 100, rng: &c)
        #expect(one.objective.item == plain.objective.item && one.loss.item == plain.loss.item)
        let expected = plain.objective.item + 5 * six.decomposition.totalCorrelation.item
        #expect(Swift.abs(six.objective.item - expected) < 1e-4)
        #expect(six.loss.item == plain.loss.item, "the loss stays the true −ELBO")

        var options = VAEModel.defaultOptions
        options.network.latent = 3
        options.network.hidden = [8]
        options.tcWeight = 6
        let model = try VAEModel(options: options, context: ModelContext(imageShape: [1, 3, 3]), rng: &rng)
        _ = try model.trainStep(x, labels: [], epoch: 1, rng: &rng)
        let names = model.validate(x, labels: [], rng: &rng).map(\.0)
        #expect(names.suffix(3) == ["mi", "tc", "dim_kl"])
        expectLatentError(["--tc-weight does nothing without --prior standard"]) { _ = try VAEModel.parseSettings(["--prior", "mog", "--tc-weight", "4"]) }
    }
}

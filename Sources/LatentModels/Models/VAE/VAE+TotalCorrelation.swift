import Foundation
import LatentTensor
import LatentNN

/// The KL term of a batch split as in β-TCVAE (Chen et al. 2018, "Isolating sources of disentanglement in
/// VAEs"), each a mean over the batch in nats per image:
/// E[KL(q(z|x) ‖ p(z))] = I_q(x; z) + KL(q(z) ‖ Πⱼ q(z_j)) + Σⱼ KL(q(z_j) ‖ p(z_j)),
/// the index-code mutual information, the total correlation and the dimension-wise KL.
/// Estimates on a batch: the three sum to the batch mean of log q(z|x) − log p(z) exactly.
public struct KLDecomposition {
    /// Index-code mutual information: mean of log q(z|x) − log q(z).
    public let mutualInformation: Tensor
    /// Total correlation: mean of log q(z) − Σⱼ log q(z_j).
    public let totalCorrelation: Tensor
    /// Dimension-wise KL: mean of Σⱼ log q(z_j) − log p(z).
    public let dimensionKL: Tensor
}

extension VAE {
    /// The β-TCVAE decomposition of a batch's KL for draws z ~ q(z|x) ([M, L]) and their posteriors (`mean`,
    /// `logVariance`, [M, L]) under p(z) = N(0, I). The aggregate posterior q(z) = (1/N) Σₙ q(z|xₙ) of a data set of
    /// N = `datasetSize` images is estimated from the minibatch by Chen et al.'s minibatch sampling in its stratified,
    /// weighted form: q(zᵢ) ≈ (1/N) q(zᵢ|xᵢ) + (N−1)/(N(M−1)) Σ_{j≠i} q(zᵢ|xⱼ), each image's own term weighted 1/N, the
    /// other images' standing for the rest of the data set; the same per dimension for the marginals q(z_{i,d}).
    /// When the batch is the whole data set (N = M) every weight is 1/M and the estimate is exact. (The shorter
    /// form log Σⱼ q(zᵢ|xⱼ) − log(N·M) would shift the total correlation by (L−1)·log N, so independent codes
    /// would show a large one.) Differentiable.
    ///
    /// ```swift
    /// let (z, _) = DiagonalGaussian.sample(mean: mu, logVariance: logVar, rng: &rng)
    /// let d = VAE.klDecomposition(z: z, mean: mu, logVariance: logVar, datasetSize: 60_000)
    /// print(d.mutualInformation.item, d.totalCorrelation.item, d.dimensionKL.item)
    /// ```
    public static func klDecomposition(z: Tensor, mean: Tensor, logVariance: Tensor, datasetSize: Int) -> KLDecomposition {
        let (m, l) = (z.shape[0], z.shape[1])
        precondition(mean.shape == [m, l] && logVariance.shape == [m, l], "klDecomposition: shapes \(z.shape), \(mean.shape), \(logVariance.shape)")
        let n = Double(Swift.max(datasetSize, m))
        // log of the weight of q(zᵢ|xⱼ) in the estimate of q(zᵢ): [M, M].
        let own = Float(-Foundation.log(n)), other = m > 1 ? Float(Foundation.log((n - 1) / (n * Double(m - 1)))) : 0
        let logWeights = Tensor((0..<(m * m)).map { $0 / m == $0 % m ? own : other }, shape: [m, m])
        // log q(z_{i,d} | x_j) for every pair (i, j) and dimension d: [M, M, L].
        let d = z.reshaped([m, 1, l]) - mean.reshaped([1, m, l])
        let lv = logVariance.reshaped([1, m, l])
        let pairs = ((d * d) * (-lv).exp() + lv + DiagonalGaussian.log2pi) * -0.5
        let logQzx = DiagonalGaussian.logDensity(z, mean: mean, logVariance: logVariance)
        let logQz = (pairs.sum(axis: 2) + logWeights).logSumExp(axis: 1)
        let logQProduct = (pairs + logWeights.reshaped([m, m, 1])).logSumExp(axis: 1).sum(axis: -1)
        let logPz = DiagonalGaussian.standardLogDensity(z)
        let count = Float(m)
        return KLDecomposition(mutualInformation: (logQzx - logQz).sum() / count,
                               totalCorrelation: (logQz - logQProduct).sum() / count,
                               dimensionKL: (logQProduct - logPz).sum() / count)
    }

    /// The β-TCVAE objective (standard prior): `negativeELBO`'s objective (β, free bits) plus (tcWeight − 1) times the
    /// total correlation estimated on the same draws, so the total correlation weighs `tcWeight` in all. The KL itself stays
    /// analytic, so tcWeight = 1 is the plain −ELBO (the estimated terms sum to its single-draw KL estimate, whose
    /// expectation is the analytic KL). The estimator's N is `datasetSize`.
    ///
    /// ```swift
    /// let t = vae.negativeELBO(batch, tcWeight: 6, datasetSize: 60_000, rng: &rng)
    /// t.objective.backward()
    /// print(t.decomposition.totalCorrelation.item)
    /// ```
    public func negativeELBO(_ x: Tensor, classes: [Int]? = nil, beta: Float = 1, freeBits: Float? = nil, tcWeight: Float,
                             datasetSize: Int, rng: inout RandomGenerator)
        -> (objective: Tensor, loss: Tensor, reconstruction: Tensor, kl: Tensor, decomposition: KLDecomposition) {
        precondition(prior.kind == .standard, "the total-correlation split needs the standard prior")
        let t = elboTerms(x, classes: classes, beta: beta, freeBits: freeBits, rng: &rng)
        let parts = VAE.klDecomposition(z: t.z, mean: t.mean, logVariance: t.logVariance, datasetSize: datasetSize)
        let objective = tcWeight == 1 ? t.objective : t.objective + parts.totalCorrelation * (tcWeight - 1)
        return (objective, t.loss, t.reconstruction, t.kl, parts)
    }
}

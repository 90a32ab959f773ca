import Foundation
import LatentTensor
import LatentNN

/// The terms of the importance-weighted bound of a batch, averaged over its
/// images (nats per image). `loss` is −IWAE_K, the quantity to minimise; the
/// others are means over all K·N draws: `negativeELBO` = −mean log w (an
/// unbiased estimate of the −ELBO), `reconstruction` = −mean log p(x|z) and
/// `kl` = mean (log q(z|x) − log p(z)).
public struct ImportanceWeightedTerms {
    public let loss: Tensor
    public let negativeELBO: Tensor
    public let reconstruction: Tensor
    public let kl: Tensor
}

extension VAE {
    /// The negative K-sample importance-weighted bound of Burda, Grosse & Salakhutdinov (2016),
    /// IWAE_K(x) = E[log (1/K) Σₖ wₖ] with wₖ = p(x|zₖ) p(zₖ) / q(zₖ|x), zₖ = μ + σ εₖ — the training objective of an IWAE.
    /// IWAE_1 is the ELBO and IWAE_K ≤ IWAE_{K+1} ≤ log p(x) in expectation. Its gradient through the
    /// reparameterised draws is the standard IWAE estimator: Σₖ w̃ₖ ∇ log wₖ with the self-normalised weights
    /// w̃ₖ = wₖ / Σⱼ wⱼ (the softmax of `logSumExp`'s pullback). The log-prior is per draw, so every prior works.
    /// K = 1 is `negativeELBO` itself (analytic KL for the standard prior), bit for bit.
    ///
    /// ```swift
    /// let t = vae.negativeIWAEBound(batch, samples: 5, rng: &rng)
    /// t.loss.backward()          // −IWAE_5, nats per image
    /// print(t.negativeELBO.item) // the −ELBO of the same draws
    /// ```
    public func negativeIWAEBound(_ x: Tensor, classes: [Int]? = nil, samples k: Int, rng: inout RandomGenerator) -> ImportanceWeightedTerms {
        precondition(k >= 1, "the importance-weighted bound needs at least one sample")
        if k == 1 {
            let t = negativeELBO(x, classes: classes, rng: &rng)
            return ImportanceWeightedTerms(loss: t.loss, negativeELBO: t.loss, reconstruction: t.reconstruction, kl: t.kl)
        }
        let logW = logImportanceWeights(x, classes: classes, samples: k, rng: &rng)
        let n = Float(x.shape[0]), draws = n * Float(k)
        let bound = logW.weights.logSumExp(axis: 0) - Float(Foundation.log(Double(k)))
        return ImportanceWeightedTerms(loss: -bound.sum() / n, negativeELBO: -logW.weights.sum() / draws,
                                       reconstruction: -logW.logLikelihood.sum() / draws, kl: logW.logRatio.sum() / draws)
    }

    /// log wₖ = log p(x|zₖ) + log p(zₖ) − log q(zₖ|x) for K reparameterised draws per image, shaped [K, N]
    /// (row k holds draw k of every image), with log p(x|z) and log q(z|x) − log p(z) per draw ([K·N], the same order).
    func logImportanceWeights(_ x: Tensor, classes: [Int]?, samples k: Int, rng: inout RandomGenerator)
        -> (weights: Tensor, logLikelihood: Tensor, logRatio: Tensor) {
        let n = x.shape[0]
        let (mean, logVariance) = encode(x, classes: classes)
        let replicate = (0..<k).flatMap { _ in Array(0..<n) }
        let repClasses = classes.map { cl in replicate.map { cl[$0] } }
        let lv = logVariance.gatherRows(replicate)
        let (z, eps) = DiagonalGaussian.sample(mean: mean.gatherRows(replicate), logVariance: lv, rng: &rng)
        let logLikelihood = logLikelihood(decode(z, classes: repClasses), x.gatherRows(replicate))
        let logPrior = prior.logDensity(z) { self.encode($0) }
        // log q(z|x) with z = μ + σε is -½ Σ (ε² + log 2π + log σ²): its gradient reaches μ and σ through z only.
        let logPosterior = ((eps * eps) + lv + DiagonalGaussian.log2pi).sum(axis: -1) * -0.5
        let logRatio = logPosterior - logPrior
        return ((logLikelihood - logRatio).reshaped([k, n]), logLikelihood, logRatio)
    }
}

import Foundation

extension MLPVAE {
    /// −log p(x) per image by importance sampling with K draws from q(z|x):
    /// log p(x) ≈ log (1/K) Σₖ p(x|zₖ) p(zₖ) / q(zₖ|x). An upper bound on the
    /// true NLL in expectation that tightens as K grows (Burda et al. 2016);
    /// K = 1 gives the negative ELBO with a single sample.
    ///
    /// ```swift
    /// let nll = vae.importanceSampledNLL(testImages, samples: 1000, rng: &rng)   // nats per image
    /// ```
    public func importanceSampledNLL(_ images: Tensor, samples k: Int, rng: inout RandomGenerator) -> [Double] {
        precondition(k >= 1, "importance sampling needs at least one sample")
        return withoutGradient {
            let n = images.shape[0]
            let chunk = Swift.max(1, 20_000 / k)
            let log2pi = Float(Foundation.log(2 * Double.pi))
            var out: [Double] = []
            out.reserveCapacity(n)
            var start = 0
            while start < n {
                let c = Swift.min(chunk, n - start)
                let x = images.rows(start..<(start + c))
                let (mean, logVariance) = encode(x)
                let replicate = (0..<k).flatMap { _ in Array(0..<c) }
                let mu = mean.gatherRows(replicate), lv = logVariance.gatherRows(replicate)
                let eps = Tensor.normal(mu.shape, rng: &rng)
                let z = mu + (lv * 0.5).exp() * eps
                let logLikelihood = -Loss.binaryCrossEntropyWithLogits(decode(z), targets: x.gatherRows(replicate), reduction: .none).sum(axis: 1)
                let logPrior = ((z * z) + log2pi).sum(axis: 1) * -0.5
                let logPosterior = ((eps * eps) + lv + log2pi).sum(axis: 1) * -0.5
                let logWeights = (logLikelihood + logPrior - logPosterior).reshaped([k, c])
                let logMarginal = logWeights.logSumExp(axis: 0) - Float(Foundation.log(Double(k)))
                out += logMarginal.scalars.map { -Double($0) }
                start += c
            }
            return out
        }
    }
}

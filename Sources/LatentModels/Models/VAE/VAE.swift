import Foundation
import LatentTensor
import LatentNN
import LatentData

/// A variational autoencoder: encoder q(z|x) = N(μ(x), diag σ²(x)), decoder
/// p(x|z) with a choice of likelihood, and a choice of prior p(z). Also the
/// conditional VAE, when the architecture has classes.
///
/// ```swift
/// var rng = RandomGenerator(seed: 0)
/// let arch = VAEArchitecture(body: .mlp, imageShape: [1, 28, 28], latent: 20, prior: .mog)
/// let vae = VAE(arch, rng: &rng)
/// let terms = vae.negativeELBO(batch, rng: &rng)   // nats per image
/// terms.loss.backward()
/// ```
public final class VAE: Module {
    public let architecture: VAEArchitecture
    public let encoder: Encoder
    public let decoder: Decoder
    public let prior: LatentPrior
    /// p(x|z) over pixels.
    public let pixels: PixelLikelihood

    public init(_ architecture: VAEArchitecture, dataRange: PixelRange = .unit, rng: inout RandomGenerator) {
        self.architecture = architecture
        pixels = PixelLikelihood(architecture, dataRange: dataRange)
        encoder = Encoder(architecture, outputs: 2 * architecture.latent, rng: &rng)
        decoder = Decoder(architecture, rng: &rng)
        prior = LatentPrior(architecture, dataRange: dataRange, rng: &rng)
        super.init()
    }

    public var latentSize: Int { architecture.latent }

    func oneHot(_ classes: [Int]?) -> Tensor? {
        guard let c = architecture.conditionalClasses else { return nil }
        guard let classes else { preconditionFailure("a conditional VAE needs the class of every image") }
        return Tensor.oneHot(classes, classes: c)
    }

    /// Posterior mean and log-variance, each [N, latent].
    public func encode(_ x: Tensor, classes: [Int]? = nil) -> (mean: Tensor, logVariance: Tensor) {
        let h = encoder(x, oneHot: oneHot(classes))
        let l = architecture.latent
        return (h.narrow(axis: 1, start: 0, length: l), h.narrow(axis: 1, start: l, length: l))
    }

    /// Likelihood parameters for codes z: [N, k, C·H·W].
    public func decode(_ z: Tensor, classes: [Int]? = nil) -> Tensor { decoder(z, oneHot: oneHot(classes)) }

    /// log p(x|z) per image for decoder outputs `parameters` and images `x` ([N, C·H·W]).
    public func logLikelihood(_ parameters: Tensor, _ x: Tensor) -> Tensor { pixels.logProbability(parameters, x) }

    /// The expected image under p(x|z), in the data range: [N, C·H·W].
    public func meanImage(_ parameters: Tensor) -> Tensor { pixels.mean(parameters) }

    /// The terms of the negative ELBO, averaged over the batch (nats per image),
    /// with one reparameterised sample per image. KL is analytic for the
    /// standard prior and a single-sample estimate log q(z|x) - log p(z) otherwise.
    /// `beta` weights the KL in `objective` (the quantity to minimise); `loss`
    /// is always the true negative ELBO.
    public func negativeELBO(_ x: Tensor, classes: [Int]? = nil, beta: Float = 1, rng: inout RandomGenerator)
        -> (objective: Tensor, loss: Tensor, reconstruction: Tensor, kl: Tensor) {
        let n = Float(x.shape[0])
        let (mean, logVariance) = encode(x, classes: classes)
        let (z, noise) = DiagonalGaussian.sample(mean: mean, logVariance: logVariance, rng: &rng)
        let reconstruction = -logLikelihood(decode(z, classes: classes), x).sum() / n
        let klPerImage: Tensor
        if prior.kind == .standard {
            klPerImage = DiagonalGaussian.klToStandardNormal(mean: mean, logVariance: logVariance)
        } else {
            // log q(z|x) with z = μ + σε is -½ Σ (ε² + log 2π + log σ²).
            let logQ = ((noise * noise) + logVariance + DiagonalGaussian.log2pi).sum(axis: -1) * -0.5
            klPerImage = logQ - prior.logDensity(z) { self.encode($0) }
        }
        let kl = klPerImage.sum() / n
        let loss = reconstruction + kl
        let objective = beta == 1 ? loss : reconstruction + kl * beta
        return (objective, loss, reconstruction, kl)
    }

    /// −log p(x) per image by importance sampling with K draws from q(z|x):
    /// log p(x) ≈ log (1/K) Σₖ p(x|zₖ) p(zₖ) / q(zₖ|x) (Burda et al. 2016).
    /// Its expectation bounds the true NLL from above and tightens as K grows;
    /// K = 1 is the single-sample negative ELBO.
    public func importanceSampledNLL(_ x: Tensor, classes: [Int]? = nil, samples k: Int, rng: inout RandomGenerator) -> [Double] {
        precondition(k >= 1, "importance sampling needs at least one sample")
        return withoutGradient {
            let n = x.shape[0]
            let chunk = Swift.max(1, 20_000 / (k * Swift.max(1, architecture.likelihood.parametersPerPixel / 8)))
            var out: [Double] = []
            out.reserveCapacity(n)
            var start = 0
            while start < n {
                let c = Swift.min(chunk, n - start)
                let xs = x.rows(start..<(start + c))
                let cls = classes.map { Array($0[start..<(start + c)]) }
                let (mean, logVariance) = encode(xs, classes: cls)
                let replicate = (0..<k).flatMap { _ in Array(0..<c) }
                let repClasses = cls.map { cl in replicate.map { cl[$0] } }
                let mu = mean.gatherRows(replicate), lv = logVariance.gatherRows(replicate)
                let (z, eps) = DiagonalGaussian.sample(mean: mu, logVariance: lv, rng: &rng)
                let logLikelihood = logLikelihood(decode(z, classes: repClasses), xs.gatherRows(replicate))
                let logPrior = prior.logDensity(z) { self.encode($0) }
                let logPosterior = ((eps * eps) + lv + DiagonalGaussian.log2pi).sum(axis: -1) * -0.5
                let logWeights = (logLikelihood + logPrior - logPosterior).reshaped([k, c])
                let logMarginal = logWeights.logSumExp(axis: 0) - Float(Foundation.log(Double(k)))
                out += logMarginal.scalars.map { -Double($0) }
                start += c
            }
            return out
        }
    }

    /// Codes drawn from the prior: [count, latent].
    public func samplePrior(_ count: Int, rng: inout RandomGenerator) -> Tensor {
        withoutGradient { prior.sample(count, latent: latentSize, encoder: { self.encode($0) }, rng: &rng) }
    }
}

import Foundation
import LatentTensor
import LatentNN
import LatentData
import LatentOutput

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
    /// `beta` weights the KL in `objective` (the quantity to minimise) and
    /// `freeBits` (standard prior only) floors each dimension's batch-mean KL
    /// there (`freeBitsKL`); `loss` is always the true negative ELBO.
    public func negativeELBO(_ x: Tensor, classes: [Int]? = nil, beta: Float = 1, freeBits: Float? = nil, rng: inout RandomGenerator)
        -> (objective: Tensor, loss: Tensor, reconstruction: Tensor, kl: Tensor) {
        let t = elboTerms(x, classes: classes, beta: beta, freeBits: freeBits, rng: &rng)
        return (t.objective, t.loss, t.reconstruction, t.kl)
    }

    /// `negativeELBO` with the draw z and the posterior it came from, for terms computed on the same draw (β-TCVAE).
    func elboTerms(_ x: Tensor, classes: [Int]?, beta: Float, freeBits: Float?, rng: inout RandomGenerator)
        -> (objective: Tensor, loss: Tensor, reconstruction: Tensor, kl: Tensor, z: Tensor, mean: Tensor, logVariance: Tensor) {
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
        let objective: Tensor
        if let freeBits, prior.kind == .standard {
            objective = reconstruction + VAE.freeBitsKL(mean: mean, logVariance: logVariance, freeBits: freeBits) * beta
        } else {
            objective = beta == 1 ? loss : reconstruction + kl * beta
        }
        return (objective, loss, reconstruction, kl, z, mean, logVariance)
    }

    /// KL(q(z_d|x) ‖ N(0, 1)) of every row and dimension: [N, L].
    public static func klPerDimension(mean: Tensor, logVariance: Tensor) -> Tensor {
        (mean * mean + logVariance.exp() - logVariance - 1) * 0.5
    }

    /// The free-bits KL term (Kingma et al. 2016, "Improved variational inference with inverse autoregressive flow"):
    /// Σ_d max(λ, KL_d) with KL_d the batch mean of dimension d's KL to N(0, 1). A dimension under λ gets no
    /// gradient; one above it gets the plain KL's.
    ///
    /// ```swift
    /// let term = VAE.freeBitsKL(mean: mu, logVariance: logVar, freeBits: 0.25)   // a scalar, nats per image
    /// ```
    public static func freeBitsKL(mean: Tensor, logVariance: Tensor, freeBits: Float) -> Tensor {
        klPerDimension(mean: mean, logVariance: logVariance).mean(axis: 0).clamped(min: freeBits).sum()
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

/// The posterior-collapse diagnostic of a VAE on a set of images: the active
/// units of Burda et al. (2016) — dimension d is active when Cov_x(E_q[z_d|x]),
/// the variance over the images of its posterior mean, exceeds 0.01 — and the
/// KL to N(0, 1) of each dimension, averaged over the images. Accumulated one
/// mini-batch at a time.
///
/// ```swift
/// var collapse = PosteriorCollapse(latent: 20)
/// collapse.add(means: mu, klPerDimension: VAE.klPerDimension(mean: mu, logVariance: logVar))
/// print(collapse.activeUnits, collapse.klPerDimension)
/// ```
public struct PosteriorCollapse: Sendable, Equatable {
    /// Burda et al.'s threshold on the variance of the posterior mean.
    public static let threshold = 0.01
    public let latent: Int
    public private(set) var count = 0
    var sums: [Double], squares: [Double], kl: [Double]
    /// Whether a KL per dimension was added (priors other than N(0, I) have none).
    public private(set) var hasKL = false

    public init(latent: Int) {
        self.latent = latent
        sums = Array(repeating: 0, count: latent)
        squares = sums
        kl = sums
    }

    /// Posterior means [N, L] of N more images and, when the prior is N(0, I), their KL per dimension [N, L].
    public mutating func add(means: Tensor, klPerDimension: Tensor?) {
        precondition(means.rank == 2 && means.shape[1] == latent, "PosteriorCollapse: means \(means.shape) for \(latent) dimensions")
        let m = means.detached().scalars
        for (i, v) in m.enumerated() {
            let d = i % latent
            sums[d] += Double(v)
            squares[d] += Double(v) * Double(v)
        }
        if let klPerDimension {
            hasKL = true
            for (i, v) in klPerDimension.detached().scalars.enumerated() { kl[i % latent] += Double(v) }
        }
        count += means.shape[0]
    }

    /// Variance over the images of each dimension's posterior mean.
    public var activity: [Double] {
        guard count > 0 else { return Array(repeating: 0, count: latent) }
        let n = Double(count)
        return (0..<latent).map { Swift.max(0, squares[$0] / n - (sums[$0] / n) * (sums[$0] / n)) }
    }

    /// Dimensions whose posterior mean varies more than `threshold` over the images.
    public var activeUnits: Int { activity.filter { $0 > Self.threshold }.count }

    /// Mean KL per dimension (nats per image), or nil without one.
    public var klPerDimension: [Double]? {
        guard hasKL, count > 0 else { return nil }
        return kl.map { $0 / Double(count) }
    }

    /// One progress line when some dimensions are inactive, else nil.
    public var warning: String? {
        let active = activeUnits
        guard count > 0, active < latent else { return nil }
        return "posterior collapse in \(latent - active) of \(latent) latent dimensions (active units \(active): Cov_x E[z_d|x] > \(Self.threshold)); see plots/kl-per-dimension.svg"
    }

    /// The end-of-run figure: KL per dimension (or, without a KL per dimension, the posterior means' variance),
    /// sorted from the largest, each bar named by its dimension, the inactive ones in grey.
    public var chart: BarChart {
        let values = klPerDimension ?? activity
        let active = activity.map { $0 > Self.threshold }
        var chart = BarChart(title: klPerDimension == nil ? "Variance of the posterior mean per latent dimension" : "KL per latent dimension (validation)",
                             xLabel: "latent dimension, sorted (grey: inactive)", yLabel: klPerDimension == nil ? "Cov_x E[z_d|x]" : "nats per image")
        for d in values.indices.sorted(by: { values[$0] > values[$1] }) {
            chart.add("\(d + 1)", value: values[d], highlighted: active[d])
        }
        return chart
    }
}

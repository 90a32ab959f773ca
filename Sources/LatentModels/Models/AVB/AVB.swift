import Foundation
import LatentTensor
import LatentNN
import LatentData

/// Adversarial Variational Bayes (Mescheder, Nowozin & Geiger 2017): a VAE
/// whose encoder q(z|x) is implicit (z = f(x, ε), no density) and whose KL term
/// is estimated by a discriminator T(x, z) trained with the logistic loss to
/// tell (x, z ~ q(z|x)) from (x, z ~ p(z)), p = N(0, I). At T's optimum
/// T*(x, z) = log q(z|x) − log p(z), so E_q[T] is KL(q(z|x) ‖ p(z)) and the
/// encoder and decoder maximise E_q[log p(x|z) − T(x, z)] (the paper's
/// Algorithm 1, without its adaptive contrast). The decoder and the pixel
/// likelihood are the VAE's, built from the same `VAEArchitecture`.
///
/// ```swift
/// var rng = RandomGenerator(seed: 0)
/// let arch = VAEArchitecture(body: .mlp, imageShape: [1, 28, 28], latent: 8, hidden: [256])
/// let avb = AVB(arch, rng: &rng)
/// let z = avb.sampleCodes(x, rng: &rng)                  // [N, 8] from q(z|x)
/// let kl = avb.discriminator(x, z).mean()                // E_q[T], the KL estimate
/// ```
public final class AVB: Module {
    public let architecture: VAEArchitecture
    public let encoder: ImplicitEncoder
    public let decoder: Decoder
    public let discriminator: AdversaryT
    /// p(x|z) over pixels (the VAE's).
    public let pixels: PixelLikelihood

    public init(_ architecture: VAEArchitecture, dataRange: PixelRange = .unit, rng: inout RandomGenerator) {
        precondition(architecture.body == .mlp && architecture.conditionalClasses == nil && architecture.prior == .standard,
                     "AVB has MLP networks, no classes and the standard normal prior")
        self.architecture = architecture
        pixels = PixelLikelihood(architecture, dataRange: dataRange)
        encoder = ImplicitEncoder(pixels: architecture.pixelCount, noise: architecture.latent, hidden: architecture.hidden,
                                  latent: architecture.latent, rng: &rng)
        decoder = Decoder(architecture, rng: &rng)
        discriminator = AdversaryT(pixels: architecture.pixelCount, latent: architecture.latent, hidden: architecture.hidden, rng: &rng)
        super.init()
    }

    public var latentSize: Int { architecture.latent }

    /// One draw z ~ q(z|x) per row of `x`: [N, latent].
    public func sampleCodes(_ x: Tensor, rng: inout RandomGenerator) -> Tensor {
        encoder(x, noise: Tensor.normal([x.shape[0], encoder.noiseSize], rng: &rng))
    }

    /// The mean of `draws` codes z ~ q(z|x) per row: [N, latent].
    public func meanCode(_ x: Tensor, draws: Int, rng: inout RandomGenerator) -> Tensor {
        withoutGradient {
            let n = x.shape[0]
            let z = sampleCodes(x.gatherRows((0..<draws).flatMap { _ in Array(0..<n) }), rng: &rng)
            return z.reshaped([draws, n, latentSize]).mean(axis: 0)
        }
    }

    /// The terms of the encoder/decoder objective on one draw z ~ q(z|x) per image,
    /// averaged over the batch (nats per image): reconstruction −log p(x|z), the
    /// KL estimate T(x, z), and their sum (the −ELBO with T in place of the KL).
    /// `codes` are the draws, detached, for the discriminator's step.
    public func objective(_ x: Tensor, rng: inout RandomGenerator) -> (loss: Tensor, reconstruction: Tensor, kl: Tensor, codes: Tensor) {
        let n = Float(x.shape[0])
        let z = sampleCodes(x, rng: &rng)
        let reconstruction = -pixels.logProbability(decoder(z), x).sum() / n
        let kl = discriminator(x, z).sum() / n
        return (reconstruction + kl, reconstruction, kl, z.detached())
    }

    /// T's logistic loss: the mean of BCE(T(x, z_q), 1) and BCE(T(x, z_p), 0), so
    /// ln 2 ≈ 0.693 when T cannot tell the two apart. Also returns the two terms.
    public func discriminatorLoss(_ x: Tensor, posterior zq: Tensor, prior zp: Tensor) -> (loss: Tensor, posterior: Tensor, prior: Tensor) {
        let q = discriminator(x, zq), p = discriminator(x, zp)
        let lq = Loss.binaryCrossEntropyWithLogits(q, targets: Tensor.ones(q.shape))
        let lp = Loss.binaryCrossEntropyWithLogits(p, targets: Tensor.zeros(p.shape))
        return ((lq + lp) * 0.5, lq, lp)
    }

    /// Decoder means for codes: [N, C·H·W] in the data range.
    public func meanImage(_ z: Tensor) -> Tensor { pixels.mean(decoder(z)) }

    /// log p(x|z) + log p(z) per row, for codes `z` [M, latent] and images `x` [M, D].
    public func logJoint(_ z: Tensor, _ x: Tensor) -> Tensor {
        pixels.logProbability(decoder(z), x) + DiagonalGaussian.standardLogDensity(z)
    }

    /// −log p(x) per image by importance sampling with a proposal fitted to q: see
    /// `FittedProposal.negativeLogLikelihood`. q(z|x) has no density, so it cannot be the
    /// proposal itself.
    public func importanceSampledNLL(_ x: Tensor, samples k: Int, proposal: FittedProposal = FittedProposal(),
                                     rng: inout RandomGenerator) -> [Double] {
        withoutGradient {
            proposal.negativeLogLikelihood(x, samples: k, draw: { xs, r in self.sampleCodes(xs, rng: &r) },
                                           logJoint: { z, xs in self.logJoint(z, xs) }, rng: &rng)
        }
    }
}

/// Importance sampling of log p(x) = log ∫ p(x|z) p(z) dz with, for each image,
/// a proposal built from a diagonal Gaussian moment-matched to `draws` samples of
/// an implicit posterior (mean and per-dimension variance): an equal mixture of
/// that Gaussian with its standard deviations multiplied by each of `widenings`.
/// log p(x) ≈ log (1/K) Σₖ p(x|zₖ) p(zₖ) / r(zₖ|x), with the K draws split evenly
/// over the components and r the whole mixture's density (multiple importance
/// sampling with the balance heuristic). The estimate of p(x) is unbiased for any
/// proposal, so −log of it bounds the NLL from above in expectation (as the VAE's
/// IS-NLL does) and a better proposal only tightens it. The wide components guard
/// against a q narrower than the true posterior, which an adversarially trained
/// encoder tends to be: on MNIST (3 epochs) a single Gaussian widened ×1.2 gave
/// 181.2 nats where ×4 gave 171.5 on the same images; the mixture needs no
/// single width to be right.
///
/// ```swift
/// let nll = FittedProposal(draws: 128, widenings: [1, 2, 4])
///     .negativeLogLikelihood(x, samples: 1_000, draw: { xs, r in avb.sampleCodes(xs, rng: &r) },
///                            logJoint: { z, xs in avb.logJoint(z, xs) }, rng: &rng)
/// ```
public struct FittedProposal: Sendable {
    /// Draws of q(z|x) per image that the proposal is fitted to.
    public var draws: Int
    /// Factors on the fitted standard deviations, one mixture component each.
    public var widenings: [Float]
    /// Smallest fitted standard deviation, so a near-deterministic q still gives a density.
    public var minimumStd: Float

    public init(draws: Int = 128, widenings: [Float] = [1, 2, 4], minimumStd: Float = 1e-3) {
        precondition(draws >= 2 && !widenings.isEmpty && widenings.allSatisfy { $0 > 0 } && minimumStd > 0,
                     "a fitted proposal needs at least two draws and positive scales")
        self.draws = draws
        self.widenings = widenings
        self.minimumStd = minimumStd
    }

    /// The moment-matched Gaussian per row of `x` (before widening): means and standard deviations, each [N, L].
    public func fit(_ x: Tensor, draw: (Tensor, inout RandomGenerator) -> Tensor, rng: inout RandomGenerator) -> (mean: Tensor, std: Tensor) {
        let n = x.shape[0]
        let z = draw(x.gatherRows((0..<draws).flatMap { _ in Array(0..<n) }), &rng)
        let l = z.shape[1]
        let stacked = z.reshaped([draws, n, l])
        let mean = stacked.mean(axis: 0)
        let centred = stacked - mean.reshaped([1, n, l])
        let std = (centred * centred).mean(axis: 0).sqrt().clamped(min: minimumStd)
        return (mean, std)
    }

    /// log r(z) of the mixture for rows whose standardised squared distance Σ((z − μ)/σ)² is `q`
    /// and whose Σ log σ is `logScale`, in `l` dimensions; `share[s]` is the fraction of draws from component s.
    func logMixture(_ q: Double, logScale: Double, l: Int, share: [Double]) -> Double {
        var terms: [Double] = []
        terms.reserveCapacity(widenings.count)
        for (s, w) in widenings.enumerated() where share[s] > 0 {
            let width = Double(w)
            terms.append(Foundation.log(share[s]) - 0.5 * q / (width * width) - Double(l) * Foundation.log(width) - logScale
                         - 0.5 * Double(l) * Double(DiagonalGaussian.log2pi))
        }
        let top = terms.max()!
        return top + Foundation.log(terms.reduce(0) { $0 + Foundation.exp($1 - top) })
    }

    /// −log p(x) per row of `x` [N, D] with `samples` draws of the fitted proposal per image.
    /// `draw` gives one z ~ q(z|x) per row; `logJoint(z, x)` gives log p(x|z) + log p(z) per row.
    public func negativeLogLikelihood(_ x: Tensor, samples k: Int, draw: (Tensor, inout RandomGenerator) -> Tensor,
                                      logJoint: (Tensor, Tensor) -> Tensor, rng: inout RandomGenerator) -> [Double] {
        precondition(k >= 1, "importance sampling needs at least one sample")
        let n = x.shape[0]
        let chunk = Swift.max(1, 20_000 / Swift.max(k, draws))
        var out: [Double] = []
        out.reserveCapacity(n)
        var start = 0
        while start < n {
            let c = Swift.min(chunk, n - start)
            let xs = x.rows(start..<(start + c))
            let (mean, std) = fit(xs, draw: draw, rng: &rng)
            let l = mean.shape[1]
            let replicate = (0..<k).flatMap { _ in Array(0..<c) }
            let mu = mean.gatherRows(replicate), sd = std.gatherRows(replicate)
            // Draw j of every image comes from component j mod S.
            let components = widenings.count
            let width = Tensor((0..<k).flatMap { j in Array(repeating: widenings[j % components], count: c) }, shape: [k * c, 1])
            let eps = Tensor.normal(mu.shape, rng: &rng) * width
            let z = mu + sd * eps
            let share = (0..<components).map { s in Double((0..<k).filter { $0 % components == s }.count) / Double(k) }
            let squared = (eps * eps).sum(axis: -1).scalars, logScale = sd.log().sum(axis: -1).scalars
            let logProposal = Tensor((0..<(k * c)).map { Float(logMixture(Double(squared[$0]), logScale: Double(logScale[$0]), l: l, share: share)) },
                                     shape: [k * c])
            let logWeights = (logJoint(z, xs.gatherRows(replicate)) - logProposal).reshaped([k, c])
            let logMarginal = logWeights.logSumExp(axis: 0) - Float(Foundation.log(Double(k)))
            out += logMarginal.scalars.map { -Double($0) }
            start += c
        }
        return out
    }
}

import Foundation
import LatentTensor
import LatentNN

/// FactorVAE (Kim & Mnih 2018, "Disentangling by factorising"): a VAE whose
/// objective adds γ times an estimate of the total correlation
/// TC(z) = KL(q(z) ‖ Π_d q(z_d)) of its codes. A discriminator D on codes tells
/// samples of q(z) (codes of a batch) from samples of Π_d q(z_d) (the same codes
/// with each dimension permuted across the batch, `permuteDimensions`); with D
/// its probability of "from q(z)", TC ≈ E_q[log D(z) − log(1 − D(z))], which is
/// D's logit. The VAE and D take turns, each with its own optimizer (D: Adam with
/// β = (0.5, 0.9)); D is frozen while the VAE steps, as a GAN's D is during G's step.
///
/// ```swift
/// var rng = RandomGenerator(seed: 0)
/// let arch = VAEArchitecture(body: .mlp, imageShape: [1, 32, 32], latent: 10)
/// let model = FactorVAE(VAE(arch, rng: &rng), discriminatorHidden: [512, 512], gamma: 10,
///                       optimizer: OptimizerOptions(), discriminatorLearningRate: 1e-4, rng: &rng)
/// let stats = model.step(batch, rng: &rng)   // stats.totalCorrelation, stats.discriminatorAccuracy
/// ```
public final class FactorVAE {
    public let vae: VAE
    /// Codes [N, latent] → one logit of "drawn from q(z)".
    public let discriminator: Sequential
    public let vaeOptimizer: any Optimizer
    public let discriminatorOptimizer: Adam
    public var gamma: Float
    let optimizerOptions: OptimizerOptions
    let discriminatorParameters: [Parameter]

    public init(_ vae: VAE, discriminatorHidden: [Int], gamma: Float, optimizer: OptimizerOptions,
                discriminatorLearningRate: Float, rng: inout RandomGenerator) {
        self.vae = vae
        self.gamma = gamma
        var layers: [any Layer] = []
        var width = vae.latentSize
        for h in discriminatorHidden {
            layers += [Linear(width, h, rng: &rng), LeakyReLU(0.2)]
            width = h
        }
        layers.append(Linear(width, 1, rng: &rng))
        discriminator = Sequential(layers)
        discriminatorParameters = discriminator.parameters()
        optimizerOptions = optimizer
        vaeOptimizer = optimizer.make(vae.parameters())
        discriminatorOptimizer = Adam(discriminatorParameters, learningRate: discriminatorLearningRate, beta1: 0.5, beta2: 0.9)
    }

    /// Each column of `z` [N, D] permuted across the rows on its own: the same marginal
    /// per dimension, the dependence between dimensions broken (samples of Π_d q(z_d)).
    ///
    /// ```swift
    /// let product = FactorVAE.permuteDimensions(codes, rng: &rng)
    /// ```
    public static func permuteDimensions(_ z: Tensor, rng: inout RandomGenerator) -> Tensor {
        precondition(z.rank == 2, "permuteDimensions: codes must be [N, D], got \(z.shape)")
        let (n, d) = (z.shape[0], z.shape[1])
        let values = z.detached().scalars
        var out = [Float](repeating: 0, count: n * d)
        for j in 0..<d {
            let order = rng.permutation(n)
            for i in 0..<n { out[i * d + j] = values[order[i] * d + j] }
        }
        return Tensor(out, shape: [n, d])
    }

    /// D's estimate of the total correlation of the codes `z`: the mean logit log D(z) − log(1 − D(z)), nats.
    public func totalCorrelation(_ z: Tensor) -> Tensor { discriminator(z).mean() }

    /// The terms of one step.
    public struct StepStats: Sendable {
        /// The true negative ELBO, its reconstruction and KL terms (nats per image).
        public let loss: Float, reconstruction: Float, kl: Float
        /// D's total-correlation estimate on the batch's codes (nats).
        public let totalCorrelation: Float
        /// D's cross-entropy, ½(BCE on q(z) codes + BCE on permuted codes): ln 2 ≈ 0.693 at chance.
        public let discriminatorLoss: Float
        /// D's share of codes told right (q(z) vs permuted).
        public let discriminatorAccuracy: Float
    }

    /// Negative ELBO (one reparameterised sample, analytic KL to N(0, I)) of `x` and the codes drawn.
    func elbo(_ x: Tensor, rng: inout RandomGenerator) -> (loss: Tensor, reconstruction: Tensor, kl: Tensor, z: Tensor) {
        let n = Float(x.shape[0])
        let (mean, logVariance) = vae.encode(x)
        let (z, _) = DiagonalGaussian.sample(mean: mean, logVariance: logVariance, rng: &rng)
        let reconstruction = -vae.logLikelihood(vae.decode(z), x).sum() / n
        let kl = DiagonalGaussian.klToStandardNormal(mean: mean, logVariance: logVariance).sum() / n
        return (reconstruction + kl, reconstruction, kl, z)
    }

    /// One VAE step on `x` (negative ELBO + γ·TC, D frozen), then one D step: the codes of the
    /// batch's first half as q(z) samples against the dimension-wise permuted codes of its second half.
    public func step(_ x: Tensor, rng: inout RandomGenerator) -> StepStats {
        let terms = elbo(x, rng: &rng)
        for p in discriminatorParameters { p.isFrozen = true }
        let tc = totalCorrelation(terms.z)
        for p in discriminatorParameters { p.isFrozen = false }
        let objective = gamma == 0 ? terms.loss : terms.loss + tc * gamma
        vaeOptimizer.zeroGrad()
        objective.backward()
        optimizerOptions.clip(vaeOptimizer.parameters)
        vaeOptimizer.step()

        let codes = terms.z.detached()
        let n = codes.shape[0]
        let half = n >= 2 ? n / 2 : n
        let joint = codes.rows(0..<half)
        let permuted = FactorVAE.permuteDimensions(n >= 2 ? codes.rows(half..<n) : codes, rng: &rng)
        let (d, accuracy) = discriminatorStep(joint: joint, permuted: permuted)
        return StepStats(loss: terms.loss.item, reconstruction: terms.reconstruction.item, kl: terms.kl.item,
                         totalCorrelation: tc.item, discriminatorLoss: d, discriminatorAccuracy: accuracy)
    }

    /// One Adam step of D: codes `joint` (label 1) against `permuted` (label 0); returns its loss and accuracy.
    @discardableResult
    public func discriminatorStep(joint: Tensor, permuted: Tensor) -> (loss: Float, accuracy: Float) {
        let realLogits = discriminator(joint), fakeLogits = discriminator(permuted)
        let loss = (Loss.binaryCrossEntropyWithLogits(realLogits, targets: Tensor.ones(realLogits.shape))
                    + Loss.binaryCrossEntropyWithLogits(fakeLogits, targets: Tensor.zeros(fakeLogits.shape))) * 0.5
        discriminatorOptimizer.zeroGrad()
        loss.backward()
        discriminatorOptimizer.step()
        let right = realLogits.detached().scalars.filter { $0 > 0 }.count + fakeLogits.detached().scalars.filter { $0 <= 0 }.count
        return (loss.item, Float(right) / Float(realLogits.shape[0] + fakeLogits.shape[0]))
    }
}

import Foundation
import LatentTensor
import LatentNN
import LatentData

/// The semi-supervised VAE "M2" of Kingma, Rezende, Mohamed & Welling (2014),
/// "Semi-supervised learning with deep generative models": a classifier
/// q(y|x), an encoder q(z|x, y) = N(μ(x, y), diag σ²(x, y)) and a decoder
/// p(x|y, z), with p(y) uniform over K classes and p(z) = N(0, I).
///
/// For a labelled image the loss is the negative ELBO of (x, y),
/// L(x, y) = −E_q(z|x,y)[log p(x|y, z)] + KL(q(z|x, y) ‖ p(z)) − log p(y).
/// For an unlabelled one it is U(x) = Σ_y q(y|x) L(x, y) − H(q(y|x)), the
/// negative ELBO of x alone with q(y, z|x) = q(y|x) q(z|x, y). Training adds
/// α times the classifier's cross-entropy on the labelled images, so that
/// q(y|x) learns from the labels as well as from U.
///
/// The labelled images live in the model (buffers, so checkpoints keep them):
/// `chooseLabelled` picks them once, at the start of a run.
///
/// ```swift
/// var rng = RandomGenerator(seed: 0)
/// let m2 = M2(VAEArchitecture(body: .mlp, imageShape: [1, 28, 28], latent: 50, hidden: [500], conditionalClasses: 10),
///             labelled: 100, rng: &rng)
/// let u = m2.unlabelledLoss(batch, rng: &rng)          // [B] nats per image
/// let l = m2.labelledLoss(batch, classes: labels, rng: &rng)
/// ```
public final class M2: Module {
    /// Encoder and decoder shape; `conditionalClasses` is K.
    public let architecture: VAEArchitecture
    /// q(y|x): an MLP with the architecture's hidden widths, to K logits.
    public let classifier: Sequential
    /// q(z|x, y): means and log-variances of the one-hot-conditioned encoder.
    public let encoder: Encoder
    /// p(x|y, z).
    public let decoder: Decoder
    public let pixels: PixelLikelihood
    /// The labelled training images [n, C·H·W] and their classes [n] (−1: slot unused).
    let labelledImages: Buffer
    let labelledClasses: Buffer
    /// α, fixed when the labelled images are chosen ([1]; 0 before).
    let alphaValue: Buffer

    public init(_ architecture: VAEArchitecture, labelled: Int, dataRange: PixelRange = .unit, rng: inout RandomGenerator) {
        precondition(architecture.body == .mlp, "M2 has MLP networks")
        guard let k = architecture.conditionalClasses, k >= 2 else { preconditionFailure("M2 needs conditionalClasses ≥ 2") }
        self.architecture = architecture
        var layers: [any Layer] = []
        var width = architecture.pixelCount
        for h in architecture.hidden {
            layers.append(Linear(width, h, rng: &rng))
            layers.append(ReLU())
            width = h
        }
        layers.append(Linear(width, k, rng: &rng))
        classifier = Sequential(layers)
        encoder = Encoder(architecture, outputs: 2 * architecture.latent, rng: &rng)
        decoder = Decoder(architecture, rng: &rng)
        pixels = PixelLikelihood(architecture, dataRange: dataRange)
        labelledImages = Buffer(Tensor.zeros([labelled, architecture.pixelCount]))
        labelledClasses = Buffer(Tensor(shape: [labelled], repeating: -1))
        alphaValue = Buffer(Tensor.zeros([1]))
        super.init()
    }

    public var classes: Int { architecture.conditionalClasses! }
    public var latentSize: Int { architecture.latent }

    /// Logits of q(y|x): [N, K].
    public func classify(_ x: Tensor) -> Tensor { classifier(x) }

    /// Posterior mean and log-variance of q(z|x, y), each [N, latent].
    public func encode(_ x: Tensor, classes y: [Int]) -> (mean: Tensor, logVariance: Tensor) {
        let h = encoder(x, oneHot: Tensor.oneHot(y, classes: classes))
        let l = latentSize
        return (h.narrow(axis: 1, start: 0, length: l), h.narrow(axis: 1, start: l, length: l))
    }

    /// Likelihood parameters of p(x|y, z): [N, k, C·H·W].
    public func decode(_ z: Tensor, classes y: [Int]) -> Tensor { decoder(z, oneHot: Tensor.oneHot(y, classes: classes)) }

    /// L(x, y) per image [N] with one reparameterised sample of z, and its reconstruction and KL terms.
    public func labelledTerms(_ x: Tensor, classes y: [Int], rng: inout RandomGenerator)
        -> (loss: Tensor, reconstruction: Tensor, kl: Tensor) {
        let (mean, logVariance) = encode(x, classes: y)
        let (z, _) = DiagonalGaussian.sample(mean: mean, logVariance: logVariance, rng: &rng)
        let reconstruction = -pixels.logProbability(decode(z, classes: y), x)
        let kl = DiagonalGaussian.klToStandardNormal(mean: mean, logVariance: logVariance)
        // −log p(y) = log K for the uniform p(y).
        return (reconstruction + kl + Float(Foundation.log(Double(classes))), reconstruction, kl)
    }

    /// L(x, y) per image: [N].
    public func labelledLoss(_ x: Tensor, classes y: [Int], rng: inout RandomGenerator) -> Tensor {
        labelledTerms(x, classes: y, rng: &rng).loss
    }

    /// U(x) per image [N]: every image paired with every class (one batch of N·K rows), then
    /// `marginalise`d with q(y|x).
    public func unlabelledLoss(_ x: Tensor, rng: inout RandomGenerator) -> Tensor {
        let n = x.shape[0], k = classes
        let rows = (0..<k).flatMap { _ in Array(0..<n) }            // row c·N + i is image i with class c
        let ys = (0..<k).flatMap { c in Array(repeating: c, count: n) }
        let losses = labelledLoss(x.gatherRows(rows), classes: ys, rng: &rng).reshaped([k, n]).transposed()   // [N, K]
        return M2.marginalise(logits: classify(x), negativeELBOs: losses)
    }

    /// Σ_y q(y|x) L(x, y) − H(q(y|x)) = Σ_y q(y|x) (L(x, y) + log q(y|x)) per row, for classifier logits [N, K]
    /// and negative ELBOs L [N, K]: the sum over y of the unlabelled loss, differentiable in both.
    public static func marginalise(logits: Tensor, negativeELBOs: Tensor) -> Tensor {
        let logQ = logits.logSoftmax(axis: 1)
        return (logQ.exp() * (negativeELBOs + logQ)).sum(axis: 1)
    }

    /// The training objective on an unlabelled batch and a labelled one, each term a mean over its batch:
    /// mean U + mean L + α · mean cross-entropy of q(y|x). Without labelled rows only mean U.
    public func objective(unlabelled x: Tensor, labelled: (images: Tensor, classes: [Int])?, alpha: Float, rng: inout RandomGenerator)
        -> (objective: Tensor, unlabelled: Tensor, labelled: Tensor?, crossEntropy: Tensor?) {
        let u = unlabelledLoss(x, rng: &rng).mean()
        guard let labelled, !labelled.classes.isEmpty else { return (u, u, nil, nil) }
        let l = labelledLoss(labelled.images, classes: labelled.classes, rng: &rng).mean()
        let ce = Loss.crossEntropy(classify(labelled.images), labels: labelled.classes)
        return (u + l + ce * alpha, u, l, ce)
    }

    // MARK: the labelled images

    /// Indices of `count` labelled rows, balanced over the classes (class sizes differ by at most one where the
    /// data allow), chosen by `rng`. Fewer when the data have fewer rows.
    ///
    /// ```swift
    /// M2.chooseLabelled(labels: [0, 1, 0, 1, 2, 2], classes: 3, count: 3, rng: &rng)   // one row of each class
    /// ```
    public static func chooseLabelled(labels: [Int], classes: Int, count: Int, rng: inout RandomGenerator) -> [Int] {
        var byClass = Array(repeating: [Int](), count: classes)
        for i in rng.permutation(labels.count) where labels[i] >= 0 && labels[i] < classes { byClass[labels[i]].append(i) }
        let order = rng.permutation(classes)   // which classes get the extra one when count is not a multiple of K
        var chosen: [Int] = [], round = 0
        while chosen.count < count {
            var took = false
            for c in order where chosen.count < count && round < byClass[c].count {
                chosen.append(byClass[c][round])
                took = true
            }
            if !took { break }
            round += 1
        }
        return chosen.sorted()
    }

    /// Keeps the images and classes of the labelled rows and fixes α (`alpha`, or the default for
    /// `trainingCount` training images).
    public func keepLabelled(images: Tensor, classes y: [Int], alpha: Float?, trainingCount: Int) {
        let capacity = labelledClasses.value.count
        precondition(y.count <= capacity && images.shape[0] == y.count)
        var stored = Tensor.zeros([capacity, architecture.pixelCount])
        if !y.isEmpty {
            stored = Tensor.concatenate([images.detached(), Tensor.zeros([capacity - y.count, architecture.pixelCount])], axis: 0)
        }
        labelledImages.value = stored
        labelledClasses.value = Tensor(y.map(Float.init) + Array(repeating: -1, count: capacity - y.count))
        alphaValue.value = Tensor([alpha ?? M2.defaultAlpha(trainingCount: trainingCount, labelled: Swift.max(1, y.count))])
    }

    /// α = 0.1·N/n. The paper weighs the cross-entropy with α = 0.1·N beside the labelled ELBO summed over the n
    /// labelled images; training here draws a labelled batch at every step, so the labelled terms come N/n times as
    /// often as in that sum, and 0.1·N/n keeps the paper's ratio of the cross-entropy to the labelled ELBO.
    public static func defaultAlpha(trainingCount: Int, labelled: Int) -> Float {
        0.1 * Float(trainingCount) / Float(labelled)
    }

    /// The kept labelled rows: images [m, C·H·W] and classes.
    public var labelled: (images: Tensor, classes: [Int]) {
        let classes = labelledClasses.value.scalars.map { Int($0) }
        let m = classes.firstIndex(of: -1) ?? classes.count
        return (labelledImages.value.rows(0..<m), Array(classes[0..<m]))
    }

    /// α as fixed by `keepLabelled` (0 before).
    public var alpha: Float { alphaValue.value.scalars[0] }
}

import Foundation
import LatentTensor
import LatentNN
import LatentData
import LatentOutput

/// The `m2` family: the semi-supervised VAE (`M2`) trained with `--labelled n`
/// labels kept out of the training set's, the rest used without their label.
/// Every step takes the loop's mini-batch as unlabelled images and draws a
/// labelled batch of the same size (at most n) from the kept ones. Validation
/// reports the negative ELBO of x alone (`val_loss`, nats per image), the
/// accuracy of q(y|x) (`val_accuracy`) and the active latent units;
/// `latent evaluate` gives the test −ELBO and accuracy. Samples come one class
/// per row. Options: `M2Options`.
///
/// ```swift
/// var options = M2Model.defaultOptions
/// options.labelled = 100
/// let model = try M2Model(options: options, context: ModelContext(imageShape: [1, 28, 28], classCount: 10), rng: &rng)
/// try model.pretrain(data, rng: &rng)   // picks the labelled images (the trainer does this)
/// ```
public final class M2Model: TrainableModel, PretrainingModel, ConditionalSamplingModel, ReconstructingModel, LatentSpaceModel,
                            LikelihoodModel, DiagnosingModel, FigureSource {
    public static let family = "m2"
    public static let summary = "Semi-supervised VAE M2 (Kingma et al. 2014): classifier q(y|x), encoder q(z|x,y), decoder p(x|y,z); trains with --labelled labels."
    public static var defaultOptions: M2Options { M2Options() }
    public static var optionSpecs: [OptionSpec<M2Options>] { M2Options.specs }
    public static var primaryMetric: String { "val_accuracy" }

    public let m2: M2
    public let optimizer: any Optimizer
    public let options: M2Options
    let pixelRange: PixelRange
    let binarized: Bool
    /// The collapse diagnostic of the last validation (posterior means averaged over q(y|x)).
    public private(set) var lastCollapse: PosteriorCollapse?

    public init(options: M2Options, context: ModelContext, rng: inout RandomGenerator) throws {
        try Self.check(options)
        guard let classes = context.classCount, classes >= 2 else {
            throw LatentError.invalidArgument("m2 needs labelled data with at least two classes")
        }
        var architecture = try VAEArchitecture(body: .mlp, network: options.network, context: context)
        architecture.conditionalClasses = classes
        self.options = options
        pixelRange = context.pixelRange
        binarized = context.binarized
        m2 = M2(architecture, labelled: options.labelled, dataRange: context.pixelRange, rng: &rng)
        optimizer = options.optimizer.make(m2.parameters())
    }

    public static func migrate(_ legacy: LegacyOptions) throws -> M2Options {
        throw LatentError.invalidArgument("m2 runs were never written in the first config.json format")
    }

    public var latentSize: Int { m2.latentSize }
    public var conditionalClasses: Int? { m2.classes }

    /// Chooses the labelled images (balanced over the classes, by the run's generator) and fixes α.
    public func pretrain(_ data: PreparedData, rng: inout RandomGenerator) throws {
        let train = data.train
        guard train.hasLabels else { throw LatentError.invalidArgument("m2 needs the labels of the training images to keep --labelled of them") }
        let chosen = M2.chooseLabelled(labels: train.labels, classes: m2.classes, count: options.labelled, rng: &rng)
        m2.keepLabelled(images: train.rows(chosen), classes: chosen.map { train.labels[$0] },
                        alpha: options.classifierWeight, trainingCount: train.count)
    }

    public func trainStep(_ batch: Tensor, labels: [Int], epoch: Int, rng: inout RandomGenerator) throws -> [(String, Double)] {
        // `labels` are not used: the loop's batch is the unlabelled part.
        let kept = m2.labelled
        var labelled: (images: Tensor, classes: [Int])?
        if !kept.classes.isEmpty {
            let pick = Array(rng.permutation(kept.classes.count).prefix(Swift.min(kept.classes.count, batch.shape[0])))
            var images = kept.images.gatherRows(pick)
            if binarized { images = pixelRange.fromUnit(Tensor.bernoulli(pixelRange.toUnit(images), rng: &rng)) }
            labelled = (images, pick.map { kept.classes[$0] })
        }
        let terms = m2.objective(unlabelled: batch, labelled: labelled, alpha: m2.alpha, rng: &rng)
        optimizer.zeroGrad()
        terms.objective.backward()
        options.optimizer.clip(optimizer.parameters)
        optimizer.step()
        var metrics: [(String, Double)] = [("loss", Double(terms.objective.item)), ("unlabelled_neg_elbo", Double(terms.unlabelled.item))]
        if let l = terms.labelled, let ce = terms.crossEntropy {
            metrics += [("labelled_neg_elbo", Double(l.item)), ("cross_entropy", Double(ce.item))]
        }
        return metrics
    }

    /// −ELBO of x alone (U, nats per image), accuracy of q(y|x) and active units, with the collapse diagnostic kept.
    public func validate(_ images: Tensor, labels: [Int], rng: inout RandomGenerator) -> [(String, Double)] {
        withoutGradient {
            var loss = 0.0, correct = 0
            var collapse = PosteriorCollapse(latent: latentSize)
            let k = m2.classes
            for indices in MiniBatches(count: images.shape[0], batchSize: 200) {
                let x = images.gatherRows(indices), n = indices.count
                loss += Double(m2.unlabelledLoss(x, rng: &rng).sum().item)
                let logits = m2.classify(x)
                for (i, p) in logits.argmax(axis: 1).scalars.enumerated() where Int(p) == labels[indices[i]] { correct += 1 }
                // E_q[z|x] and the KL per dimension, each averaged over q(y|x).
                let q = logits.softmax(axis: 1).transposed().reshaped([k, n, 1])
                let rows = (0..<k).flatMap { _ in Array(0..<n) }
                let (mean, logVariance) = m2.encode(x.gatherRows(rows), classes: (0..<k).flatMap { Array(repeating: $0, count: n) })
                let means = (mean.reshaped([k, n, latentSize]) * q).sum(axis: 0)
                let kl = (VAE.klPerDimension(mean: mean, logVariance: logVariance).reshaped([k, n, latentSize]) * q).sum(axis: 0)
                collapse.add(means: means, klPerDimension: kl)
            }
            lastCollapse = collapse
            let n = Double(images.shape[0])
            return [("loss", loss / n), ("accuracy", Double(correct) / n), ("active_units", Double(collapse.activeUnits))]
        }
    }

    /// Test −ELBO of x alone (`neg_elbo`, nats per image) and the accuracy of q(y|x). No importance-sampled NLL.
    public func likelihoodMetrics(_ images: Tensor, labels: [Int], nllSamples: Int, rng: inout RandomGenerator) -> [(String, Double)] {
        validate(images, labels: labels, rng: &rng).filter { $0.0 != "active_units" }.map { ($0.0 == "loss" ? "neg_elbo" : $0.0, $0.1) }
    }

    public var charts: [(file: String, title: String, yLabel: String, keys: [String])] {
        [("loss", "Negative ELBO of unlabelled images", "nats per image", ["unlabelled_neg_elbo", "val_loss"]),
         ("accuracy", "Accuracy of q(y|x)", "fraction correct", ["val_accuracy"]),
         ("labelled", "Labelled terms", "nats per image", ["labelled_neg_elbo", "cross_entropy"]),
         ("active-units", "Active latent units (validation)", "units with Cov_x E[z_d|x] > 0.01", ["val_active_units"])]
    }

    public func diagnose(epoch: Int, metrics: [String: Double], rng: inout RandomGenerator) -> [String] {
        lastCollapse?.warning.map { [$0] } ?? []
    }

    public var figures: [(file: String, svg: String)] {
        lastCollapse.map { [("kl-per-dimension.svg", $0.chart.svg())] } ?? []
    }

    /// Classes in blocks, so 100 samples of 10 classes in 10 columns give one class per row.
    public func sample(_ count: Int, rng: inout RandomGenerator) -> Tensor {
        let k = m2.classes, perClass = Swift.max(1, count / k)
        return sample(count, classes: (0..<count).map { Swift.min($0 / perClass, k - 1) }, rng: &rng)
    }

    public func sample(_ count: Int, classes: [Int], rng: inout RandomGenerator) -> Tensor {
        withoutGradient { m2.pixels.mean(m2.decode(Tensor.normal([count, latentSize], rng: &rng), classes: classes)) }
    }

    /// The class q(y|x) finds most likely (the true labels are not used).
    public func predictedClasses(_ images: Tensor) -> [Int] {
        withoutGradient { m2.classify(images).argmax(axis: 1).scalars.map { Int($0) } }
    }

    /// Through the posterior mean of q(z|x, ŷ) with ŷ the predicted class.
    public func reconstruct(_ images: Tensor, labels: [Int], rng: inout RandomGenerator) throws -> Tensor {
        let y = predictedClasses(images)
        return withoutGradient { m2.pixels.mean(m2.decode(m2.encode(images, classes: y).mean, classes: y)) }
    }

    /// Posterior means of q(z|x, ŷ) with ŷ the predicted class.
    public func encode(_ images: Tensor, labels: [Int]) throws -> Tensor {
        let y = predictedClasses(images)
        return withoutGradient { m2.encode(images, classes: y).mean }
    }

    public func decode(_ codes: Tensor, labels: [Int]?) throws -> Tensor {
        guard let labels else { throw LatentError.invalidArgument("m2 decodes a code with a class: give a class (--class)") }
        return withoutGradient { m2.pixels.mean(m2.decode(codes, classes: labels)) }
    }

    public func modelState() -> [String: Tensor] { m2.stateDict() }
    public func loadModelState(_ state: [String: Tensor]) throws { try m2.loadStateDict(state) }
    public func optimizerState() -> [String: Tensor] { optimizer.stateDict() }
    public func loadOptimizerState(_ state: [String: Tensor]) throws { try optimizer.loadStateDict(state) }
}

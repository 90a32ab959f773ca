import Foundation
import LatentTensor
import LatentNN
import LatentData
import LatentOutput

/// The `vae` and `conv-vae` families: a `VAE` with its optimizer, β-weighted
/// KL with optional linear warm-up and free bits, the IWAE objective
/// (`--iw-samples`, `VAE+ImportanceWeighted.swift`) and the β-TCVAE one
/// (`--tc-weight`, `VAE+TotalCorrelation.swift`), and everything the commands
/// ask of it. Each validation also measures posterior collapse
/// (`PosteriorCollapse`): `val_active_units` per epoch, a progress warning when
/// some dimensions are inactive and plots/kl-per-dimension.svg.
/// Options: `VAEOptions`.
public class VAEModel: TrainableModel, SamplingModel, ReconstructingModel, LatentSpaceModel,
                       LikelihoodModel, FilterModel, ConditionalSamplingModel, DiagnosingModel, FigureSource {
    public class var family: String { "vae" }
    public class var summary: String { "Variational autoencoder with MLP encoder and decoder; three priors, four likelihoods, β, warm-up and free bits, IWAE and β-TCVAE objectives, conditional form." }
    public class var defaultOptions: VAEOptions { VAEOptions() }
    public class var optionSpecs: [OptionSpec<VAEOptions>] { VAEOptions.specs(mlp: true) }
    class var body: VAEArchitecture.Body { .mlp }

    public let vae: VAE
    public let optimizer: any Optimizer
    public let options: VAEOptions
    /// The collapse diagnostic of the last validation.
    public private(set) var lastCollapse: PosteriorCollapse?
    /// N of the β-TCVAE estimator: the training set's size (`ModelContext.trainingImages`), nil when unknown.
    let trainingImages: Int?

    public required init(options: VAEOptions, context: ModelContext, rng: inout RandomGenerator) throws {
        try Self.check(options)
        let architecture = try VAEArchitecture(body: Self.body, network: options.network, prior: options.prior, components: options.components,
                                               conditional: options.conditional, context: context)
        self.options = options
        trainingImages = context.trainingImages
        vae = VAE(architecture, dataRange: context.pixelRange, rng: &rng)
        optimizer = options.optimizer.make(vae.parameters())
    }

    public class func migrate(_ legacy: LegacyOptions) throws -> VAEOptions {
        var o = defaultOptions
        let m = legacy.model
        o.network = try legacy.networkOptions(o.network)
        o.prior = try legacy.choice(m.prior, "model.prior", default: .standard)
        o.components = o.prior == .standard ? nil : m.components
        o.beta = m.beta ?? o.beta
        o.warmup = m.warmup ?? o.warmup
        o.conditional = m.conditional ?? false
        o.optimizer = try legacy.optimizerOptions()
        return o
    }

    public var beta: Float { options.beta }
    public var warmupEpochs: Int { options.warmup }

    public var latentSize: Int { vae.latentSize }
    public var conditionalClasses: Int? { vae.architecture.conditionalClasses }
    var classesIfConditional: ([Int]) -> [Int]? { { self.conditionalClasses == nil ? nil : $0 } }

    /// β for an epoch (the schedule is per epoch, not per step): β·e/warmup in epoch e ≤ warmup, then β.
    public func klWeight(epoch: Int) -> Float {
        warmupEpochs == 0 ? beta : beta * Swift.min(1, Float(epoch) / Float(warmupEpochs))
    }

    /// K of the importance-weighted bound (1: the ELBO).
    public var importanceSamples: Int { options.iwSamples ?? 1 }

    public func trainStep(_ batch: Tensor, labels: [Int], epoch: Int, rng: inout RandomGenerator) throws -> [(String, Double)] {
        let classes = classesIfConditional(labels)
        if importanceSamples > 1 {
            let t = vae.negativeIWAEBound(batch, classes: classes, samples: importanceSamples, rng: &rng)
            step(t.loss)
            return [("loss", Double(t.loss.item)), ("neg_elbo", Double(t.negativeELBO.item)),
                    ("reconstruction", Double(t.reconstruction.item)), ("kl", Double(t.kl.item))]
        }
        let weight = klWeight(epoch: epoch)
        let terms: (objective: Tensor, loss: Tensor, reconstruction: Tensor, kl: Tensor)
        if let tcWeight = options.tcWeight {
            // N is the training set's size (the exact stratified estimator); a model built without its data uses the batch.
            let t = vae.negativeELBO(batch, classes: classes, beta: weight, freeBits: options.freeBits, tcWeight: tcWeight,
                                     datasetSize: trainingImages ?? batch.shape[0], rng: &rng)
            terms = (t.objective, t.loss, t.reconstruction, t.kl)
        } else {
            terms = vae.negativeELBO(batch, classes: classes, beta: weight, freeBits: options.freeBits, rng: &rng)
        }
        step(terms.objective)
        var metrics: [(String, Double)] = [("loss", Double(terms.loss.item)), ("reconstruction", Double(terms.reconstruction.item)),
                                           ("kl", Double(terms.kl.item))]
        if weight != 1 { metrics.append(("kl_weight", Double(weight))) }
        return metrics
    }

    func step(_ objective: Tensor) {
        optimizer.zeroGrad()
        objective.backward()
        options.optimizer.clip(optimizer.parameters)
        optimizer.step()
    }

    /// The −ELBO and its terms (analytic KL for the standard prior), active units and, for an IWAE, its
    /// bound (`loss`) beside the −ELBO (`neg_elbo`); for a β-TCVAE, the KL's split over the set (`mi`, `tc`, `dim_kl`).
    public func validate(_ images: Tensor, labels: [Int], rng: inout RandomGenerator) -> [(String, Double)] {
        var metrics = elboMetrics(images, labels: labels, rng: &rng)
        if importanceSamples > 1 {
            let bound = withoutGradient {
                var sum = 0.0
                for indices in MiniBatches(count: images.shape[0], batchSize: Swift.max(1, 500 / importanceSamples)) {
                    let cls = conditionalClasses == nil ? nil : indices.map { labels[$0] }
                    sum += Double(vae.negativeIWAEBound(images.gatherRows(indices), classes: cls, samples: importanceSamples, rng: &rng).loss.item)
                        * Double(indices.count)
                }
                return sum / Double(images.shape[0])
            }
            metrics = [("loss", bound), ("neg_elbo", metrics[0].1)] + metrics.dropFirst()
        }
        if options.tcWeight != nil && vae.prior.kind == .standard {
            let parts = withoutGradient {
                var sums = [0.0, 0.0, 0.0]
                for indices in MiniBatches(count: images.shape[0], batchSize: 500) {
                    let cls = conditionalClasses == nil ? nil : indices.map { labels[$0] }
                    let (mean, logVariance) = vae.encode(images.gatherRows(indices), classes: cls)
                    let (z, _) = DiagonalGaussian.sample(mean: mean, logVariance: logVariance, rng: &rng)
                    let d = VAE.klDecomposition(z: z, mean: mean, logVariance: logVariance, datasetSize: images.shape[0])
                    let n = Double(indices.count)
                    sums[0] += Double(d.mutualInformation.item) * n
                    sums[1] += Double(d.totalCorrelation.item) * n
                    sums[2] += Double(d.dimensionKL.item) * n
                }
                return sums.map { $0 / Double(images.shape[0]) }
            }
            metrics += [("mi", parts[0]), ("tc", parts[1]), ("dim_kl", parts[2])]
        }
        return metrics
    }

    /// The plain VAE's validation: −ELBO, reconstruction, KL and active units.
    func elboMetrics(_ images: Tensor, labels: [Int], rng: inout RandomGenerator) -> [(String, Double)] {
        withoutGradient {
            var sums = [0.0, 0.0, 0.0]
            var collapse = PosteriorCollapse(latent: latentSize)
            for indices in MiniBatches(count: images.shape[0], batchSize: 500) {
                let cls = conditionalClasses == nil ? nil : indices.map { labels[$0] }
                let x = images.gatherRows(indices)
                let t = vae.negativeELBO(x, classes: cls, rng: &rng)
                let n = Double(indices.count)
                sums[0] += Double(t.loss.item) * n; sums[1] += Double(t.reconstruction.item) * n; sums[2] += Double(t.kl.item) * n
                let (mean, logVariance) = vae.encode(x, classes: cls)
                collapse.add(means: mean, klPerDimension: vae.prior.kind == .standard ? VAE.klPerDimension(mean: mean, logVariance: logVariance) : nil)
            }
            let n = Double(images.shape[0])
            lastCollapse = collapse
            return [("loss", sums[0] / n), ("reconstruction", sums[1] / n), ("kl", sums[2] / n), ("active_units", Double(collapse.activeUnits))]
        }
    }

    public var charts: [(file: String, title: String, yLabel: String, keys: [String])] {
        var charts = [("loss", "Negative ELBO", "nats per image", ["loss", "val_loss"]),
                      ("terms", "Reconstruction and KL", "nats per image", ["reconstruction", "val_reconstruction", "kl", "val_kl"]),
                      ("active-units", "Active latent units (validation)", "units with Cov_x E[z_d|x] > 0.01", ["val_active_units"])]
        if importanceSamples > 1 {
            charts[0] = ("loss", "Negative IWAE bound (K = \(importanceSamples)) and negative ELBO", "nats per image",
                         ["loss", "val_loss", "neg_elbo", "val_neg_elbo"])
        }
        if options.tcWeight != nil {
            charts.append(("kl-decomposition", "KL split (validation): index-code MI, total correlation, dimension-wise KL", "nats per image",
                           ["val_mi", "val_tc", "val_dim_kl"]))
        }
        return charts
    }

    /// A warning when the last validation found inactive latent dimensions.
    public func diagnose(epoch: Int, metrics: [String: Double], rng: inout RandomGenerator) -> [String] {
        lastCollapse?.warning.map { [$0] } ?? []
    }

    /// plots/kl-per-dimension.svg from the last validation.
    public var figures: [(file: String, svg: String)] {
        lastCollapse.map { [("kl-per-dimension.svg", $0.chart.svg())] } ?? []
    }

    public func sample(_ count: Int, rng: inout RandomGenerator) -> Tensor {
        guard let c = conditionalClasses else {
            return withoutGradient { vae.meanImage(vae.decode(vae.samplePrior(count, rng: &rng))) }
        }
        // Conditional: classes in blocks, so a 10×10 grid of 10 classes has one class per row.
        let perClass = Swift.max(1, count / c)
        return sample(count, classes: (0..<count).map { Swift.min($0 / perClass, c - 1) }, rng: &rng)
    }

    public func sample(_ count: Int, classes: [Int], rng: inout RandomGenerator) -> Tensor {
        withoutGradient { vae.meanImage(vae.decode(vae.samplePrior(count, rng: &rng), classes: classes)) }
    }

    public func reconstruct(_ images: Tensor, labels: [Int], rng: inout RandomGenerator) throws -> Tensor {
        let classes = classesIfConditional(labels)
        return withoutGradient { vae.meanImage(vae.decode(vae.encode(images, classes: classes).mean, classes: classes)) }
    }

    public func encode(_ images: Tensor, labels: [Int]) throws -> Tensor {
        withoutGradient { vae.encode(images, classes: classesIfConditional(labels)).mean }
    }

    public func decode(_ codes: Tensor, labels: [Int]?) throws -> Tensor {
        if conditionalClasses != nil && labels == nil {
            throw LatentError.invalidArgument("this VAE is conditional: give a class (--class)")
        }
        return withoutGradient { vae.meanImage(vae.decode(codes, classes: labels.flatMap(classesIfConditional))) }
    }

    public func likelihoodMetrics(_ images: Tensor, labels: [Int], nllSamples: Int, rng: inout RandomGenerator) -> [(String, Double)] {
        // Active units count over the whole set, not a mean over batches: `latent train` reports them.
        // The ELBO as for any VAE, so an IWAE's test scores compare one to one with a VAE's.
        var metrics = elboMetrics(images, labels: labels, rng: &rng).filter { $0.0 != "active_units" }.map { ($0.0 == "loss" ? "neg_elbo" : $0.0, $0.1) }
        if nllSamples > 0 {
            let nll = vae.importanceSampledNLL(images, classes: classesIfConditional(labels), samples: nllSamples, rng: &rng)
            metrics.append(("is_nll", nll.reduce(0, +) / Double(nll.count)))
        }
        return metrics
    }

    public var filterLayers: Int { vae.architecture.body == .mlp ? 1 : 0 }

    /// The encoder's first-layer weights, one filter per hidden unit (MLP encoders).
    public func filters(layer: Int) throws -> Tensor {
        guard layer == 1, let first = vae.encoder.pixelLayer else {
            throw LatentError.invalidArgument("only the first layer of an MLP encoder has filters in pixel space")
        }
        return first.weight.value.detached().narrow(axis: 1, start: 0, length: vae.architecture.pixelCount)
    }

    public func modelState() -> [String: Tensor] { vae.stateDict() }
    public func loadModelState(_ state: [String: Tensor]) throws { try vae.loadStateDict(state) }
    public func optimizerState() -> [String: Tensor] { optimizer.stateDict() }
    public func loadOptimizerState(_ state: [String: Tensor]) throws { try optimizer.loadStateDict(state) }
}

/// `conv-vae`: the same model with the convolutional encoder and decoder of workload W6.
public final class ConvVAEModel: VAEModel {
    public override class var family: String { "conv-vae" }
    public override class var summary: String { "Variational autoencoder with the convolutional encoder and decoder of workload W6." }
    public override class var defaultOptions: VAEOptions {
        var o = VAEOptions()
        o.network = .convolutional
        return o
    }
    public override class var optionSpecs: [OptionSpec<VAEOptions>] { VAEOptions.specs(mlp: false) }
    override class var body: VAEArchitecture.Body { .conv }
}

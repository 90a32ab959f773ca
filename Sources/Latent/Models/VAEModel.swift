import Foundation

/// The `vae` family: `MLPVAE` with its optimizer, as `latent train vae` uses it.
/// Options read: `latent` (default 20), `hidden` (default [512, 256]).
public final class VAEModel: TrainableModel, SamplingModel, ReconstructingModel, LatentSpaceModel {
    public static let family = "vae"
    public let vae: MLPVAE
    public let optimizer: any Optimizer
    let clipNorm: Float?

    public init(config: RunConfig, rng: inout RandomGenerator) throws {
        let latent = config.model.latent ?? 20
        let hidden = config.model.hidden ?? [512, 256]
        guard latent >= 1, hidden.allSatisfy({ $0 >= 1 }) else {
            throw LatentError.invalidArgument("vae: --latent and --hidden sizes must be positive")
        }
        if let l = config.model.likelihood, l != "bernoulli" {
            throw LatentError.invalidArgument("vae: likelihood '\(l)' is not available yet (bernoulli is)")
        }
        if let p = config.model.prior, p != "standard" {
            throw LatentError.invalidArgument("vae: prior '\(p)' is not available yet (standard is)")
        }
        vae = MLPVAE(inputSize: config.imageShape.reduce(1, *), hidden: hidden, latent: latent, rng: &rng)
        optimizer = VAEModel.makeOptimizer(vae.parameters(), config.training)
        clipNorm = config.training.clipNorm
    }

    public var latentSize: Int { vae.latentSize }

    public func trainStep(_ batch: Tensor, labels: [Int], epoch: Int, rng: inout RandomGenerator) throws -> [(String, Double)] {
        let terms = vae.negativeELBO(batch, rng: &rng)
        optimizer.zeroGrad()
        terms.loss.backward()
        if let clipNorm { clipGradientNorm(optimizer.parameters, maxNorm: clipNorm) }
        optimizer.step()
        return [("loss", Double(terms.loss.item)), ("reconstruction", Double(terms.reconstruction.item)), ("kl", Double(terms.kl.item))]
    }

    public func validate(_ images: Tensor, labels: [Int], rng: inout RandomGenerator) -> [(String, Double)] {
        withoutGradient {
            var sums = [0.0, 0.0, 0.0]
            for indices in MiniBatches(count: images.shape[0], batchSize: 1000) {
                let t = vae.negativeELBO(images.gatherRows(indices), rng: &rng)
                let n = Double(indices.count)
                sums[0] += Double(t.loss.item) * n; sums[1] += Double(t.reconstruction.item) * n; sums[2] += Double(t.kl.item) * n
            }
            let n = Double(images.shape[0])
            return [("loss", sums[0] / n), ("reconstruction", sums[1] / n), ("kl", sums[2] / n)]
        }
    }

    public var charts: [(file: String, title: String, yLabel: String, keys: [String])] {
        [("loss", "Negative ELBO", "nats per image", ["loss", "val_loss"]),
         ("terms", "Reconstruction and KL", "nats per image", ["reconstruction", "val_reconstruction", "kl", "val_kl"])]
    }

    public func sample(_ count: Int, rng: inout RandomGenerator) -> Tensor {
        withoutGradient { vae.decode(Tensor.normal([count, latentSize], rng: &rng)).sigmoid() }
    }

    public func reconstruct(_ images: Tensor, rng: inout RandomGenerator) -> Tensor {
        withoutGradient { vae.decode(vae.encode(images).mean).sigmoid() }
    }

    public func encode(_ images: Tensor) -> Tensor { withoutGradient { vae.encode(images).mean } }
    public func decode(_ codes: Tensor) -> Tensor { withoutGradient { vae.decode(codes).sigmoid() } }

    public func modelState() -> [String: Tensor] { vae.stateDict() }
    public func loadModelState(_ state: [String: Tensor]) throws { try vae.loadStateDict(state) }
    public func optimizerState() -> [String: Tensor] { optimizer.stateDict() }
    public func loadOptimizerState(_ state: [String: Tensor]) throws { try optimizer.loadStateDict(state) }
}

extension VAEModel: LikelihoodModel, FilterModel {
    public func likelihoodMetrics(_ images: Tensor, nllSamples: Int, rng: inout RandomGenerator) -> [(String, Double)] {
        var metrics = validate(images, labels: [], rng: &rng).map { ($0.0 == "loss" ? "neg_elbo" : $0.0, $0.1) }
        if nllSamples > 0 {
            let nll = vae.importanceSampledNLL(images, samples: nllSamples, rng: &rng)
            metrics.append(("is_nll", nll.reduce(0, +) / Double(nll.count)))
        }
        return metrics
    }

    public var filterLayers: Int { 1 }

    /// The encoder's first-layer weights, one filter per hidden unit.
    public func filters(layer: Int) throws -> Tensor {
        guard layer == 1, let first = vae.encoder.layers.first as? Linear else {
            throw LatentError.invalidArgument("vae: only layer 1 (the encoder's input layer) has filters in pixel space")
        }
        return first.weight.value.detached()
    }
}

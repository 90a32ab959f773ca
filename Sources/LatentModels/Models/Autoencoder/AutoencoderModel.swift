import LatentTensor
import LatentNN
import LatentData

/// The `ae` and `conv-ae` families: the VAE's encoder and decoder with a
/// deterministic code (no KL, no sampling in training), so AE and VAE compare
/// one to one. Under- or over-complete by `--latent`; denoising with
/// `--noise`; sparse with `--sparsity` (an L1 weight on the code). The loss is
/// the reconstruction's negative log-likelihood under the chosen likelihood.
/// Sampling decodes codes drawn from N(0, I), as the course asks, and is
/// expected to look poor: nothing made the codes follow that distribution.
public class AutoencoderModel: TrainableModel, SamplingModel, ReconstructingModel, LatentSpaceModel,
                               LikelihoodModel, FilterModel {
    public class var family: String { "ae" }
    public class var summary: String { "Autoencoder with the VAE's MLP networks and a deterministic code; denoising and sparse forms." }
    public class var defaultOptions: AutoencoderOptions { AutoencoderOptions() }
    public class var optionSpecs: [OptionSpec<AutoencoderOptions>] { AutoencoderOptions.specs(mlp: true) }
    class var body: VAEArchitecture.Body { .mlp }

    public let encoder: Encoder
    public let decoder: Decoder
    public let pixels: PixelLikelihood
    public let optimizer: any Optimizer
    public let noise: InputNoise?
    public let options: AutoencoderOptions
    public let latentSize: Int
    let network: Module

    /// Holds encoder and decoder so checkpoints name them as the VAE does.
    final class Network: Module {
        let encoder: Encoder, decoder: Decoder
        init(_ e: Encoder, _ d: Decoder) { encoder = e; decoder = d }
    }

    public required init(options: AutoencoderOptions, context: ModelContext, rng: inout RandomGenerator) throws {
        try Self.check(options)
        let architecture = try VAEArchitecture(body: Self.body, network: options.network, context: context)
        self.options = options
        encoder = Encoder(architecture, outputs: architecture.latent, rng: &rng)
        decoder = Decoder(architecture, rng: &rng)
        pixels = PixelLikelihood(architecture, dataRange: context.pixelRange)
        noise = try options.noise.map(InputNoise.init)
        latentSize = architecture.latent
        network = Network(encoder, decoder)
        optimizer = options.optimizer.make(network.parameters())
    }

    public class func migrate(_ legacy: LegacyOptions) throws -> AutoencoderOptions {
        var o = defaultOptions
        o.network = try legacy.networkOptions(o.network)
        o.noise = legacy.model.noise
        o.sparsity = legacy.model.sparsity ?? 0
        o.optimizer = try legacy.optimizerOptions()
        return o
    }

    public var sparsity: Float { options.sparsity }

    /// Reconstruction NLL and the L1 penalty, per image, for input `input` and clean target `x`.
    func terms(_ input: Tensor, target x: Tensor) -> (loss: Tensor, reconstruction: Tensor, l1: Tensor) {
        let n = Float(x.shape[0])
        let code = encoder(input)
        let reconstruction = -pixels.logProbability(decoder(code), x).sum() / n
        let l1 = code.abs().sum() / n
        return (sparsity > 0 ? reconstruction + l1 * sparsity : reconstruction, reconstruction, l1)
    }

    public func trainStep(_ batch: Tensor, labels: [Int], epoch: Int, rng: inout RandomGenerator) throws -> [(String, Double)] {
        let input = noise.map { $0.apply(batch, rng: &rng) } ?? batch
        let t = terms(input, target: batch)
        optimizer.zeroGrad()
        t.loss.backward()
        options.optimizer.clip(optimizer.parameters)
        optimizer.step()
        return [("loss", Double(t.loss.item)), ("reconstruction", Double(t.reconstruction.item)), ("code_l1", Double(t.l1.item))]
    }

    /// Clean-input reconstruction (the denoising objective's noise is a training device).
    public func validate(_ images: Tensor, labels: [Int], rng: inout RandomGenerator) -> [(String, Double)] {
        withoutGradient {
            var sums = [0.0, 0.0, 0.0]
            for indices in MiniBatches(count: images.shape[0], batchSize: 500) {
                let x = images.gatherRows(indices)
                let t = terms(x, target: x)
                let n = Double(indices.count)
                sums[0] += Double(t.loss.item) * n; sums[1] += Double(t.reconstruction.item) * n; sums[2] += Double(t.l1.item) * n
            }
            let n = Double(images.shape[0])
            return [("loss", sums[0] / n), ("reconstruction", sums[1] / n), ("code_l1", sums[2] / n)]
        }
    }

    public var charts: [(file: String, title: String, yLabel: String, keys: [String])] {
        [("loss", "Reconstruction loss", "nats per image", ["loss", "val_loss"]),
         ("code", "Mean L1 norm of the code", "|z|₁", ["code_l1", "val_code_l1"])]
    }

    public func sample(_ count: Int, rng: inout RandomGenerator) -> Tensor {
        withoutGradient { pixels.mean(decoder(Tensor.normal([count, latentSize], rng: &rng))) }
    }

    public func reconstruct(_ images: Tensor, labels: [Int], rng: inout RandomGenerator) throws -> Tensor {
        withoutGradient { pixels.mean(decoder(encoder(images))) }
    }

    public func encode(_ images: Tensor, labels: [Int]) throws -> Tensor { withoutGradient { encoder(images) } }
    public func decode(_ codes: Tensor, labels: [Int]?) throws -> Tensor { withoutGradient { pixels.mean(decoder(codes)) } }

    public func likelihoodMetrics(_ images: Tensor, labels: [Int], nllSamples: Int, rng: inout RandomGenerator) -> [(String, Double)] {
        validate(images, labels: labels, rng: &rng).filter { $0.0 != "loss" }
    }

    public var filterLayers: Int { encoder.isConv ? 0 : 1 }

    public func filters(layer: Int) throws -> Tensor {
        guard layer == 1, let first = encoder.pixelLayer else {
            throw LatentError.invalidArgument("only the first layer of an MLP encoder has filters in pixel space")
        }
        return first.weight.value.detached().narrow(axis: 1, start: 0, length: pixels.architecture.pixelCount)
    }

    public func modelState() -> [String: Tensor] { network.stateDict() }
    public func loadModelState(_ state: [String: Tensor]) throws { try network.loadStateDict(state) }
    public func optimizerState() -> [String: Tensor] { optimizer.stateDict() }
    public func loadOptimizerState(_ state: [String: Tensor]) throws { try optimizer.loadStateDict(state) }
}

/// `conv-ae`: the autoencoder with the convolutional networks of W6.
public final class ConvAutoencoderModel: AutoencoderModel {
    public override class var family: String { "conv-ae" }
    public override class var summary: String { "Autoencoder with the convolutional networks of the conv-vae." }
    public override class var defaultOptions: AutoencoderOptions {
        var o = AutoencoderOptions()
        o.network = .convolutional
        return o
    }
    public override class var optionSpecs: [OptionSpec<AutoencoderOptions>] { AutoencoderOptions.specs(mlp: false) }
    override class var body: VAEArchitecture.Body { .conv }
}

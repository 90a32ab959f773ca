import LatentTensor
import LatentNN

/// The encoder of a VAE or autoencoder: an MLP or the convolutional stack of
/// workload W6 (Conv 32 k4s2p1, Conv 64 k4s2p1, both ReLU; `--conv` swaps the
/// kind of convolution, see `ConvolutionKind`), then a linear head
/// to `outputs` values (2·latent for a VAE: means and log-variances; latent for an AE).
/// A conditional encoder appends the one-hot label to its input (MLP) or to its
/// features (conv).
public final class Encoder: Module {
    public let body: Sequential
    public let head: Linear
    let classes: Int

    public init(_ a: VAEArchitecture, outputs: Int, rng: inout RandomGenerator) {
        classes = a.conditionalClasses ?? 0
        switch a.body {
        case .mlp:
            var layers: [any Layer] = []
            var width = a.pixelCount + classes
            for h in a.hidden {
                layers.append(Linear(width, h, rng: &rng))
                layers.append(ReLU())
                width = h
            }
            body = Sequential(layers)
            head = Linear(width, outputs, rng: &rng)
        case .conv:
            let (c, h, w) = (a.imageShape[0], a.imageShape[1], a.imageShape[2])
            body = Sequential(a.convolution.downsampling(c, 32, rng: &rng), ReLU(),
                              a.convolution.downsampling(32, 64, rng: &rng), ReLU(), Flatten())
            head = Linear(64 * (h / 4) * (w / 4) + classes, outputs, rng: &rng)
        }
        self.imageShape = a.imageShape
        self.isConv = a.body == .conv
        super.init()
    }

    let imageShape: [Int]
    let isConv: Bool

    /// The layer next to the pixels of an MLP encoder (the head when it has no hidden layer); nil for the conv body.
    public var pixelLayer: Linear? { isConv ? nil : (body.layers.first as? Linear) ?? head }

    /// x: [N, C·H·W] rows; oneHot: [N, classes] for conditional encoders.
    public func callAsFunction(_ x: Tensor, oneHot: Tensor? = nil) -> Tensor {
        if isConv {
            var features = body(x.reshaped([x.shape[0]] + imageShape))
            if let oneHot { features = Tensor.concatenate([features, oneHot], axis: 1) }
            return head(features)
        }
        let input = oneHot.map { Tensor.concatenate([x, $0], axis: 1) } ?? x
        return head(body(input))
    }
}

/// The decoder: z (plus the one-hot label when conditional) to the likelihood's
/// parameters, shaped [N, parameters per pixel, C·H·W]. The MLP mirrors the
/// encoder's widths; the conv decoder is W6's (Linear to 64·H/4·W/4, ReLU,
/// ConvT 64→32 k4s2p1, ReLU, ConvT 32→C·k k4s2p1).
public final class Decoder: Module {
    public let network: Sequential
    let parametersPerPixel: Int
    let pixelCount: Int

    public init(_ a: VAEArchitecture, rng: inout RandomGenerator) {
        let k = a.likelihood.parametersPerPixel
        let input = a.latent + (a.conditionalClasses ?? 0)
        parametersPerPixel = k
        pixelCount = a.pixelCount
        switch a.body {
        case .mlp:
            var layers: [any Layer] = []
            var width = input
            for h in a.hidden.reversed() {
                layers.append(Linear(width, h, rng: &rng))
                layers.append(ReLU())
                width = h
            }
            layers.append(Linear(width, k * a.pixelCount, rng: &rng))
            network = Sequential(layers)
        case .conv:
            let (c, h, w) = (a.imageShape[0], a.imageShape[1], a.imageShape[2])
            network = Sequential(Linear(input, 64 * (h / 4) * (w / 4), rng: &rng), ReLU(), Unflatten([64, h / 4, w / 4]),
                                 a.convolution.upsampling(64, 32, rng: &rng), ReLU(),
                                 a.convolution.upsampling(32, c * k, rng: &rng))
        }
        super.init()
    }

    /// z: [N, latent] → [N, k, C·H·W].
    public func callAsFunction(_ z: Tensor, oneHot: Tensor? = nil) -> Tensor {
        let input = oneHot.map { Tensor.concatenate([z, $0], axis: 1) } ?? z
        return network(input).reshaped([z.shape[0], parametersPerPixel, pixelCount])
    }
}

import Foundation
import LatentTensor
import LatentNN
import LatentData

/// p(x|z) over the pixels of an image, for decoder outputs shaped
/// [N, parameters per pixel, C·H·W]: log-probabilities per image and the
/// expected image. Shared by the VAE and the autoencoder of the same architecture.
public struct PixelLikelihood: Sendable {
    public let architecture: VAEArchitecture
    /// The data's value range; Bernoulli and categorical map it to [0, 1] / levels 0…255.
    public let dataRange: PixelRange

    public init(_ architecture: VAEArchitecture, dataRange: PixelRange) {
        self.architecture = architecture
        self.dataRange = dataRange
    }

    /// log p(x|z) per image for decoder outputs `parameters` and images `x` ([N, C·H·W]).
    public func logProbability(_ parameters: Tensor, _ x: Tensor) -> Tensor {
        let n = x.shape[0], d = architecture.pixelCount
        switch architecture.likelihood {
        case .bernoulli:
            let target = dataRange.toUnit(x)
            return BernoulliDistribution.logProbability(logits: parameters.reshaped([n, d]), target)
        case .gaussian:
            let logVar = Tensor(scalar: 2 * Foundation.log(architecture.gaussianStd))
            let nll = Loss.gaussianNegativeLogLikelihood(x, mean: parameters.reshaped([n, d]), logVariance: logVar, reduction: .none)
            return -nll.sum(axis: 1)
        case .gaussianLearned:
            let mean = parameters.narrow(axis: 1, start: 0, length: 1).reshaped([n, d])
            // Bounded below so a pixel that never varies cannot drive the density to infinity.
            let logVar = parameters.narrow(axis: 1, start: 1, length: 1).reshaped([n, d]).clamped(min: -9)
            return -Loss.gaussianNegativeLogLikelihood(x, mean: mean, logVariance: logVar, reduction: .none).sum(axis: 1)
        case .categorical:
            return CategoricalDistribution.logProbability(logits: parameters, levels: levels(x))
        }
    }

    /// Integer gray levels 0…255 of images in the data range.
    func levels(_ x: Tensor) -> Tensor {
        let unit = dataRange.toUnit(x.detached())
        return unit.mapValues { v in
            let s = v * 255 + 0.5
            // Round down via the magic-number trick and clamp to 0…255.
            let r = (s + 12_582_912) - 12_582_912
            let floored = r.replacing(with: r - 1, where: r .> s)
            return floored.replacing(with: 0, where: floored .< 0).replacing(with: 255, where: floored .> 255)
        }
    }

    /// The expected image under p(x|z), in the data range: [N, C·H·W].
    public func mean(_ parameters: Tensor) -> Tensor {
        let n = parameters.shape[0], d = architecture.pixelCount
        switch architecture.likelihood {
        case .bernoulli:
            let p = parameters.reshaped([n, d]).sigmoid()
            return dataRange.fromUnit(p)
        case .gaussian:
            return parameters.reshaped([n, d])
        case .gaussianLearned:
            return parameters.narrow(axis: 1, start: 0, length: 1).reshaped([n, d])
        case .categorical:
            let probabilities = parameters.softmax(axis: 1)   // [N, 256, D]
            let levelValues = Tensor.arange(256).reshaped([1, 256, 1]) * (1 / 255)
            let unit = (probabilities * levelValues).sum(axis: 1)
            return dataRange.fromUnit(unit)
        }
    }

    /// A draw x ~ p(x|z) per pixel for decoder outputs `parameters`, in the data
    /// range: [N, C·H·W]. Bernoulli pixels are the range's two ends, categorical
    /// ones one of 256 gray levels, Gaussian ones mean + σ·ε clipped to the range.
    ///
    /// ```swift
    /// var rng = RandomGenerator(seed: 1)
    /// let pixels = vae.pixels.draw(vae.decode(z), rng: &rng)   // binary for a Bernoulli VAE
    /// ```
    public func draw(_ parameters: Tensor, rng: inout RandomGenerator) -> Tensor {
        withoutGradient {
            let n = parameters.shape[0], d = architecture.pixelCount
            let (low, high) = dataRange.bounds
            switch architecture.likelihood {
            case .bernoulli:
                let p = parameters.reshaped([n, d]).sigmoid()
                return dataRange.fromUnit(Tensor.bernoulli(p, rng: &rng))
            case .gaussian:
                let mean = parameters.reshaped([n, d])
                return (mean + Tensor.normal([n, d], std: architecture.gaussianStd, rng: &rng)).clamped(min: low, max: high)
            case .gaussianLearned:
                let mean = parameters.narrow(axis: 1, start: 0, length: 1).reshaped([n, d])
                let std = (parameters.narrow(axis: 1, start: 1, length: 1).reshaped([n, d]).clamped(min: -9) * 0.5).exp()
                return (mean + std * Tensor.normal([n, d], rng: &rng)).clamped(min: low, max: high)
            case .categorical:
                let levels = CategoricalDistribution.sample(logits: parameters, rng: &rng)
                return dataRange.fromUnit(levels * (1 / 255))
            }
        }
    }

    /// The distribution `draw` draws from, in a few words.
    public var drawnDistribution: String {
        switch architecture.likelihood {
        case .bernoulli: return "Bernoulli per pixel"
        case .gaussian: return "Gaussian per pixel, σ = \(architecture.gaussianStd)"
        case .gaussianLearned: return "Gaussian per pixel, learned σ"
        case .categorical: return "categorical per pixel, 256 gray levels"
        }
    }
}

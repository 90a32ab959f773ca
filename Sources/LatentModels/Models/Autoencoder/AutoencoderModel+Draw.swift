import LatentTensor

/// `--draw` for the autoencoder. Its loss is the negative log-likelihood of the
/// same `PixelLikelihood` as the VAE's, so the likelihood is defined per pixel:
/// BCE is the Bernoulli likelihood (binary draws), MSE is the Gaussian one with
/// the σ the loss assumed (`--gaussian-std`; the loss is the squared error over
/// 2σ² plus a constant), and the learned-σ and categorical likelihoods draw as the
/// VAE's do. Codes are the encoder's (reconstructions) or N(0, I) draws (samples,
/// as `sample` decodes them), so drawn samples are as poor as the mean ones.
extension AutoencoderModel: LatentPixelDrawingModel {
    public var pixelDistribution: String { pixels.drawnDistribution }

    public func drawSamples(_ count: Int, classes: [Int]?, rng: inout RandomGenerator) throws -> Tensor {
        let z = Tensor.normal([count, latentSize], rng: &rng)
        return try drawDecoded(z, labels: nil, rng: &rng)
    }

    public func drawReconstructions(_ images: Tensor, labels: [Int], rng: inout RandomGenerator) throws -> Tensor {
        try drawDecoded(try encode(images, labels: labels), labels: nil, rng: &rng)
    }

    public func drawDecoded(_ codes: Tensor, labels: [Int]?, rng: inout RandomGenerator) throws -> Tensor {
        let parameters = withoutGradient { decoder(codes) }
        return pixels.draw(parameters, rng: &rng)
    }
}

import LatentTensor

/// `--draw` for the adversarial autoencoder: pixels drawn from the decoder's
/// likelihood p(x | z) (`PixelLikelihood.draw`, as the VAE's and the AE's), with
/// z ~ p(z) for samples and z = E(x) for reconstructions.
extension AAEModel: LatentPixelDrawingModel {
    public var pixelDistribution: String { aae.pixels.drawnDistribution }

    public func drawSamples(_ count: Int, classes: [Int]?, rng: inout RandomGenerator) throws -> Tensor {
        let z = aae.prior.sample(count, rng: &rng)
        return try drawDecoded(z, labels: nil, rng: &rng)
    }

    public func drawReconstructions(_ images: Tensor, labels: [Int], rng: inout RandomGenerator) throws -> Tensor {
        try drawDecoded(aae.encode(images), labels: nil, rng: &rng)
    }

    public func drawDecoded(_ codes: Tensor, labels: [Int]?, rng: inout RandomGenerator) throws -> Tensor {
        let parameters = withoutGradient { aae.decoder(codes) }
        return aae.pixels.draw(parameters, rng: &rng)
    }
}

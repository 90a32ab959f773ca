import LatentTensor

/// `--draw` for the VAE: pixels drawn from its likelihood p(x | z) (`PixelLikelihood.draw`).
extension VAEModel: LatentPixelDrawingModel {
    public var pixelDistribution: String { vae.pixels.drawnDistribution }

    /// z ~ p(z), then x ~ p(x | z). Conditional models without `classes` draw classes in blocks, as `sample` does.
    public func drawSamples(_ count: Int, classes: [Int]?, rng: inout RandomGenerator) throws -> Tensor {
        var chosen = classes
        if let c = conditionalClasses, chosen == nil {
            let perClass = Swift.max(1, count / c)
            chosen = (0..<count).map { Swift.min($0 / perClass, c - 1) }
        }
        let z = withoutGradient { vae.samplePrior(count, rng: &rng) }
        return try drawDecoded(z, labels: chosen, rng: &rng)
    }

    /// z = the posterior mean of each image (as `reconstruct`), then x ~ p(x | z).
    public func drawReconstructions(_ images: Tensor, labels: [Int], rng: inout RandomGenerator) throws -> Tensor {
        let z = try encode(images, labels: labels)
        return try drawDecoded(z, labels: labels, rng: &rng)
    }

    public func drawDecoded(_ codes: Tensor, labels: [Int]?, rng: inout RandomGenerator) throws -> Tensor {
        if conditionalClasses != nil && labels == nil {
            throw LatentError.invalidArgument("this VAE is conditional: give a class (--class)")
        }
        let parameters = withoutGradient { vae.decode(codes, classes: labels.flatMap(classesIfConditional)) }
        return vae.pixels.draw(parameters, rng: &rng)
    }
}

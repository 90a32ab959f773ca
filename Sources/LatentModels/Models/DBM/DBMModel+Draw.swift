import LatentTensor

/// `--draw` for the DBM: binary visible states v ~ p(v | h₁). Samples draw them
/// after the chain's last sweep; a drawn reconstruction draws h₁ from the
/// mean-field posterior of the image, then v from p(v | h₁).
extension DBMModel: GibbsPixelDrawingModel {
    public var pixelDistribution: String { "Bernoulli per pixel given the first hidden layer (binary visible states)" }

    public func drawSamples(_ count: Int, classes: [Int]?, rng: inout RandomGenerator) throws -> Tensor {
        drawSamples(count, gibbsSteps: 1_000, from: nil, rng: &rng)
    }

    public func drawSamples(_ count: Int, gibbsSteps: Int, from start: Tensor?, rng: inout RandomGenerator) -> Tensor {
        Tensor.bernoulli(sample(count, gibbsSteps: gibbsSteps, from: start, rng: &rng), rng: &rng)
    }

    public func drawReconstructions(_ images: Tensor, labels: [Int], rng: inout RandomGenerator) throws -> Tensor {
        let h1 = Tensor.bernoulli(dbm.meanField(images)[0], rng: &rng)
        return Tensor.bernoulli(dbm.visibleProbabilities(h1), rng: &rng)
    }
}

import LatentTensor

/// `--draw` for the RBM: binary visible states. Its default pictures are
/// p(v = 1 | h) for the chain's last hidden state h; a draw is v ~ Bernoulli of
/// those probabilities, the chain's next visible state. A drawn reconstruction is
/// one full Gibbs step v → h ~ p(h | v) → v' ~ p(v | h).
extension RBMModel: GibbsPixelDrawingModel {
    public var pixelDistribution: String { "Bernoulli per pixel given the hidden state (binary visible states)" }

    public func drawSamples(_ count: Int, classes: [Int]?, rng: inout RandomGenerator) throws -> Tensor {
        drawSamples(count, gibbsSteps: 1_000, from: nil, rng: &rng)
    }

    public func drawSamples(_ count: Int, gibbsSteps: Int, from start: Tensor?, rng: inout RandomGenerator) -> Tensor {
        Tensor.bernoulli(sample(count, gibbsSteps: gibbsSteps, from: start, rng: &rng), rng: &rng)
    }

    public func drawReconstructions(_ images: Tensor, labels: [Int], rng: inout RandomGenerator) throws -> Tensor {
        let h = Tensor.bernoulli(rbm.hiddenProbabilities(images), rng: &rng)
        return Tensor.bernoulli(rbm.visibleProbabilities(h), rng: &rng)
    }
}

import Foundation
import Testing
@testable import Latent

/// `PixelLikelihood.draw` and the families' `PixelDrawingModel` conformances:
/// drawn pixels against closed forms (the mean of many draws is the decoder's
/// mean, the spread of Gaussian draws is σ), in the data's range, binary where Bernoulli.
@Suite struct PixelDrawingTests {
    static let draws = 3_000

    /// `rows` copies of one row of parameters [1, P, D].
    func repeated(_ row: Tensor, _ rows: Int) -> Tensor { row.gatherRows(Array(repeating: 0, count: rows)) }

    /// Per-pixel mean and standard deviation over the rows of `x` [N, D].
    func columnStatistics(_ x: Tensor) -> (mean: [Double], std: [Double]) {
        let (n, d) = (x.shape[0], x.shape[1]), v = x.scalars
        var mean = [Double](repeating: 0, count: d), square = [Double](repeating: 0, count: d)
        for i in 0..<n { for j in 0..<d { let a = Double(v[i * d + j]); mean[j] += a; square[j] += a * a } }
        mean = mean.map { $0 / Double(n) }
        let std = (0..<d).map { (square[$0] / Double(n) - mean[$0] * mean[$0]).squareRoot() }
        return (mean, std)
    }

    func likelihood(_ kind: Likelihood, std: Float = 0.1, range: PixelRange = .unit) -> PixelLikelihood {
        PixelLikelihood(VAEArchitecture(body: .mlp, imageShape: [1, 2, 3], latent: 2, hidden: [4], likelihood: kind, gaussianStd: std),
                        dataRange: range)
    }

    @Test(arguments: [PixelRange.unit, .symmetric])
    func bernoulliDrawsAreBinaryAndAverageToTheMean(_ range: PixelRange) {
        let pixels = likelihood(.bernoulli, range: range)
        let logits = Tensor([-2.5, -1, 0, 0.5, 1.5, 3], shape: [1, 6])
        var rng = RandomGenerator(seed: 4)
        let drawn = pixels.draw(repeated(logits, Self.draws), rng: &rng)
        let (low, high) = range.bounds
        #expect(drawn.scalars.allSatisfy { $0 == low || $0 == high }, "Bernoulli draws are the range's two ends")
        let mean = pixels.mean(logits).scalars
        let observed = columnStatistics(drawn).mean
        for j in 0..<6 {
            // sd of a mean of 3,000 draws ≤ (high − low)·0.5/√3000 ≈ 0.018 on [−1, 1]; 5 sd.
            #expect(abs(observed[j] - Double(mean[j])) < 0.05 * Double(high - low), "pixel \(j): \(observed[j]) vs \(mean[j])")
        }
    }

    @Test func gaussianDrawsHaveTheMeanAndTheFixedStd() {
        let pixels = likelihood(.gaussian, std: 0.1)
        let means = Tensor([0.3, 0.4, 0.5, 0.5, 0.6, 0.7], shape: [1, 6])
        var rng = RandomGenerator(seed: 5)
        let drawn = pixels.draw(repeated(means, Self.draws), rng: &rng)
        #expect(drawn.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
        let (mean, std) = columnStatistics(drawn)
        for j in 0..<6 {
            #expect(abs(mean[j] - Double(means.scalars[j])) < 0.01, "pixel \(j) mean \(mean[j])")
            #expect(abs(std[j] - 0.1) < 0.008, "pixel \(j) std \(std[j]) vs σ = 0.1")
        }
    }

    @Test func learnedGaussianDrawsHaveTheLearnedStd() {
        let pixels = likelihood(.gaussianLearned)
        // [1, 2, 6]: means 0.5, then log-variances of σ = 0.05 and σ = 0.1.
        let logVar = [0.05, 0.05, 0.05, 0.1, 0.1, 0.1].map { Float(2 * Foundation.log($0)) }
        let parameters = Tensor([Float](repeating: 0.5, count: 6) + logVar, shape: [1, 2, 6])
        var rng = RandomGenerator(seed: 6)
        let drawn = pixels.draw(repeated(parameters, Self.draws), rng: &rng)
        let std = columnStatistics(drawn).std
        for j in 0..<6 {
            let sigma = j < 3 ? 0.05 : 0.1
            #expect(abs(std[j] - sigma) < 0.1 * sigma, "pixel \(j) std \(std[j]) vs σ = \(sigma)")
        }
    }

    @Test func categoricalDrawsAreGrayLevelsAveragingToTheMean() {
        let pixels = likelihood(.categorical)
        var rng = RandomGenerator(seed: 7)
        let parameters = Tensor.normal([1, 256, 6], std: 2, rng: &rng)
        let drawn = pixels.draw(repeated(parameters, Self.draws), rng: &rng)
        let onLevels = drawn.scalars.allSatisfy { (v: Float) -> Bool in
            let level = v * 255
            return v >= 0 && v <= 1 && abs(level - level.rounded()) < 1e-3
        }
        #expect(onLevels, "one of 256 levels")
        let mean = pixels.mean(parameters).scalars
        let observed = columnStatistics(drawn).mean
        for j in 0..<6 { #expect(abs(observed[j] - Double(mean[j])) < 0.03, "pixel \(j): \(observed[j]) vs \(mean[j])") }
    }

    /// The trained families: drawn decodings of one code repeated average to the mean decoding.
    @Test func vaeDrawsAverageToItsMeanImage() throws {
        let fixture = ExperimentFixture()
        let run = try fixture.trained("vae")
        let vae = try #require(run.model as? VAEModel)
        let code = Tensor([0.3, -0.7], shape: [1, 2])
        let mean = try vae.decode(code, labels: nil).scalars
        var rng = RandomGenerator(seed: 8)
        let drawn = try vae.drawDecoded(repeated(code, Self.draws), labels: nil, rng: &rng)
        #expect(drawn.scalars.allSatisfy { $0 == 0 || $0 == 1 }, "the VAE's default likelihood is Bernoulli")
        let observed = columnStatistics(drawn).mean
        for j in 0..<mean.count { #expect(abs(observed[j] - Double(mean[j])) < 0.05, "pixel \(j): \(observed[j]) vs \(mean[j])") }
        #expect(vae.pixelDistribution == "Bernoulli per pixel")
        let samples = try vae.drawSamples(10, classes: nil, rng: &rng)
        #expect(samples.shape == [10, 64] && samples.scalars.allSatisfy { $0 == 0 || $0 == 1 })
    }

    @Test func ppcaDrawsSpreadByItsFittedSigma() throws {
        let fixture = ExperimentFixture()
        let run = try fixture.trained("ppca", latent: 1)
        let ppca = try #require(run.model as? PPCAModel)
        let sigma = try #require(ppca.fitted).noiseVariance.squareRoot()
        #expect(sigma > 0)
        let code = Tensor([0.4], shape: [1, 1])
        let mean = try ppca.decode(code, labels: nil).scalars
        var rng = RandomGenerator(seed: 9)
        let (observedMean, std) = columnStatistics(try ppca.drawDecoded(repeated(code, Self.draws), labels: nil, rng: &rng))
        for j in 0..<mean.count {
            #expect(abs(std[j] - sigma) < 0.1 * sigma, "pixel \(j) std \(std[j]) vs σ = \(sigma)")
            #expect(abs(observedMean[j] - Double(mean[j])) < 0.1 * sigma, "pixel \(j) mean")
        }
    }

    @Test func rbmAndDBMDrawBinaryStates() throws {
        let fixture = ExperimentFixture()
        for family in ["rbm", "dbm"] {
            let run = try fixture.trained(family)
            let model = try #require(run.model as? any GibbsPixelDrawingModel)
            var rng = RandomGenerator(seed: 10)
            let test = try run.testImages(limit: 8)
            let reconstructions = try model.drawReconstructions(test.images, labels: test.labels, rng: &rng)
            let samples = model.drawSamples(8, gibbsSteps: 3, from: nil, rng: &rng)
            for drawn in [reconstructions, samples] {
                #expect(drawn.shape == [8, 64] && drawn.scalars.allSatisfy { $0 == 0 || $0 == 1 }, "\(family): binary visible states")
            }
        }
    }
}

/// `--draw` through the experiments: files named -drawn, pictures in [0, 1], GANs refused in one line.
@Suite struct DrawExperimentTests {
    @Test func sampleReconstructAndInterpolateDraw() throws {
        let fixture = ExperimentFixture()
        for family in ["vae", "ae", "ppca"] {
            let run = try fixture.trained(family)
            let samples = try run.sample(SamplingOptions(count: 9, draw: true))
            #expect(samples.grids.map(\.fileName) == ["sample-9-drawn.png"])
            #expect(samples.grids[0].images.scalars.allSatisfy { $0 >= 0 && $0 <= 1 }, "\(family): drawn pictures in [0, 1]")
            let reconstructions = try run.reconstruct(ReconstructionOptions(count: 4, draw: true))
            let drawn = try #require(reconstructions.drawn)
            #expect(drawn.shape == reconstructions.reconstructions.shape)
            #expect(try reconstructions.write().hasSuffix("images/reconstruct-test-drawn.png"))
            let walk = try run.interpolate(InterpolationOptions(steps: 3, pairs: 2, draw: true))
            #expect(walk.images.shape == [6, 1, 8, 8] && walk.drawn)
            #expect(try walk.write().hasSuffix("images/interpolate-drawn.png"))
        }
        let rbm = try fixture.trained("rbm")
        let gibbs = try rbm.sample(SamplingOptions(count: 4, gibbsSteps: [2], draw: true))
        #expect(gibbs.grids.map(\.fileName) == ["sample-gibbs-2-drawn.png"])
        #expect(gibbs.grids[0].images.scalars.allSatisfy { $0 == 0 || $0 == 1 })
    }

    @Test func aGANRefusesToDrawInOneLine() throws {
        let fixture = ExperimentFixture()
        let run = try fixture.untrained("gan")
        do {
            _ = try run.sample(SamplingOptions(count: 4, draw: true))
            Issue.record("a GAN has no p(x|z) to draw from")
        } catch let error as LatentError {
            #expect(error.description.contains("GAN has no pixel likelihood") && !error.description.contains("\n"), "\(error)")
        }
    }
}

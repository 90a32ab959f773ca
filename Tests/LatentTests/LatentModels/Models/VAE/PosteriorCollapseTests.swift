import Foundation
import Testing
@testable import Latent

/// Against posterior collapse: free bits, the KL warm-up schedule, and the diagnostic (active units, KL per dimension).
@Suite struct PosteriorCollapseTests {
    /// Dimension 0 has a large KL (means ±2), dimension 1 a tiny one (means ±0.05): with λ = 0.5 the
    /// free-bits term passes dimension 0's plain-KL gradient and gives dimension 1 none.
    @Test func freeBitsCutTheGradientOfADimensionBelowLambdaOnly() throws {
        let means = Tensor([2, 0.05, -2, -0.05, 2, 0.05, -2, 0.05], shape: [4, 2])
        let logVariances = Tensor([0.1, -0.1, 0.2, 0, -0.1, 0.1, 0, 0.05], shape: [4, 2])
        let perDimension = VAE.klPerDimension(mean: means, logVariance: logVariances).mean(axis: 0).scalars
        #expect(perDimension[0] > 0.5 && perDimension[1] < 0.5, "\(perDimension)")

        let (m1, v1) = (means.requiringGradient(), logVariances.requiringGradient())
        let free = VAE.freeBitsKL(mean: m1, logVariance: v1, freeBits: 0.5)
        #expect(Swift.abs(free.item - (perDimension[0] + 0.5)) < 1e-5, "dimension 1 counts as λ")
        free.backward()
        let (m2, v2) = (means.requiringGradient(), logVariances.requiringGradient())
        VAE.klPerDimension(mean: m2, logVariance: v2).mean(axis: 0).sum().backward()
        for (gradient, plain) in [(m1.gradient!, m2.gradient!), (v1.gradient!, v2.gradient!)] {
            for row in 0..<4 {
                #expect(gradient.scalars[row * 2 + 1] == 0, "no gradient below λ")
                #expect(Swift.abs(gradient.scalars[row * 2] - plain.scalars[row * 2]) < 1e-6, "the plain KL's gradient above λ")
            }
        }
        // μ/N for the mean: the closed form of the plain KL's gradient.
        #expect(m1.gradient!.scalars[0] == 0.5 && m1.gradient!.scalars[2] == -0.5)
    }

    /// β·e/W in epoch e of the first W, then β; no warm-up: β throughout.
    @Test func warmUpRisesLinearlyPerEpoch() throws {
        let context = ModelContext(imageShape: [1, 4, 4])
        var options = VAEModel.defaultOptions
        options.network.latent = 2
        options.network.hidden = [4]
        options.beta = 2
        options.warmup = 4
        var rng = RandomGenerator(seed: 1)
        let model = try VAEModel(options: options, context: context, rng: &rng)
        #expect((1...6).map { model.klWeight(epoch: $0) } == [0.5, 1, 1.5, 2, 2, 2])
        options.warmup = 0
        #expect(try VAEModel(options: options, context: context, rng: &rng).klWeight(epoch: 1) == 2)
    }

    /// Training with free bits and warm-up; validation's loss stays the true −ELBO (reconstruction + KL).
    @Test func validationKeepsTheTrueELBOAndCountsActiveUnits() throws {
        var options = VAEModel.defaultOptions
        options.network.latent = 3
        options.network.hidden = [8]
        options.warmup = 3
        options.freeBits = 2
        var rng = RandomGenerator(seed: 2)
        let model = try VAEModel(options: options, context: ModelContext(imageShape: [1, 4, 4]), rng: &rng)
        let x = Tensor.uniform([12, 16], rng: &rng)
        let step = try model.trainStep(x, labels: [], epoch: 1, rng: &rng)
        #expect(step.first?.0 == "loss" && step.contains { $0.0 == "kl_weight" })
        let metrics = Dictionary(uniqueKeysWithValues: model.validate(x, labels: [], rng: &rng))
        #expect(Swift.abs(metrics["loss"]! - metrics["reconstruction"]! - metrics["kl"]!) < 1e-3)
        #expect(metrics["active_units"].map { $0 >= 0 && $0 <= 3 } == true)
        #expect(model.lastCollapse?.klPerDimension?.count == 3)
        #expect(model.figures.map(\.file) == ["kl-per-dimension.svg"])
        expectLatentError(["--free-bits does nothing without --prior standard"]) {
            _ = try VAEModel.parseSettings(["--prior", "mog", "--free-bits", "0.5"])
        }
    }

    /// Dimension 1's posterior mean is the same for every image (inactive); dimensions 0 and 2 vary.
    @Test func activeUnitsByHand() {
        var collapse = PosteriorCollapse(latent: 3)
        let means = Tensor([1, 0.5, 0, -1, 0.5, 0.3, 1, 0.5, -0.3, -1, 0.5, 0], shape: [4, 3])
        let kl = Tensor([2, 0.001, 0.5, 2, 0.001, 0.5, 3, 0.003, 0.5, 1, 0.003, 0.5], shape: [4, 3])
        collapse.add(means: means.rows(0..<2), klPerDimension: kl.rows(0..<2))   // in two batches
        collapse.add(means: means.rows(2..<4), klPerDimension: kl.rows(2..<4))
        let activity = collapse.activity
        #expect(Swift.abs(activity[0] - 1) < 1e-6 && activity[1] < 1e-9 && Swift.abs(activity[2] - 0.045) < 1e-6, "\(activity)")
        #expect(collapse.activeUnits == 2)
        let perDimension = collapse.klPerDimension!
        #expect(zip(perDimension, [2.0, 0.002, 0.5]).allSatisfy { Swift.abs($0 - $1) < 1e-6 }, "\(perDimension)")
        #expect(collapse.warning?.contains("1 of 3 latent dimensions") == true)
        // The chart: sorted from the largest KL, the inactive dimension grey.
        let bars = collapse.chart.bars
        #expect(bars.map(\.name) == ["1", "3", "2"] && bars.map(\.highlighted) == [true, true, false])
        let svg = collapse.chart.svg()
        #expect(svg.components(separatedBy: "<title>").count == 4 && svg.contains("#bab0ac"))
        // Without a KL per dimension (a MoG or VampPrior), the chart shows the means' variance.
        var mog = PosteriorCollapse(latent: 3)
        mog.add(means: means, klPerDimension: nil)
        #expect(mog.klPerDimension == nil && mog.chart.bars.first?.value == 1)
        // All active: no warning.
        var healthy = PosteriorCollapse(latent: 1)
        healthy.add(means: Tensor([1, -1], shape: [2, 1]), klPerDimension: nil)
        #expect(healthy.warning == nil)
    }
}

import Foundation
import Testing
@testable import Latent
@testable import LatentModels

/// The DDPM's schedule against closed forms, the forward sampler's moments,
/// the U-Net's shapes and gradients, DDIM against the ancestral chain, the
/// bound, and a tiny model that learns two patterns.
@Suite struct DiffusionTests {
    // MARK: schedule

    @Test func linearScheduleAndItsProducts() {
        let s = NoiseSchedule(.linear, timesteps: 1000)
        #expect(Swift.abs(s.beta[0] - 1e-4) < 1e-12 && Swift.abs(s.beta[999] - 0.02) < 1e-12)
        #expect(Swift.abs(s.beta[1] - s.beta[0] - (0.02 - 1e-4) / 999) < 1e-12)
        var product = 1.0
        for t in 0..<1000 {
            product *= 1 - s.beta[t]
            #expect(Swift.abs(s.alphaBar[t] - product) < 1e-12)
        }
        #expect(s.alphaBar[999] < 1e-4 && s.alphaBar[999] > 0)   // ≈ 4·10⁻⁵ in Ho et al.
        // T = 10: both ends scaled by 1000/T.
        let short = NoiseSchedule(.linear, timesteps: 10)
        #expect(Swift.abs(short.beta[0] - 1e-2) < 1e-12 && Swift.abs(short.beta[9] - 0.999) < 1e-12)
    }

    @Test func cosineScheduleFollowsNicholAndDhariwal() {
        let s = NoiseSchedule(.cosine, timesteps: 1000)
        func f(_ t: Double) -> Double { let c = cos((t / 1000 + 0.008) / 1.008 * .pi / 2); return c * c }
        for t in [1, 10, 100, 500, 900] {
            #expect(Swift.abs(s.alphaBar[t - 1] - f(Double(t)) / f(0)) < 1e-9, "ᾱ at t = \(t)")
        }
        #expect(s.beta.allSatisfy { $0 > 0 && $0 <= 0.999 })
        #expect(s.beta[999] == 0.999)   // clipped at the end, as in the paper
    }

    @Test func posteriorVarianceAndMean() {
        for kind in NoiseSchedule.Kind.allCases {
            let s = NoiseSchedule(kind, timesteps: 50)
            #expect(s.posteriorVariance[0] == 0)
            for t in 1..<50 {
                let alpha = 1 - s.beta[t]
                // β̃_t as the precision sum of the two Gaussians: 1/β̃ = α_t/β_t + 1/(1 − ᾱ_{t−1}).
                let precision = alpha / s.beta[t] + 1 / (1 - s.alphaBar[t - 1])
                #expect(Swift.abs(s.posteriorVariance[t] - 1 / precision) < 1e-9 * Swift.max(1, 1 / precision))
                // The mean's coefficients: μ̃ = (√ᾱ_{t−1} β_t x₀ + √α_t (1 − ᾱ_{t−1}) x_t)/(1 − ᾱ_t) = β̃ (√ᾱ_{t−1}/(1 − ᾱ_{t−1}) x₀ + √α_t/β_t x_t).
                let v = s.posteriorVariance[t]
                #expect(Swift.abs(s.posteriorMeanX0[t] - v * s.alphaBar[t - 1].squareRoot() / (1 - s.alphaBar[t - 1])) < 1e-9)
                #expect(Swift.abs(s.posteriorMeanXt[t] - v * alpha.squareRoot() / s.beta[t]) < 1e-9)
            }
            #expect(Swift.abs(s.posteriorMeanX0[0] - 1) < 1e-12 && s.posteriorMeanXt[0] == 0)
            #expect(s.modelVariance(0) == s.posteriorVariance[1])
        }
        #expect(NoiseSchedule(.linear, timesteps: 10).strided(5) == [0, 2, 4, 6, 8])
        #expect(NoiseSchedule(.linear, timesteps: 10).strided(10) == Array(0..<10))
    }

    @Test func forwardSamplerHasTheClosedFormMoments() {
        let diffusion = Diffusion(schedule: NoiseSchedule(.linear, timesteps: 100), imageShape: [1, 10, 10])
        var rng = RandomGenerator(seed: 3)
        let x0 = Tensor.full([1000, 100], 0.5)
        for step in [0, 30, 99] {
            let xt = diffusion.noised(x0, steps: Array(repeating: step, count: 1000), noise: Tensor.normal([1000, 100], rng: &rng)).scalars
            let mean = xt.reduce(0) { $0 + Double($1) } / Double(xt.count)
            let variance = xt.reduce(0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(xt.count)
            let a = diffusion.schedule.alphaBar[step]
            #expect(Swift.abs(mean - 0.5 * a.squareRoot()) < 0.01, "mean at step \(step)")
            // 10⁵ draws: the sample variance's standard error is √(2/10⁵) ≈ 0.45% of the variance.
            #expect(Swift.abs(variance - (1 - a)) < 0.02 * (1 - a), "variance at step \(step): \(variance) vs \(1 - a)")
        }
    }

    // MARK: U-Net

    @Test func unetKeepsTheImageShape() {
        var rng = RandomGenerator(seed: 1)
        for (shape, attention) in [([1, 28, 28], true), ([3, 32, 32], false)] {
            let net = UNet(imageChannels: shape[0], channels: 8, multipliers: [1, 2, 2], residualBlocks: 1, attention: attention, rng: &rng)
            let y = net(Tensor.normal([2] + shape, rng: &rng), steps: [0, 999])
            #expect(y.shape == [2] + shape)
            let finite = y.scalars.allSatisfy { $0.isFinite }
            #expect(finite)
        }
        let defaults = UNet(imageChannels: 1, channels: 32, multipliers: [1, 2, 2], residualBlocks: 1, attention: true, rng: &rng)
        #expect((500_000...2_000_000).contains(defaults.parameterCount), "\(defaults.parameterCount) parameters")
        #expect(timestepEmbedding([0, 5], dimension: 4).scalars == [0, 0, 1, 1, Float(sin(5.0)), Float(sin(5.0 / 10_000)), Float(cos(5.0)), Float(cos(5.0 / 10_000))])
    }

    @Test func nearestUpsamplingRepeatsEachPixel() {
        let x = Tensor([1, 2, 3, 4], shape: [1, 1, 2, 2])
        #expect(upsampleNearest(x).scalars == [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4])
        checkGradients([randomTensor([2, 3, 2, 3], seed: 1)]) { upsampleNearest($0[0]) }
    }

    @Test func tinyUNetGradientsMatchFiniteDifferences() {
        var rng = RandomGenerator(seed: 7)
        let net = UNet(imageChannels: 1, channels: 4, multipliers: [1, 2], residualBlocks: 1, attention: true, rng: &rng)
        let x = randomTensor([2, 1, 4, 4], seed: 8)
        checkGradients([x], step: 1e-2, absolute: 3e-3, relative: 3e-2) { net($0[0], steps: [3, 17]) }
        // A weight deep inside (the attention's projection), by finite differences of the same scalar.
        let r = randomTensor([2, 1, 4, 4], seed: 9)
        let parameter = net.attention!.qkv.weight
        for p in net.parameters() { p.zeroGrad() }   // the check above left its gradients
        (net(x, steps: [3, 17]) * r).sum().backward()
        let analytic = parameter.grad!.scalars
        let base = parameter.value.detached()
        for j in stride(from: 0, to: base.count, by: 7) {
            var plus = base.scalars, minus = base.scalars
            plus[j] += 1e-2; minus[j] -= 1e-2
            parameter.assign(Tensor(plus, shape: base.shape)); let up = withoutGradient { Double((net(x, steps: [3, 17]) * r).sum().item) }
            parameter.assign(Tensor(minus, shape: base.shape)); let down = withoutGradient { Double((net(x, steps: [3, 17]) * r).sum().item) }
            parameter.assign(base)
            let numeric = (up - down) / 2e-2
            #expect(Swift.abs(Double(analytic[j]) - numeric) <= 3e-3 + 3e-2 * Swift.abs(numeric), "qkv weight \(j): \(analytic[j]) vs \(numeric)")
        }
    }

    // MARK: samplers

    @Test func ddimWithEveryStepAndEtaOneIsTheAncestralChain() {
        var rng = RandomGenerator(seed: 1)
        let net = UNet(imageChannels: 1, channels: 4, multipliers: [1, 2], residualBlocks: 1, attention: false, rng: &rng)
        for kind in NoiseSchedule.Kind.allCases {
            let diffusion = Diffusion(schedule: NoiseSchedule(kind, timesteps: 20), imageShape: [1, 4, 4])
            var a = RandomGenerator(seed: 5), b = RandomGenerator(seed: 5)
            let ancestral = diffusion.sampleAncestral(net, count: 6, rng: &a)
            let ddim = diffusion.sampleDDIM(net, count: 6, steps: 20, eta: 1, rng: &b)
            expectClose(ddim, ancestral, tolerance: 1e-4)
            #expect(a.next() == b.next(), "both drew the same noise")
        }
    }

    @Test func deterministicDDIMStepByHand() {
        // One DDIM step with η = 0 from τ to 0 ends at x̂₀ = (x_τ − √(1 − ᾱ) ε̂)/√ᾱ, clipped: with a network
        // whose output is zero (all weights 0), x̂₀ = x_τ/√ᾱ_τ, clipped to [−1, 1].
        var rng = RandomGenerator(seed: 2)
        let net = UNet(imageChannels: 1, channels: 4, multipliers: [1], residualBlocks: 1, attention: false, rng: &rng)
        for p in net.output.parameters() { p.assign(Tensor.zeros(p.value.shape)) }
        let diffusion = Diffusion(schedule: NoiseSchedule(.linear, timesteps: 10), imageShape: [1, 2, 2])
        var a = RandomGenerator(seed: 9), b = RandomGenerator(seed: 9)
        let out = diffusion.sampleDDIM(net, count: 3, steps: 1, rng: &a)
        let start = Tensor.normal([3, 4], rng: &b)
        let expected = (start / Float(diffusion.schedule.alphaBar[0].squareRoot())).clamped(min: -1, max: 1)
        expectClose(out, expected, tolerance: 1e-5)
    }

    // MARK: bound

    @Test func discretizedGaussianByHand() {
        let x = Tensor([-1, 0, 1], shape: [1, 3])
        // A decoder sharply at the data puts (almost) all mass in the right bin.
        #expect(Diffusion.discretizedGaussianNLL(x, mean: x, variance: 1e-8)[0] < 1e-6)
        // N(0, 1) at 0: mass of [−1/255, 1/255] ≈ 2/255 · φ(0); at −1 the outer bin reaches to −∞.
        let z = Tensor([0], shape: [1, 1])
        let centre = Diffusion.discretizedGaussianNLL(z, mean: z, variance: 1)[0]
        #expect(Swift.abs(centre - -log(2.0 / 255 / (2 * Double.pi).squareRoot())) < 1e-4)
        let edge = Diffusion.discretizedGaussianNLL(Tensor([-1], shape: [1, 1]), mean: Tensor([-1], shape: [1, 1]), variance: 1)[0]
        #expect(Swift.abs(edge - -log(0.5 * erfc(-(1.0 / 255) / 2.0.squareRoot()))) < 1e-6)
    }

    @Test func boundIsFiniteNonNegativeAndUnbiasedForAnyProposal() throws {
        var rng = RandomGenerator(seed: 4)
        let net = UNet(imageChannels: 1, channels: 4, multipliers: [1, 2], residualBlocks: 1, attention: true, rng: &rng)
        let diffusion = Diffusion(schedule: NoiseSchedule(.cosine, timesteps: 12), imageShape: [1, 4, 4])
        let x0 = (Tensor.uniform([3, 16], rng: &rng) * 255).mapValues { $0.rounded(.toNearestOrEven) } / 127.5 - 1
        let uniform = Array(repeating: 1.0 / 11, count: 11)
        let b = diffusion.bound(net, x0, samples: 8, proposal: uniform, rng: &rng)
        for total in b.total { #expect(total.isFinite && total >= 0) }
        #expect(b.prior.allSatisfy { $0 >= 0 } && b.decoder.allSatisfy { $0 >= 0 } && b.diffusion.allSatisfy { $0 >= 0 })
        #expect(b.diffusionVariance.allSatisfy { $0.isFinite && $0 >= 0 })
        // The importance-weighted estimate (any proposal) and the full sum agree on average over draws.
        var full = 0.0, weighted = 0.0
        let skewed = Diffusion.proposal(following: (1...11).map { Double($0 * $0) })
        #expect(Swift.abs(skewed.reduce(0, +) - 1) < 1e-12)
        for _ in 0..<200 {
            full += diffusion.diffusionProfile(net, x0, rng: &rng).reduce(0, +)
            weighted += diffusion.bound(net, x0.rows(0..<1), samples: 11, proposal: skewed, rng: &rng).diffusion[0]
        }
        #expect(Swift.abs(full - weighted) / full < 0.05, "full sum \(full / 200), importance-sampled \(weighted / 200)")
    }

    // MARK: the model

    /// 64 images of 8×8 in two patterns (left half bright, or right half bright), in [−1, 1].
    func twoPatterns() throws -> PreparedData {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("ddpm-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        var pixels: [Float] = []
        for i in 0..<64 { for _ in 0..<8 { for x in 0..<8 { pixels.append((x < 4) == (i % 2 == 0) ? 0.9 : 0.1) } } }
        try NPY.write(Tensor(pixels, shape: [64, 8, 8]), to: tmp + "/two.npy")
        var options = DataOptions(source: tmp + "/two.npy")
        options.validation = 16
        options.scale = .symmetric
        return try PreparedData.load(options)
    }

    @Test func aTinyDDPMLearnsTwoPatterns() throws {
        let data = try twoPatterns()
        let config = try testConfig("ddpm", data: data, [("timesteps", "50"), ("channels", "8"), ("channel-mults", "1,2"), ("lr", "3e-3"),
                                                         ("ema-decay", "0.9"), ("batch", "16")])
        let model = try buildModel(config, as: DDPMModel.self)
        var rng = RandomGenerator(seed: 2)
        let train = data.train.flatImages
        let before = model.validate(data.evaluationImages(data.validation), labels: [], rng: &rng)[0].1
        var losses: [Double] = []
        for step in 0..<400 {
            let rows = (0..<16).map { (step * 16 + $0) % train.shape[0] }
            losses.append(try model.trainStep(train.gatherRows(rows), labels: [], epoch: 1, rng: &rng)[0].1)
        }
        let after = model.validate(data.evaluationImages(data.validation), labels: [], rng: &rng)[0].1
        #expect(after < 0.5 * before, "validation loss \(before) → \(after)")
        let (first, last) = (losses.prefix(50).reduce(0, +), losses.suffix(50).reduce(0, +))
        #expect(last < first * 0.6, "training loss over the first 50 steps \(first / 50), the last 50 \(last / 50)")
        // Samples: pixel statistics of the data (mean 0, values near ±0.8) and the patterns' halves.
        let samples = try model.sample(32, steps: nil, showProgress: false, rng: &rng).scalars
        let mean = samples.reduce(0) { $0 + Double($1) } / Double(samples.count)
        let meanAbs = samples.reduce(0) { $0 + Double(Swift.abs($1)) } / Double(samples.count)
        #expect(Swift.abs(mean) < 0.2, "sample mean \(mean)")
        #expect(Swift.abs(meanAbs - 0.8) < 0.2, "sample mean |x| \(meanAbs) (data 0.8)")
        var matching = 0
        for i in 0..<32 {
            let rows = (0..<8).map { y in (0..<8).map { x in samples[i * 64 + y * 8 + x] } }
            let left = rows.flatMap { $0.prefix(4) }.reduce(0, +), right = rows.flatMap { $0.suffix(4) }.reduce(0, +)
            if Swift.abs(left - right) > 0.5 * 32 * 1.6 { matching += 1 }   // half the contrast of a clean pattern
        }
        #expect(matching >= 24, "\(matching) of 32 samples show one of the two patterns")
        let metrics = Dictionary(uniqueKeysWithValues: model.likelihoodMetrics(data.evaluationImages(data.validation), labels: [], nllSamples: 10, rng: &rng))
        #expect(metrics["bits_per_dim"]!.isFinite && metrics["bits_per_dim"]! > 0)
        #expect(Swift.abs(metrics["neg_elbo"]! - metrics["prior_kl"]! - metrics["decoder_nll"]! - metrics["diffusion_kl"]!) < 1e-6 * metrics["neg_elbo"]!)
    }

    @Test func optionsAreCheckedWhereTheyEnter() throws {
        let data = try twoPatterns()
        expectLatentError(["divide by 16"]) {
            var r = RandomGenerator(seed: 0)
            _ = try testConfig("ddpm", data: data, [("channel-mults", "1,2,2,2,2")]).buildModel(rng: &r)
        }
        var rng = RandomGenerator(seed: 1)
        let model = try buildModel(try testConfig("ddpm", data: data, [("timesteps", "10"), ("channels", "4"), ("channel-mults", "1")]), as: DDPMModel.self)
        expectLatentError(["--steps", "T = 10"]) { _ = try model.sample(2, steps: 11, showProgress: false, rng: &rng) }
        #expect(try model.sample(3, steps: nil, showProgress: false, rng: &rng).shape == [3, 64])
    }
}

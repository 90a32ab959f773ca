import Foundation
import Testing
@testable import Latent
@testable import LatentModels

/// A linear-Gaussian model, z ~ N(0, I_L), x = W z + b + σ n, whose marginal
/// p(x) = N(b, W Wᵀ + σ² I) and posterior p(z|x) = N(Σ Wᵀ(x − b)/σ², Σ),
/// Σ = (I + WᵀW/σ²)⁻¹, are known in closed form; and the AVB whose linear
/// decoder is this model and whose linear implicit encoder draws exactly
/// from its posterior (z = A(x − b) + C ε with C Cᵀ = Σ).
struct LinearGaussian {
    let w: [[Double]]        // D × L
    let b: [Double]
    let sigma: Double
    var d: Int { w.count }
    var l: Int { w[0].count }

    static func cholesky(_ m: [[Double]]) -> [[Double]] {
        let n = m.count
        var c = Array(repeating: Array(repeating: 0.0, count: n), count: n)
        for i in 0..<n {
            for j in 0...i {
                var s = m[i][j]
                for k in 0..<j { s -= c[i][k] * c[j][k] }
                c[i][j] = i == j ? s.squareRoot() : s / c[j][j]
            }
        }
        return c
    }

    /// Inverse of a symmetric positive definite matrix through its Cholesky factor.
    static func inverse(_ m: [[Double]]) -> [[Double]] {
        let n = m.count, c = cholesky(m)
        var inv = Array(repeating: Array(repeating: 0.0, count: n), count: n)
        for col in 0..<n {
            var y = Array(repeating: 0.0, count: n)
            for i in 0..<n {
                var s = i == col ? 1.0 : 0.0
                for k in 0..<i { s -= c[i][k] * y[k] }
                y[i] = s / c[i][i]
            }
            var x = Array(repeating: 0.0, count: n)
            for i in stride(from: n - 1, through: 0, by: -1) {
                var s = y[i]
                for k in (i + 1)..<n { s -= c[k][i] * x[k] }
                x[i] = s / c[i][i]
            }
            for i in 0..<n { inv[i][col] = x[i] }
        }
        return inv
    }

    var posteriorCovariance: [[Double]] {
        var m = Array(repeating: Array(repeating: 0.0, count: l), count: l)
        for i in 0..<l { for j in 0..<l {
            m[i][j] = (i == j ? 1 : 0) + (0..<d).reduce(0.0) { $0 + w[$1][i] * w[$1][j] } / (sigma * sigma)
        } }
        return Self.inverse(m)
    }

    /// A with posterior mean A (x − b): Σ Wᵀ / σ², L × D.
    var posteriorGain: [[Double]] {
        let s = posteriorCovariance
        return (0..<l).map { i in (0..<d).map { j in (0..<l).reduce(0.0) { $0 + s[i][$1] * w[j][$1] } / (sigma * sigma) } }
    }

    /// Exact log p(x).
    func logMarginal(_ x: [Double]) -> Double {
        var cov = Array(repeating: Array(repeating: 0.0, count: d), count: d)
        for i in 0..<d { for j in 0..<d {
            cov[i][j] = (0..<l).reduce(0.0) { $0 + w[i][$1] * w[j][$1] } + (i == j ? sigma * sigma : 0)
        } }
        let c = Self.cholesky(cov)
        var y = Array(repeating: 0.0, count: d)
        for i in 0..<d {
            var s = x[i] - b[i]
            for k in 0..<i { s -= c[i][k] * y[k] }
            y[i] = s / c[i][i]
        }
        let logDet = 2 * (0..<d).reduce(0.0) { $0 + Foundation.log(c[$1][$1]) }
        return -0.5 * (y.reduce(0) { $0 + $1 * $1 } + logDet + Double(d) * Foundation.log(2 * Double.pi))
    }

    /// `n` images x ~ p(x), as rows [n, D].
    func data(_ n: Int, rng: inout RandomGenerator) -> Tensor {
        let z = Tensor.normal([n, l], rng: &rng).scalars, e = Tensor.normal([n, d], rng: &rng).scalars
        var x: [Float] = []
        for r in 0..<n { for i in 0..<d {
            x.append(Float(b[i] + (0..<l).reduce(0.0) { $0 + w[i][$1] * Double(z[r * l + $1]) } + sigma * Double(e[r * d + i])))
        } }
        return Tensor(x, shape: [n, d])
    }

    /// One draw of the exact posterior per row of `x`: [N, L].
    func posteriorDraws(_ x: Tensor, rng: inout RandomGenerator) -> Tensor {
        let n = x.shape[0], a = posteriorGain, c = Self.cholesky(posteriorCovariance)
        let e = Tensor.normal([n, l], rng: &rng).scalars
        var z: [Float] = []
        for r in 0..<n { for i in 0..<l {
            let mu = (0..<d).reduce(0.0) { $0 + a[i][$1] * (Double(x.scalars[r * d + $1]) - b[$1]) }
            z.append(Float(mu + (0..<l).reduce(0.0) { $0 + c[i][$1] * Double(e[r * l + $1]) }))
        } }
        return Tensor(z, shape: [n, l])
    }

    /// An AVB model of [1, 1, D] "images" with a linear decoder equal to this model (Gaussian likelihood,
    /// std σ) when `hidden` is none and, with `exactEncoder`, a linear encoder that draws from the exact posterior.
    func model(hidden: String = "none", exactEncoder: Bool = true, extra: [(String, String)] = []) throws -> AVBModel {
        var words = ["--latent", "\(l)", "--hidden", hidden, "--likelihood", "gaussian", "--gaussian-std", "\(sigma)"]
        words += extra.flatMap { ["--" + $0.0, $0.1] }
        var options = AVBModel.defaultOptions
        let parser = OptionParser(specs: AVBModel.optionSpecs, owner: "avb")
        _ = try parser.parse(words, into: &options)
        var rng = RandomGenerator(seed: 9)
        let model = try AVBModel(options: options, context: ModelContext(imageShape: [1, 1, d]), rng: &rng)
        guard hidden == "none" else { return model }
        let decoder = model.avb.decoder.network.layers[0] as! Linear
        decoder.weight.assign(Tensor(w.flatMap { $0.map(Float.init) }, shape: [d, l]))
        decoder.bias!.assign(Tensor(b.map(Float.init)))
        if exactEncoder {
            let a = posteriorGain, c = Self.cholesky(posteriorCovariance)
            // z = A x − A b + C ε: the head sees [x, ε].
            let weight = (0..<l).flatMap { i in a[i].map(Float.init) + c[i].map(Float.init) }
            model.avb.encoder.head.weight.assign(Tensor(weight, shape: [l, d + l]))
            model.avb.encoder.head.bias!.assign(Tensor((0..<l).map { i in Float(-(0..<d).reduce(0.0) { $0 + a[i][$1] * b[$1] }) }))
        }
        return model
    }
}

@Suite struct AVBTests {
    /// 2 latent dimensions, 3 pixels: a posterior with correlated dimensions, which the diagonal proposal ignores.
    static let linear = LinearGaussian(w: [[1.0, 0.3], [-0.6, 0.8], [0.4, -0.5]], b: [0.2, 0.1, -0.3], sigma: 0.5)

    @Test func importanceSamplingWithTheFittedProposalMatchesTheExactLikelihood() throws {
        let m = Self.linear
        let model = try m.model()
        var rng = RandomGenerator(seed: 1)
        let x = m.data(16, rng: &rng)
        let exact = (0..<16).map { r in -m.logMarginal((0..<3).map { Double(x.scalars[r * 3 + $0]) }) }
        let nll = model.avb.importanceSampledNLL(x, samples: 2_000, rng: &rng)
        for (e, got) in zip(exact, nll) { #expect(Swift.abs(e - got) < 0.03, "exact −log p(x) \(e), IS with fitted proposal \(got)") }
        // The estimate through the model's likelihood metrics is the same estimator, as a mean.
        let metrics = Dictionary(uniqueKeysWithValues: model.likelihoodMetrics(x, labels: Array(repeating: 0, count: 16), nllSamples: 2_000, rng: &rng))
        let mean = exact.reduce(0, +) / 16
        #expect(Swift.abs(metrics["is_nll"]! - mean) < 0.02, "\(metrics)")
        // A proposal fitted to a poor q (an untrained encoder).
        let poor = try m.model(exactEncoder: false)
        let loose = poor.avb.importanceSampledNLL(x, samples: 4_000, rng: &rng)
        let looseMean = loose.reduce(0, +) / 16
        // The widened mixture keeps the estimate close even when q is far from the posterior.
        #expect(looseMean.isFinite && Swift.abs(looseMean - mean) < 0.1, "poor proposal: \(looseMean) vs exact \(mean)")
    }

    @Test func aProposalIsMomentMatched() {
        // q: z = 2 + 0.5 ε in one dimension (draws of a known Gaussian).
        var rng = RandomGenerator(seed: 3)
        let fit = FittedProposal(draws: 20_000)
            .fit(Tensor([0, 0], shape: [2, 1]), draw: { xs, r in Tensor.normal([xs.shape[0], 1], mean: 2, std: 0.5, rng: &r) }, rng: &rng)
        #expect(fit.mean.shape == [2, 1] && fit.std.shape == [2, 1])
        for v in fit.mean.scalars { #expect(Swift.abs(v - 2) < 0.02) }
        for v in fit.std.scalars { #expect(Swift.abs(v - 0.5) < 0.02) }
    }

    /// The mixture's density integrates to one: on a fine 1-D grid, Σ r(z) Δz ≈ 1, and with one component it is the Gaussian.
    @Test func theWidenedMixtureIsADensity() {
        let proposal = FittedProposal(widenings: [1, 2, 4])
        let share = [1.0 / 3, 1.0 / 3, 1.0 / 3]
        let sigma = 0.7, step = 0.001
        var total = 0.0
        for i in -30_000...30_000 {
            let z = Double(i) * step
            total += Foundation.exp(proposal.logMixture(z * z / (sigma * sigma), logScale: Foundation.log(sigma), l: 1, share: share)) * step
        }
        #expect(Swift.abs(total - 1) < 1e-3, "∫ r = \(total)")
        let single = FittedProposal(widenings: [1]).logMixture(0.25, logScale: Foundation.log(sigma), l: 1, share: [1])
        let gaussian = -0.125 - Foundation.log(sigma) - 0.5 * Foundation.log(2 * Double.pi)
        #expect(Swift.abs(single - gaussian) < 1e-6)
    }

    /// 1-D latent, 2 pixels; q is the exact posterior of a linear-Gaussian model (Gaussian, known), p = N(0, 1).
    /// The model's T, trained by its own steps with the logistic loss, approaches log q(z|x) − log p(z) where q
    /// has its mass, its probabilities σ(T) approach q/(q + p) everywhere, and E_q[T] approaches KL(q ‖ p).
    @Test func theDiscriminatorApproachesTheLogDensityRatio() throws {
        let m = LinearGaussian(w: [[1.0], [-0.6]], b: [0.2, 0.1], sigma: 0.5)
        let model = try m.model(hidden: "64,64", exactEncoder: false, extra: [("d-lr", "0.003")])
        var rng = RandomGenerator(seed: 5)
        let s2 = m.posteriorCovariance[0][0], a = m.posteriorGain[0]
        func logRatio(_ x: Tensor, _ z: Tensor) -> [Double] {
            (0..<x.shape[0]).map { r in
                let mu = a[0] * (Double(x.scalars[2 * r]) - m.b[0]) + a[1] * (Double(x.scalars[2 * r + 1]) - m.b[1])
                let v = Double(z.scalars[r])
                return -0.5 * Foundation.log(s2) - (v - mu) * (v - mu) / (2 * s2) + v * v / 2
            }
        }
        for _ in 0..<2_500 {
            let x = m.data(256, rng: &rng)
            model.discriminatorStep(x, posterior: m.posteriorDraws(x, rng: &rng), prior: Tensor.normal([256, 1], rng: &rng))
        }
        let x = m.data(4_000, rng: &rng)
        let zq = m.posteriorDraws(x, rng: &rng), zp = Tensor.normal([4_000, 1], rng: &rng)
        let tq = withoutGradient { model.avb.discriminator(x, zq) }.scalars.map { Double($0) }
        let tp = withoutGradient { model.avb.discriminator(x, zp) }.scalars.map { Double($0) }
        let rq = logRatio(x, zq), rp = logRatio(x, zp)
        func sigmoid(_ v: Double) -> Double { 1 / (1 + Foundation.exp(-v)) }
        let errorQ = zip(tq, rq).map { Swift.abs($0 - $1) }.reduce(0, +) / 4_000
        // Far out in p's tails log q − log p runs to −∞ and the logistic loss stops caring: compare probabilities there.
        let errorP = zip(tp, rp).map { Swift.abs(sigmoid($0) - sigmoid($1)) }.reduce(0, +) / 4_000
        #expect(errorQ < 0.15 && errorP < 0.05, "mean |T − (log q − log p)| on q's draws \(errorQ); mean |σ(T) − q/(q+p)| on p's \(errorP)")
        // E_q[T] against KL(q ‖ p) (the exact log ratio averaged over the same draws).
        let kl = rq.reduce(0, +) / 4_000, estimate = tq.reduce(0, +) / 4_000
        #expect(Swift.abs(estimate - kl) < 0.1, "E_q[T] \(estimate), KL \(kl)")
    }

    @Test func theDiscriminatorLossIsTheMeanOfItsTwoLogisticTerms() throws {
        let model = try Self.linear.model()
        var rng = RandomGenerator(seed: 2)
        let x = Self.linear.data(4, rng: &rng), zq = Tensor.normal([4, 2], rng: &rng), zp = Tensor.normal([4, 2], rng: &rng)
        let l = model.avb.discriminatorLoss(x, posterior: zq, prior: zp)
        func sp(_ v: Float) -> Double { Foundation.log1p(Foundation.exp(Double(v))) }
        let tq = model.avb.discriminator(x, zq).scalars, tp = model.avb.discriminator(x, zp).scalars
        let wantQ = tq.map { sp(-$0) }.reduce(0, +) / 4, wantP = tp.map { sp($0) }.reduce(0, +) / 4
        #expect(Swift.abs(Double(l.posterior.item) - wantQ) < 1e-5 && Swift.abs(Double(l.prior.item) - wantP) < 1e-5)
        #expect(Swift.abs(Double(l.loss.item) - (wantQ + wantP) / 2) < 1e-5)
    }

    /// 8×8 bars in four classes; a tiny AVB's reconstruction error falls, and each step moves only its own networks.
    @Test func aTinyAVBLearns() throws {
        var pixels: [Float] = []
        for i in 0..<64 { for y in 0..<8 { for x in 0..<8 { pixels.append((i % 2 == 0 ? y : x) / 2 == (i / 2) % 4 ? 0.95 : 0.05) } } }
        let images = Tensor(pixels, shape: [64, 64])
        var options = AVBModel.defaultOptions
        options.network.latent = 2
        options.network.hidden = [32]
        options.optimizer.learningRate = 3e-3
        var rng = RandomGenerator(seed: 4)
        let model = try AVBModel(options: options, context: ModelContext(imageShape: [1, 8, 8]), rng: &rng)
        let before = Dictionary(uniqueKeysWithValues: model.validate(images, labels: [], rng: &rng))
        let d0 = model.avb.discriminator.parameters().map(\.value.scalars)
        let dec0 = model.avb.decoder.parameters().map(\.value.scalars)
        model.discriminatorStep(images, posterior: withoutGradient { model.avb.sampleCodes(images, rng: &rng) }, prior: Tensor.normal([64, 2], rng: &rng))
        #expect(model.avb.decoder.parameters().map(\.value.scalars) == dec0, "T's step leaves the decoder alone")
        #expect(model.avb.discriminator.parameters().map(\.value.scalars) != d0)
        for epoch in 1...150 {
            let metrics = try model.trainStep(images, labels: [], epoch: epoch, rng: &rng)
            #expect(metrics.map(\.0) == ["loss", "reconstruction", "kl_t", "t_loss"] && metrics.allSatisfy { $0.1.isFinite })
        }
        #expect(model.avb.discriminator.parameters().allSatisfy { !$0.isFrozen }, "T is unfrozen after the encoder/decoder step")
        let after = Dictionary(uniqueKeysWithValues: model.validate(images, labels: [], rng: &rng))
        #expect(after["reconstruction"]! < 0.6 * before["reconstruction"]!, "reconstruction \(before["reconstruction"]!) → \(after["reconstruction"]!)")
        // Codes are repeatable means of q's draws; samples and reconstructions are images in [0, 1].
        let codes = try model.encode(images.rows(0..<4), labels: [])
        let again = try model.encode(images.rows(0..<4), labels: [])
        #expect(codes.shape == [4, 2] && codes.scalars == again.scalars)
        let samples = model.sample(5, rng: &rng), recon = try model.reconstruct(images.rows(0..<3), labels: [], rng: &rng)
        #expect(samples.shape == [5, 64] && recon.shape == [3, 64])
        #expect((samples.scalars + recon.scalars).allSatisfy { $0 >= 0 && $0 <= 1 })
        let likelihood = model.likelihoodMetrics(images, labels: [], nllSamples: 50, rng: &rng).map(\.0)
        #expect(likelihood == ["neg_elbo_t", "reconstruction", "kl_t", "is_nll"])
    }

    @Test func theSameWordsBuildTheVAEsDecoder() throws {
        let words = ["--latent", "3", "--hidden", "16,8", "--likelihood", "gaussian-learned", "--lr", "0.002"]
        var rng = RandomGenerator(seed: 1)
        var vaeOptions = VAEModel.defaultOptions, avbOptions = AVBModel.defaultOptions
        _ = try OptionParser(specs: VAEModel.optionSpecs, owner: "vae").parse(words, into: &vaeOptions)
        _ = try OptionParser(specs: AVBModel.optionSpecs, owner: "avb").parse(words, into: &avbOptions)
        #expect(vaeOptions.network == avbOptions.network && vaeOptions.optimizer == avbOptions.optimizer)
        let context = ModelContext(imageShape: [1, 4, 4])
        let vae = try VAEModel(options: vaeOptions, context: context, rng: &rng), avb = try AVBModel(options: avbOptions, context: context, rng: &rng)
        let shapes = { (state: [String: Tensor]) in state.filter { $0.key.hasPrefix("decoder.") }.mapValues(\.shape) }
        #expect(!shapes(vae.modelState()).isEmpty && shapes(vae.modelState()) == shapes(avb.modelState()))
    }
}

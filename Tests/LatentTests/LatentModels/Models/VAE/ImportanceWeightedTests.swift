import Foundation
import Testing
@testable import Latent

/// IWAE (Burda et al. 2016): the K-sample importance-weighted bound as the VAE's objective.
@Suite struct ImportanceWeightedTests {
    func batch(_ n: Int, pixels: Int, seed: UInt64) -> Tensor {
        var rng = RandomGenerator(seed: seed)
        return Tensor.bernoulli(Tensor.full([n, pixels], 0.5), rng: &rng)
    }

    /// With K = 1 the IWAE loss is the −ELBO (analytic KL for the standard prior), bit for bit, for every prior.
    @Test func oneSampleIsTheNegativeELBOBitForBit() {
        for prior in PriorKind.allCases {
            var rng = RandomGenerator(seed: 1)
            let vae = VAE(VAEArchitecture(body: .mlp, imageShape: [1, 3, 3], latent: 2, hidden: [8], prior: prior, components: 3), rng: &rng)
            let x = batch(10, pixels: 9, seed: 2)
            var a = RandomGenerator(seed: 5), b = RandomGenerator(seed: 5)
            let iwae = vae.negativeIWAEBound(x, samples: 1, rng: &a)
            let elbo = vae.negativeELBO(x, rng: &b)
            #expect(iwae.loss.item == elbo.loss.item, "\(prior)")
            #expect(iwae.reconstruction.item == elbo.reconstruction.item && iwae.kl.item == elbo.kl.item, "\(prior)")
        }
    }

    /// `--iw-samples 1` trains exactly the plain VAE: the same metrics and the same weights after a step.
    @Test func iwSamplesOneIsTodaysVAE() throws {
        let context = ModelContext(imageShape: [1, 3, 3])
        var plain = VAEModel.defaultOptions
        plain.network.latent = 2
        plain.network.hidden = [8]
        var one = plain
        one.iwSamples = 1
        var r1 = RandomGenerator(seed: 3), r2 = RandomGenerator(seed: 3)
        let m1 = try VAEModel(options: plain, context: context, rng: &r1)
        let m2 = try VAEModel(options: one, context: context, rng: &r2)
        let x = batch(12, pixels: 9, seed: 4)
        let a = try m1.trainStep(x, labels: [], epoch: 1, rng: &r1)
        let b = try m2.trainStep(x, labels: [], epoch: 1, rng: &r2)
        #expect(a.map(\.0) == b.map(\.0) && a.map(\.1) == b.map(\.1))
        let (s1, s2) = (m1.modelState(), m2.modelState())
        #expect(s1.keys.sorted() == s2.keys.sorted())
        for key in s1.keys { #expect(s1[key]!.scalars == s2[key]!.scalars, "\(key)") }
    }

    /// A linear-Gaussian model, where log p(x) is known: p(z) = N(0, 1), p(x|z) = N(Wz + b, σ²I) in two pixels, so
    /// p(x) = N(b, WWᵀ + σ²I). With a deliberately imperfect q(z|x) the bound's mean grows with K, stays ≥ the ELBO
    /// and approaches log p(x) from below.
    @Test func theBoundGrowsWithKTowardsTheLogLikelihood() throws {
        let sigma: Float = 0.5
        var rng = RandomGenerator(seed: 7)
        let vae = VAE(VAEArchitecture(body: .mlp, imageShape: [1, 1, 2], latent: 1, hidden: [], likelihood: .gaussian, gaussianStd: sigma),
                      rng: &rng)
        let (w, b) = ([Float(1.0), 0.5], [Float(0.2), -0.1])
        let s2 = 1 / (1 + (w[0] * w[0] + w[1] * w[1]) / (sigma * sigma))   // the exact posterior's variance
        let a = w.map { $0 * s2 / (sigma * sigma) }                          // its mean is a·(x − b)
        var state = vae.stateDict()
        state["decoder.network.layers.0.weight"] = Tensor(w, shape: [2, 1])
        state["decoder.network.layers.0.bias"] = Tensor(b, shape: [2])
        // q(z|x): the mean shrunk to 60 %, the variance doubled.
        let shrunk = a.map { $0 * 0.6 }
        state["encoder.head.weight"] = Tensor([shrunk[0], shrunk[1], 0, 0], shape: [2, 2])
        state["encoder.head.bias"] = Tensor([-(shrunk[0] * b[0] + shrunk[1] * b[1]), Float(Foundation.log(Double(2 * s2)))], shape: [2])
        try vae.loadStateDict(state)

        let points: [[Double]] = [[0.3, 0.1], [1.5, 0.4], [-1.0, -0.8], [0.9, -0.6]]
        let copies = 200
        let x = Tensor(points.flatMap { p in (0..<copies).flatMap { _ in p.map(Float.init) } }, shape: [points.count * copies, 2])
        // log N(x; b, C) with C = WWᵀ + σ²I, a 2×2 by hand.
        let (c00, c01, c11) = (Double(w[0] * w[0] + sigma * sigma), Double(w[0] * w[1]), Double(w[1] * w[1] + sigma * sigma))
        let det = c00 * c11 - c01 * c01
        let logPx = points.map { p -> Double in
            let (d0, d1) = (p[0] - Double(b[0]), p[1] - Double(b[1]))
            let quad = (c11 * d0 * d0 - 2 * c01 * d0 * d1 + c00 * d1 * d1) / det
            return -0.5 * (quad + Foundation.log(det) + 2 * Foundation.log(2 * Double.pi))
        }.reduce(0, +) / Double(points.count)

        var bounds: [Int: Double] = [:]
        var elbo = 0.0
        withoutGradient {
            for k in [1, 5, 50, 500] {
                var r = RandomGenerator(seed: UInt64(100 + k))
                let t = vae.negativeIWAEBound(x, samples: k, rng: &r)
                bounds[k] = -Double(t.loss.item)
                if k == 5 { elbo = -Double(t.negativeELBO.item) }
            }
        }
        let (b1, b5, b50, b500) = (bounds[1]!, bounds[5]!, bounds[50]!, bounds[500]!)
        #expect(b1 < b5 && b5 < b50 && b50 < b500, "IWAE_K must grow with K: \(b1), \(b5), \(b50), \(b500)")
        #expect(b5 > elbo, "IWAE_5 \(b5) ≥ ELBO \(elbo)")
        #expect(Swift.abs(elbo - b1) < 0.05, "the ELBO of the K = 5 draws \(elbo) matches IWAE_1 \(b1)")
        #expect(logPx - b1 > 0.1, "the imperfect q leaves a gap: log p(x) \(logPx), ELBO \(b1)")
        #expect(b500 <= logPx + 0.01 && logPx - b500 < 0.02 * (logPx - b1), "IWAE_500 \(b500) → log p(x) \(logPx)")
    }

    /// The IWAE gradient (self-normalised importance weights, reparameterised) against central finite differences
    /// on a tiny model with a fixed noise draw, for the standard and the MoG prior.
    @Test func gradientMatchesFiniteDifferences() throws {
        for prior in [PriorKind.standard, .mog] {
            var rng = RandomGenerator(seed: 11)
            // No hidden layer: no ReLU kink for a finite difference to straddle.
            let vae = VAE(VAEArchitecture(body: .mlp, imageShape: [1, 1, 3], latent: 2, hidden: [], prior: prior, components: 2), rng: &rng)
            let x = Tensor([1, 0, 1, 0, 0, 1, 1, 1, 0], shape: [3, 3])
            func loss() -> Tensor {
                var r = RandomGenerator(seed: 42)
                return vae.negativeIWAEBound(x, samples: 4, rng: &r).loss
            }
            for p in vae.parameters() { p.zeroGrad() }
            loss().backward()
            let step: Float = 1e-2
            for (name, p) in vae.namedParameters() {
                let grad = try #require(p.grad, "\(name) has no gradient").scalars
                for i in Swift.stride(from: 0, to: p.value.count, by: Swift.max(1, p.value.count / 4)) {
                    p.update { v, _ in v[i] += step }
                    let up = Double(withoutGradient { loss().item })
                    p.update { v, _ in v[i] -= 2 * step }
                    let down = Double(withoutGradient { loss().item })
                    p.update { v, _ in v[i] += step }
                    let numeric = (up - down) / Double(2 * step)
                    #expect(Swift.abs(Double(grad[i]) - numeric) <= 2e-3 + 2e-2 * Swift.abs(numeric),
                            "\(prior) \(name)[\(i)]: analytic \(grad[i]), numeric \(numeric)")
                }
            }
        }
    }

    /// The option: a count, refused with β, warm-up, free bits or a TC weight, accepted with every prior.
    @Test func theOptionIsCheckedAgainstTheOthers() throws {
        let (settings, _) = try VAEModel.parseSettings(["--iw-samples", "5", "--prior", "vamp"])
        #expect(settings.model.iwSamples == 5)
        expectLatentError(["--iw-samples does nothing without --beta 1"]) { _ = try VAEModel.parseSettings(["--iw-samples", "5", "--beta", "2"]) }
        expectLatentError(["--iw-samples does nothing without --beta 1"]) { _ = try ConvVAEModel.parseSettings(["--iw-samples", "5", "--free-bits", "0.5"]) }
        expectLatentError(["--iw-samples must be from 1"]) { _ = try VAEModel.parseSettings(["--iw-samples", "0"]) }
    }

    /// A training step reports the bound and the ELBO; validation reports both, the bound above the ELBO's −value.
    @Test func metricsNameTheBoundAndTheELBO() throws {
        var options = VAEModel.defaultOptions
        options.network.latent = 2
        options.network.hidden = [8]
        options.iwSamples = 5
        var rng = RandomGenerator(seed: 5)
        let model = try VAEModel(options: options, context: ModelContext(imageShape: [1, 3, 3]), rng: &rng)
        let x = batch(40, pixels: 9, seed: 6)
        let train = try model.trainStep(x, labels: [], epoch: 1, rng: &rng)
        #expect(train.map(\.0) == ["loss", "neg_elbo", "reconstruction", "kl"])
        let val = Dictionary(uniqueKeysWithValues: model.validate(x, labels: [], rng: &rng))
        #expect(Set(val.keys) == ["loss", "neg_elbo", "reconstruction", "kl", "active_units"])
        #expect(val["loss"]! <= val["neg_elbo"]! + 0.05, "−IWAE_5 \(val["loss"]!) vs −ELBO \(val["neg_elbo"]!)")
        #expect(model.charts[0].keys.contains("val_neg_elbo"))
    }
}

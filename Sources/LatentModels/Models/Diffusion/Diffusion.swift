import Foundation
import LatentTensor
import LatentNN
import LatentData
import LatentOutput

/// The mathematics of a DDPM (Ho et al. 2020) around a noise-predicting
/// network, on images in [−1, 1] as rows [N, C·H·W]: the forward sampler
/// q(x_t | x_0), the ε-prediction loss, the ancestral chain, DDIM (Song et al.
/// 2021) in few steps and the variational bound L_T + Σ L_{t−1} + L_0.
/// Step indices are t − 1 (0 … T − 1).
///
/// ```swift
/// let diffusion = Diffusion(schedule: NoiseSchedule(.linear, timesteps: 1000), imageShape: [1, 28, 28])
/// let loss = diffusion.loss(net, x0, rng: &rng)                       // mean (ε̂ − ε)²
/// let images = diffusion.sampleDDIM(net, count: 16, steps: 50, rng: &rng)
/// ```
public struct Diffusion: Sendable {
    public let schedule: NoiseSchedule
    /// [C, H, W].
    public let imageShape: [Int]
    /// Rows per network call while sampling or bounding.
    public var chunk = 256

    public init(schedule: NoiseSchedule, imageShape: [Int]) {
        self.schedule = schedule
        self.imageShape = imageShape
    }

    var pixelCount: Int { imageShape.reduce(1, *) }

    /// A per-row coefficient column [N, 1] from per-step values.
    func column(_ table: [Double], _ steps: [Int]) -> Tensor {
        Tensor(steps.map { Float(table[$0]) }, shape: [steps.count, 1])
    }

    /// x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε, row by row.
    public func noised(_ x0: Tensor, steps: [Int], noise: Tensor) -> Tensor {
        x0 * column(schedule.alphaBar.map { $0.squareRoot() }, steps) + noise * column(schedule.alphaBar.map { (1 - $0).squareRoot() }, steps)
    }

    /// ε_θ(x_t, t) for rows.
    func predictNoise(_ net: UNet, _ x: Tensor, steps: [Int]) -> Tensor {
        net(x.reshaped([x.shape[0]] + imageShape), steps: steps).reshaped([x.shape[0], pixelCount])
    }

    /// The training objective of Ho et al. (L_simple): t uniform over 1…T, ε ~ N(0, I),
    /// the mean over pixels and rows of (ε_θ(x_t, t) − ε)².
    public func loss(_ net: UNet, _ x0: Tensor, rng: inout RandomGenerator) -> Tensor {
        let n = x0.shape[0]
        let steps = (0..<n).map { _ in Int(rng.next() % UInt64(schedule.timesteps)) }
        let noise = Tensor.normal(x0.shape, rng: &rng)
        let predicted = predictNoise(net, noised(x0, steps: steps, noise: noise), steps: steps)
        return Loss.meanSquaredError(predicted, noise)
    }

    /// x̂_0 from x_t and ε̂, clipped to [−1, 1], and the noise consistent with the clipped x̂_0:
    /// x_t = √ᾱ x̂_0 + √(1 − ᾱ) ε.
    func denoised(_ x: Tensor, noise: Tensor, steps: [Int]) -> (x0: Tensor, noise: Tensor) {
        let root = column(schedule.alphaBar.map { $0.squareRoot() }, steps)
        let rootComplement = column(schedule.alphaBar.map { (1 - $0).squareRoot() }, steps)
        let x0 = ((x - noise * rootComplement) / root).clamped(min: -1, max: 1)
        return (x0, (x - x0 * root) / rootComplement)
    }

    /// The mean of p_θ(x_{t−1} | x_t): the posterior mean c₀ x̂_0 + c_t x_t at the clipped x̂_0.
    func modelMean(_ net: UNet, _ x: Tensor, steps: [Int]) -> (mean: Tensor, x0: Tensor) {
        let x0 = denoised(x, noise: predictNoise(net, x, steps: steps), steps: steps).x0
        return (x0 * column(schedule.posteriorMeanX0, steps) + x * column(schedule.posteriorMeanXt, steps), x0)
    }

    /// The ancestral chain x_T ~ N(0, I) → x_0 with x_{t−1} = μ_θ(x_t, t) + √β̃_t z (z = 0 at the last step):
    /// T network calls per image. `progress` advances by `count` per step.
    public func sampleAncestral(_ net: UNet, count: Int, rng: inout RandomGenerator, progress: LatentOutput.Progress? = nil) -> Tensor {
        withoutGradient {
            var x = Tensor.normal([count, pixelCount], rng: &rng)
            for i in stride(from: schedule.timesteps - 1, through: 0, by: -1) {
                let mean = inChunks(x) { modelMean(net, $0, steps: Array(repeating: i, count: $0.shape[0])).mean }
                x = i > 0 ? mean + Tensor.normal(x.shape, rng: &rng) * Float(schedule.posteriorVariance[i].squareRoot()) : mean
                progress?.advance(by: count, status: "step \(schedule.timesteps - i)/\(schedule.timesteps)")
            }
            return x
        }
    }

    /// DDIM (Song et al. 2021) over `steps` evenly spaced steps τ: x_{τ'} = √ᾱ_{τ'} x̂_0 + √(1 − ᾱ_{τ'} − σ²) ε̂ + σ z with
    /// σ = η √((1 − ᾱ_{τ'})/(1 − ᾱ_τ)) √(1 − ᾱ_τ/ᾱ_{τ'}); η = 0 is the deterministic sampler, and η = 1 with
    /// `steps` = T is the ancestral chain step for step.
    public func sampleDDIM(_ net: UNet, count: Int, steps: Int, eta: Float = 0, rng: inout RandomGenerator, progress: LatentOutput.Progress? = nil) -> Tensor {
        let taus = schedule.strided(steps)
        return withoutGradient {
            var x = Tensor.normal([count, pixelCount], rng: &rng)
            for k in stride(from: taus.count - 1, through: 0, by: -1) {
                let i = taus[k]
                let previous = k > 0 ? schedule.alphaBar[taus[k - 1]] : 1
                let current = schedule.alphaBar[i]
                let sigma = Double(eta) * ((1 - previous) / (1 - current) * (1 - current / previous)).squareRoot()
                let direction = Swift.max(1 - previous - sigma * sigma, 0).squareRoot()
                x = inChunks(x) { rows in
                    let steps = Array(repeating: i, count: rows.shape[0])
                    let (x0, noise) = denoised(rows, noise: predictNoise(net, rows, steps: steps), steps: steps)
                    return x0 * Float(previous.squareRoot()) + noise * Float(direction)
                }
                if sigma > 0 { x = x + Tensor.normal(x.shape, rng: &rng) * Float(sigma) }
                progress?.advance(by: count, status: "step \(taus.count - k)/\(taus.count)")
            }
            return x
        }
    }

    /// `body` on at most `chunk` rows at a time, joined.
    func inChunks(_ x: Tensor, _ body: (Tensor) -> Tensor) -> Tensor {
        let n = x.shape[0]
        if n <= chunk { return body(x) }
        return Tensor.concatenate(stride(from: 0, to: n, by: chunk).map { body(x.rows($0..<Swift.min($0 + chunk, n))) }, axis: 0)
    }

    // MARK: the variational bound

    /// The terms of −log p(x_0) ≤ L_T + Σ_{t=2}^T L_{t−1} + L_0 per image, in nats.
    public struct Bound: Sendable {
        /// L_T = KL(q(x_T | x_0) ‖ N(0, I)), exact.
        public var prior: [Double]
        /// L_0 = −log p_θ(x_0 | x_1) under the discretized Gaussian decoder, one draw of x_1.
        public var decoder: [Double]
        /// Σ_{t=2}^T L_{t−1}, estimated from sampled steps with importance weights.
        public var diffusion: [Double]
        /// The variance of each image's `diffusion` estimate (nats²), from the spread of its weighted terms.
        public var diffusionVariance: [Double]
        public var total: [Double] { prior.indices.map { prior[$0] + decoder[$0] + diffusion[$0] } }
    }

    /// KL(q(x_T | x_0) ‖ N(0, I)) per row, summed over pixels.
    public func priorTerm(_ x0: Tensor) -> [Double] {
        let a = schedule.alphaBar[schedule.timesteps - 1]
        let constant = (1 - a) - 1 - log(1 - a)
        let d = pixelCount
        let values = x0.scalars
        return (0..<x0.shape[0]).map { r in
            var s = 0.0
            for j in 0..<d { let v = Double(values[r * d + j]); s += a * v * v + constant }
            return 0.5 * s
        }
    }

    /// −log of the discretized Gaussian N(mean, σ²) over 256 bins of width 2/255 covering [−1, 1]
    /// (the outer bins reach to ±∞), per row, summed over pixels (Ho et al., eq. 13).
    public static func discretizedGaussianNLL(_ x0: Tensor, mean: Tensor, variance: Double) -> [Double] {
        let (xs, ms) = (x0.scalars, mean.scalars)
        let d = x0.shape[1]
        let invStd = 1 / variance.squareRoot()
        func cdf(_ z: Double) -> Double { 0.5 * erfc(-z / 2.0.squareRoot()) }
        return (0..<x0.shape[0]).map { r in
            var s = 0.0
            for j in 0..<d {
                let x = Double(xs[r * d + j]), centered = x - Double(ms[r * d + j])
                let upper = x > 0.999 ? 1 : cdf((centered + 1 / 255) * invStd)
                let lower = x < -0.999 ? 0 : cdf((centered - 1 / 255) * invStd)
                s -= log(Swift.max(upper - lower, 1e-12))
            }
            return s
        }
    }

    /// L_{t−1} = KL(q(x_{t−1} | x_t, x_0) ‖ p_θ(x_{t−1} | x_t)) per row for step indices ≥ 1 (t ≥ 2), one draw
    /// of x_t each: both Gaussians have variance β̃_t, so the KL is ‖μ̃ − μ_θ‖² / (2β̃_t). One network call.
    func diffusionTerms(_ net: UNet, _ x0: Tensor, steps: [Int], rng: inout RandomGenerator) -> [Double] {
        let xt = noised(x0, steps: steps, noise: Tensor.normal(x0.shape, rng: &rng))
        let trueMean = x0 * column(schedule.posteriorMeanX0, steps) + xt * column(schedule.posteriorMeanXt, steps)
        let squared = (modelMean(net, xt, steps: steps).mean - trueMean).pow(2).sum(axis: 1)
        return zip(squared.scalars, steps).map { Double($0) / (2 * schedule.posteriorVariance[$1]) }
    }

    /// The bound on `x0` [N, D] in [−1, 1]: L_T exactly, L_0 from one draw of x_1, and Σ_{t≥2} L_{t−1} from
    /// `samples` step indices per image drawn from `proposal` (probabilities over indices 1 … T − 1), each term
    /// weighted by 1/proposal, so the estimate is unbiased for every proposal that covers every step.
    public func bound(_ net: UNet, _ x0: Tensor, samples: Int, proposal: [Double], rng: inout RandomGenerator) -> Bound {
        withoutGradient {
            let n = x0.shape[0], t = schedule.timesteps
            precondition(proposal.count == t - 1, "the proposal covers the steps 2 … T")
            // L_0: the decoder at step index 0 with variance β̃_2.
            let x1 = noised(x0, steps: Array(repeating: 0, count: n), noise: Tensor.normal(x0.shape, rng: &rng))
            let mean0 = inChunks(x1) { modelMean(net, $0, steps: Array(repeating: 0, count: $0.shape[0])).mean }
            let decoder = Self.discretizedGaussianNLL(x0, mean: mean0, variance: schedule.modelVariance(0))
            // Σ L_{t−1}: `samples` indices per image from the proposal, chunked so each network call sees ≤ chunk rows.
            var cumulative: [Double] = [], running = 0.0
            for p in proposal { running += p; cumulative.append(running) }
            var weighted = [[Double]](repeating: [], count: n)
            let pairs = (0..<n).flatMap { image in (0..<samples).map { _ in (image, Self.draw(cumulative, rng: &rng) + 1) } }
            for start in stride(from: 0, to: pairs.count, by: chunk) {
                let part = pairs[start..<Swift.min(start + chunk, pairs.count)]
                let terms = diffusionTerms(net, x0.gatherRows(part.map(\.0)), steps: part.map(\.1), rng: &rng)
                for ((image, step), term) in zip(part, terms) { weighted[image].append(term / proposal[step - 1]) }
            }
            let estimate = weighted.map { $0.reduce(0, +) / Double(samples) }
            let variance = weighted.indices.map { i -> Double in
                guard samples > 1 else { return .nan }
                let m = estimate[i]
                return weighted[i].reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(samples - 1) / Double(samples)
            }
            return Bound(prior: priorTerm(x0), decoder: decoder, diffusion: estimate, diffusionVariance: variance)
        }
    }

    /// Every L_{t−1} (t = 2 … T) of one image, each from one draw of x_t: the profile the proposal follows.
    public func diffusionProfile(_ net: UNet, _ x0: Tensor, rng: inout RandomGenerator) -> [Double] {
        withoutGradient {
            let all = Array(1..<schedule.timesteps)
            return stride(from: 0, to: all.count, by: chunk).flatMap { start -> [Double] in
                let steps = Array(all[start..<Swift.min(start + chunk, all.count)])
                return diffusionTerms(net, x0.gatherRows(Array(repeating: 0, count: steps.count)), steps: steps, rng: &rng)
            }
        }
    }

    /// A proposal over the steps 2 … T: half proportional to `profile`, half uniform (so no step is starved).
    public static func proposal(following profile: [Double]) -> [Double] {
        let total = profile.reduce(0) { $0 + Swift.max($1, 0) }
        let uniform = 1 / Double(profile.count)
        guard total > 0, total.isFinite else { return Array(repeating: uniform, count: profile.count) }
        return profile.map { 0.5 * Swift.max($0, 0) / total + 0.5 * uniform }
    }

    /// An index drawn with probabilities given by their running sums.
    static func draw(_ cumulative: [Double], rng: inout RandomGenerator) -> Int {
        let u = Double(rng.nextUniform()) * cumulative[cumulative.count - 1]
        var (low, high) = (0, cumulative.count - 1)
        while low < high {
            let mid = (low + high) / 2
            if cumulative[mid] > u { high = mid } else { low = mid + 1 }
        }
        return low
    }
}

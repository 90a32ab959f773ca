import Foundation
import LatentTensor

/// Exact t-SNE (van der Maaten & Hinton 2008) for up to a few thousand
/// points: Gaussian affinities whose precisions are found by binary search to
/// match the perplexity, symmetrised; Student-t affinities in 2-D; gradient
/// descent with momentum (0.5, then 0.8) and early exaggeration (×12 for the
/// first 250 iterations). O(N²) per iteration.
///
/// ```swift
/// let map = TSNE.embed(codes, perplexity: 30, rng: &rng)   // [N, 2]
/// let watched = TSNE.embed(codes, rng: &rng) { done, kl in print("iteration \(done)/1000, KL \(kl) nats") }
/// ```
public enum TSNE {
    /// `progress`, when given, is called every `progressEvery` iterations and after the last one with the
    /// number of iterations done and the KL divergence KL(P‖Q) of the current map, in nats (the quantity
    /// t-SNE minimises; it falls as the map improves).
    public static func embed(_ x: Tensor, perplexity: Double = 30, iterations: Int = 1_000, learningRate: Double = 200,
                             progressEvery: Int = 50, rng: inout RandomGenerator,
                             progress: ((_ iterationsDone: Int, _ klDivergence: Double) -> Void)? = nil) -> Tensor {
        let (n, d) = (x.shape[0], x.shape[1])
        precondition(n >= 4, "t-SNE needs at least 4 points")
        let v = x.scalars.map(Double.init)
        var dist = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in (i + 1)..<n {
            var s = 0.0
            for t in 0..<d { let q = v[i * d + t] - v[j * d + t]; s += q * q }
            dist[i * n + j] = s; dist[j * n + i] = s
        } }
        let p = affinities(dist, n: n, perplexity: Swift.min(perplexity, Double(n - 1) / 3))
        var y = (0..<(2 * n)).map { _ in Double(rng.nextNormal()) * 1e-2 }
        var velocity = [Double](repeating: 0, count: 2 * n), gains = [Double](repeating: 1, count: 2 * n)
        var q = [Double](repeating: 0, count: n * n)
        for iteration in 0..<iterations {
            let exaggeration = iteration < 250 ? 12.0 : 1.0
            let momentum = iteration < 250 ? 0.5 : 0.8
            var z = 0.0
            for i in 0..<n { for j in (i + 1)..<n {
                let dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1]
                let w = 1 / (1 + dx * dx + dy * dy)
                q[i * n + j] = w; q[j * n + i] = w
                z += 2 * w
            } }
            for i in 0..<n {
                var gx = 0.0, gy = 0.0
                for j in 0..<n where j != i {
                    let w = q[i * n + j]
                    let f = (exaggeration * p[i * n + j] - w / z) * w
                    gx += f * (y[2 * i] - y[2 * j]); gy += f * (y[2 * i + 1] - y[2 * j + 1])
                }
                for (c, g) in [(0, 4 * gx), (1, 4 * gy)] {
                    let k = 2 * i + c
                    // Adaptive gains, as in the reference implementation.
                    gains[k] = (g > 0) != (velocity[k] > 0) ? gains[k] + 0.2 : Swift.max(gains[k] * 0.8, 0.01)
                    velocity[k] = momentum * velocity[k] - learningRate * gains[k] * g
                }
            }
            for k in 0..<(2 * n) { y[k] += velocity[k] }
            let done = iteration + 1
            if let progress, done == iterations || (progressEvery > 0 && done % progressEvery == 0) {
                progress(done, klDivergence(p, map: y, n: n))
            }
        }
        return Tensor(y.map(Float.init), shape: [n, 2])
    }

    /// KL(P‖Q) in nats of the joint affinities `p` ([n·n], summing to 1) from the Student-t affinities Q
    /// of the 2-D map `y` ([x₀, y₀, x₁, y₁, …]); pairs with p = 0 contribute nothing.
    static func klDivergence(_ p: [Double], map y: [Double], n: Int) -> Double {
        var w = [Double](repeating: 0, count: n * n), z = 0.0
        for i in 0..<n { for j in (i + 1)..<n {
            let dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1]
            let v = 1 / (1 + dx * dx + dy * dy)
            w[i * n + j] = v; w[j * n + i] = v
            z += 2 * v
        } }
        var kl = 0.0
        for i in 0..<n { for j in 0..<n where j != i && p[i * n + j] > 0 {
            kl += p[i * n + j] * Foundation.log(p[i * n + j] * z / Swift.max(w[i * n + j], .leastNormalMagnitude))
        } }
        return kl
    }

    /// Symmetric P from squared distances, each row's precision set by binary search on its entropy.
    static func affinities(_ dist: [Double], n: Int, perplexity: Double) -> [Double] {
        let target = Foundation.log(perplexity)
        var p = [Double](repeating: 0, count: n * n)
        var row = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var (beta, low, high) = (1.0, 0.0, Double.infinity)
            for _ in 0..<64 {
                var sum = 0.0, weighted = 0.0
                let minD = (0..<n).filter { $0 != i }.map { dist[i * n + $0] }.min() ?? 0
                for j in 0..<n where j != i {
                    row[j] = Foundation.exp(-(dist[i * n + j] - minD) * beta)
                    sum += row[j]; weighted += row[j] * (dist[i * n + j] - minD)
                }
                let entropy = Foundation.log(sum) + beta * weighted / sum
                if Swift.abs(entropy - target) < 1e-5 {
                    for j in 0..<n where j != i { row[j] /= sum }
                    break
                }
                if entropy > target { low = beta; beta = high.isFinite ? (beta + high) / 2 : beta * 2 }
                else { high = beta; beta = (beta + low) / 2 }
                for j in 0..<n where j != i { row[j] /= sum }
            }
            for j in 0..<n where j != i { p[i * n + j] = row[j] }
        }
        var sym = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n where j != i { sym[i * n + j] = Swift.max((p[i * n + j] + p[j * n + i]) / (2 * Double(n)), 1e-12) } }
        return sym
    }
}

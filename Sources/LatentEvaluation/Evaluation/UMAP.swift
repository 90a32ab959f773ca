import Foundation
import LatentTensor

/// UMAP (McInnes, Healy & Melville 2018) for up to a few thousand points,
/// following the reference implementation (umap-learn) step by step:
///
/// 1. exact k nearest neighbours (the N×N distances by one GEMM);
/// 2. the fuzzy simplicial set: ρᵢ = the distance to the nearest neighbour,
///    σᵢ by binary search so that Σⱼ exp(−(dᵢⱼ − ρᵢ)/σᵢ) = log₂ k over the k
///    neighbours (at least 10⁻³ of the mean neighbour distance), memberships
///    wᵢⱼ = exp(−max(0, dᵢⱼ − ρᵢ)/σᵢ);
/// 3. symmetrisation by the fuzzy union w + wᵀ − w∘wᵀ;
/// 4. **PCA initialisation**: the points' first two principal components,
///    scaled so the largest coordinate is 10 (codes of one dimension start
///    from seeded uniform noise instead);
/// 5. stochastic gradient descent on the fuzzy cross-entropy: every edge is
///    sampled in proportion to its weight (an attractive step moving both
///    ends), each with `negativeSampleRate` repulsive steps to random points,
///    gradients clipped to ±4, the step falling linearly from `learningRate`
///    to 0 over `epochs`; the curve 1/(1 + a d^{2b}) of the low-dimensional
///    similarities has a, b fitted by least squares to `minDistance` and
///    `spread` (`curveParameters`).
///
/// Deterministic: the only randomness (negative samples) comes from `rng`,
/// and updates are applied one after another in a fixed order.
///
/// ```swift
/// var rng = RandomGenerator(seed: 0)
/// let map = UMAP.embed(codes, neighbours: 15, minDistance: 0.1, rng: &rng)   // [N, 2]
/// let watched = UMAP.embed(codes, rng: &rng) { done, ce in print("epoch \(done)/500, cross-entropy \(ce) nats") }
/// ```
public enum UMAP {
    /// `progress`, when given, is called every `progressEvery` epochs and after the last one with the
    /// number of epochs done and the fuzzy cross-entropy between the data's graph and the map's
    /// similarities, in nats summed over all pairs of points (the quantity UMAP minimises; it falls as the map improves).
    public static func embed(_ x: Tensor, neighbours: Int = 15, minDistance: Double = 0.1, spread: Double = 1,
                             epochs: Int = 500, learningRate: Double = 1, negativeSampleRate: Int = 5,
                             progressEvery: Int = 50, rng: inout RandomGenerator,
                             progress: ((_ epochsDone: Int, _ crossEntropy: Double) -> Void)? = nil) -> Tensor {
        let n = x.shape[0]
        precondition(x.rank == 2 && n >= 3, "UMAP needs at least 3 points, got \(x.shape)")
        precondition(neighbours >= 2, "UMAP needs at least 2 neighbours, got \(neighbours)")
        precondition(minDistance >= 0 && spread > 0 && minDistance <= spread, "UMAP needs 0 ≤ min distance ≤ spread")
        let graph = fuzzyGraph(x, neighbours: Swift.min(neighbours, n - 1))
        let (a, b) = curveParameters(minDistance: minDistance, spread: spread)
        var y = initialisation(x, rng: &rng)
        optimise(&y, graph: graph, n: n, a: a, b: b, epochs: epochs, learningRate: learningRate,
                 negativeSampleRate: negativeSampleRate, rng: &rng) { done, map in
            if let progress, done == epochs || (progressEvery > 0 && done % progressEvery == 0) {
                progress(done, crossEntropy(graph, map: map, n: n, a: a, b: b))
            }
        }
        return Tensor(y.map(Float.init), shape: [n, 2])
    }

    /// The symmetric fuzzy graph: for every point, its neighbours and the weights of the edges to them.
    struct Graph {
        /// `edges[i]`: (j, w) for every j ≠ i with w > 0, sorted by j.
        var edges: [[(j: Int, w: Double)]]
    }

    /// ρ and σ of every point from its neighbours' distances (closest first), so that
    /// Σⱼ exp(−max(0, dⱼ − ρ)/σ) = log₂ k (Algorithm 3 of the paper, with umap-learn's floor on σ).
    static func smoothDistances(_ distances: [[Double]]) -> (rho: [Double], sigma: [Double]) {
        let meanOfAll = distances.flatMap { $0 }.reduce(0, +) / Double(Swift.max(distances.flatMap { $0 }.count, 1))
        var rho: [Double] = [], sigma: [Double] = []
        for row in distances {
            let target = Foundation.log2(Double(row.count))
            let r = row.first { $0 > 0 } ?? 0
            var (low, high, mid) = (0.0, Double.infinity, 1.0)
            for _ in 0..<64 {
                var sum = 0.0
                for d in row { sum += d - r > 0 ? Foundation.exp(-(d - r) / mid) : 1 }
                if Swift.abs(sum - target) < 1e-5 { break }
                if sum > target { high = mid; mid = (low + high) / 2 }
                else { low = mid; mid = high.isFinite ? (low + high) / 2 : mid * 2 }
            }
            let mean = row.reduce(0, +) / Double(row.count)
            rho.append(r)
            sigma.append(Swift.max(mid, 1e-3 * (r > 0 ? mean : meanOfAll)))
        }
        return (rho, sigma)
    }

    /// kNN → memberships → fuzzy union.
    static func fuzzyGraph(_ x: Tensor, neighbours k: Int) -> Graph {
        let n = x.shape[0]
        let (indices, distances) = Neighbours.nearest(Neighbours.squaredDistances(x), n: n, k: k)
        let (rho, sigma) = smoothDistances(distances)
        var directed = [[Int: Double]](repeating: [:], count: n)
        for i in 0..<n {
            for (j, d) in zip(indices[i], distances[i]) {
                directed[i][j] = d - rho[i] > 0 ? Foundation.exp(-(d - rho[i]) / sigma[i]) : 1
            }
        }
        // The fuzzy union w + wᵀ − w∘wᵀ, the same weight both ways; sorted so the order never depends on hashing.
        var union = [[Int: Double]](repeating: [:], count: n)
        for i in 0..<n {
            for (j, u) in directed[i] {
                let v = directed[j][i] ?? 0
                union[i][j] = u + v - u * v
                union[j][i] = u + v - u * v
            }
        }
        let edges = union.map { row in row.filter { $0.value > 0 }.map { (j: $0.key, w: $0.value) }.sorted { $0.j < $1.j } }
        return Graph(edges: edges)
    }

    /// a and b of the map's similarity curve 1/(1 + a d^{2b}), fitted by least squares
    /// (Levenberg–Marquardt) to 1 for d < `minDistance` and exp(−(d − minDistance)/`spread`)
    /// beyond, on 300 points of [0, 3·spread] (umap-learn's `find_ab_params`).
    ///
    /// ```swift
    /// UMAP.curveParameters(minDistance: 0.1, spread: 1)   // (a: 1.577, b: 0.895)
    /// ```
    public static func curveParameters(minDistance: Double, spread: Double) -> (a: Double, b: Double) {
        let xs = (0..<300).map { 3 * spread * Double($0) / 299 }
        let ys = xs.map { $0 < minDistance ? 1 : Foundation.exp(-($0 - minDistance) / spread) }
        func residuals(_ a: Double, _ b: Double) -> [Double] {
            zip(xs, ys).map { x, t in 1 / (1 + a * Foundation.pow(x, 2 * b)) - t }
        }
        func cost(_ r: [Double]) -> Double { r.reduce(0) { $0 + $1 * $1 } }
        var (a, b, lambda) = (1.0, 1.0, 1e-3)
        var r = residuals(a, b), current = cost(r)
        for _ in 0..<500 {
            // Jacobian of the model in (a, b); the point x = 0 contributes nothing.
            var jtj = (0.0, 0.0, 0.0), jtr = (0.0, 0.0)
            for (i, x) in xs.enumerated() where x > 0 {
                let p = Foundation.pow(x, 2 * b), den = 1 + a * p
                let ja = -p / (den * den), jb = -a * p * 2 * Foundation.log(x) / (den * den)
                jtj.0 += ja * ja; jtj.1 += ja * jb; jtj.2 += jb * jb
                jtr.0 += ja * r[i]; jtr.1 += jb * r[i]
            }
            let (m00, m11) = (jtj.0 * (1 + lambda), jtj.2 * (1 + lambda))
            let det = m00 * m11 - jtj.1 * jtj.1
            guard det != 0, det.isFinite else { break }
            let da = -(m11 * jtr.0 - jtj.1 * jtr.1) / det, db = -(m00 * jtr.1 - jtj.1 * jtr.0) / det
            let (na, nb) = (a + da, b + db)
            let trial = na > 0 && nb > 0 ? residuals(na, nb) : r
            let trialCost = na > 0 && nb > 0 ? cost(trial) : .infinity
            if trialCost < current {
                let gain = current - trialCost
                (a, b, r, current) = (na, nb, trial, trialCost)
                lambda = Swift.max(lambda / 10, 1e-12)
                if gain <= 1e-16 * current && Swift.abs(da) + Swift.abs(db) < 1e-12 { break }
            } else {
                lambda *= 10
                if lambda > 1e12 { break }
            }
        }
        return (a, b)
    }

    /// The first two principal components scaled so the largest coordinate is 10; seeded noise for 1-D points.
    static func initialisation(_ x: Tensor, rng: inout RandomGenerator) -> [Double] {
        let n = x.shape[0]
        var y: [Double]
        if x.shape[1] >= 2, let pca = try? PCA.fit(x, components: 2) {
            y = pca.transform(x).scalars.map(Double.init)
        } else {
            y = (0..<(2 * n)).map { _ in Double(rng.nextUniform()) * 20 - 10 }
        }
        let largest = y.map { Swift.abs($0) }.max() ?? 0
        if largest > 0 && largest.isFinite { y = y.map { $0 * 10 / largest } }
        else { y = (0..<(2 * n)).map { _ in Double(rng.nextUniform()) * 20 - 10 } }
        return y
    }

    /// umap-learn's `optimize_layout_euclidean`, one thread, the embedding moved in place.
    static func optimise(_ y: inout [Double], graph: Graph, n: Int, a: Double, b: Double, epochs: Int, learningRate: Double,
                         negativeSampleRate: Int, rng: inout RandomGenerator, epochDone: (_ done: Int, _ map: [Double]) -> Void) {
        var head: [Int] = [], tail: [Int] = [], weight: [Double] = []
        for i in 0..<n { for e in graph.edges[i] { head.append(i); tail.append(e.j); weight.append(e.w) } }
        let largest = weight.max() ?? 0
        // Edges too weak to be sampled once in `epochs` are dropped, as in the reference.
        var kept: [Int] = []
        for e in weight.indices where weight[e] >= largest / Double(epochs) { kept.append(e) }
        head = kept.map { head[$0] }; tail = kept.map { tail[$0] }; weight = kept.map { weight[$0] }
        let perSample = weight.map { largest / $0 }
        let perNegative = perSample.map { $0 / Double(Swift.max(negativeSampleRate, 1)) }
        var nextSample = perSample, nextNegative = perNegative
        func clip(_ v: Double) -> Double { Swift.min(Swift.max(v, -4), 4) }
        var alpha = learningRate
        for epoch in 0..<epochs {
            let now = Double(epoch)
            for e in head.indices where nextSample[e] <= now {
                let (i, j) = (head[e], tail[e])
                var dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1]
                var d2 = dx * dx + dy * dy
                if d2 > 0 {
                    let coefficient = -2 * a * b * Foundation.pow(d2, b - 1) / (a * Foundation.pow(d2, b) + 1)
                    let (gx, gy) = (clip(coefficient * dx), clip(coefficient * dy))
                    y[2 * i] += gx * alpha; y[2 * i + 1] += gy * alpha
                    y[2 * j] -= gx * alpha; y[2 * j + 1] -= gy * alpha
                }
                nextSample[e] += perSample[e]
                let negatives = negativeSampleRate > 0 ? Int((now - nextNegative[e]) / perNegative[e]) : 0
                for _ in 0..<Swift.max(negatives, 0) {
                    let k = Int(rng.next() % UInt64(n))
                    dx = y[2 * i] - y[2 * k]; dy = y[2 * i + 1] - y[2 * k + 1]
                    d2 = dx * dx + dy * dy
                    if d2 > 0 {
                        let coefficient = 2 * b / ((0.001 + d2) * (a * Foundation.pow(d2, b) + 1))
                        y[2 * i] += clip(coefficient * dx) * alpha; y[2 * i + 1] += clip(coefficient * dy) * alpha
                    } else if k != i {
                        y[2 * i] += 4 * alpha; y[2 * i + 1] += 4 * alpha
                    }
                }
                nextNegative[e] += Double(Swift.max(negatives, 0)) * perNegative[e]
            }
            alpha = learningRate * (1 - Double(epoch + 1) / Double(epochs))
            epochDone(epoch + 1, y)
        }
    }

    /// Σ over pairs i < j of the fuzzy cross-entropy w log(w/v) + (1 − w) log((1 − w)/(1 − v)), in nats,
    /// between the graph's weights w and the map's similarities v = 1/(1 + a d^{2b}) (v kept in [10⁻¹², 1 − 10⁻¹²]).
    static func crossEntropy(_ graph: Graph, map y: [Double], n: Int, a: Double, b: Double) -> Double {
        var total = 0.0
        var row = [Double](repeating: 0, count: n)
        for i in 0..<n {
            for e in graph.edges[i] { row[e.j] = e.w }
            for j in (i + 1)..<n {
                let dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1]
                let v = Swift.min(Swift.max(1 / (1 + a * Foundation.pow(dx * dx + dy * dy, b)), 1e-12), 1 - 1e-12)
                let w = row[j]
                if w > 0 { total += w * Foundation.log(w / v) }
                if w < 1 { total += (1 - w) * Foundation.log((1 - w) / (1 - v)) }
            }
            for e in graph.edges[i] { row[e.j] = 0 }
        }
        return total
    }
}

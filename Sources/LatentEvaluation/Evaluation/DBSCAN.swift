import LatentTensor

/// DBSCAN (Ester, Kriegel, Sander & Xu 1996) on exact Euclidean distances
/// (the N×N matrix by one GEMM: a few thousand points). A point is *core*
/// when at least `minPoints` points (itself included) lie within `eps` of
/// it; clusters are the core points connected through such neighbourhoods,
/// plus the non-core points within `eps` of one of them (border points, given
/// to the first cluster that reaches them); everything else is noise,
/// labelled `DBSCAN.noise` (−1). Points are visited in order, so the labels
/// are deterministic: cluster 0 holds the first core point.
///
/// Without `eps`, it is chosen by the **k-distance rule** of the paper: each
/// point's distance to its k-th nearest other point (k = minPoints − 1, the
/// radius at which the point just becomes core), sorted, and `eps` taken at
/// the knee of that curve — the point farthest below the chord from its
/// first to its last value, both axes scaled to [0, 1] (the "Kneedle" rule of
/// Satopää et al. 2011).
///
/// ```swift
/// let result = DBSCAN.cluster(codes, minPoints: 5)          // eps from the k-distance knee
/// print(result.clusters, result.noiseFraction, result.eps)
/// let fixed = DBSCAN.cluster(codes, eps: 0.5, minPoints: 5)
/// ```
public enum DBSCAN {
    /// The label of noise points.
    public static let noise = -1

    /// DBSCAN's two settings; nil `eps`: the k-distance knee.
    public struct Parameters: Sendable, Equatable {
        public var eps: Double?
        public var minPoints: Int

        public init(eps: Double? = nil, minPoints: Int = 5) {
            self.eps = eps
            self.minPoints = minPoints
        }
    }

    public struct Result: Sendable {
        /// One label per point: 0..<clusters, or `DBSCAN.noise`.
        public let labels: [Int]
        public let clusters: Int
        /// The share of points labelled noise.
        public var noiseFraction: Double { labels.isEmpty ? 0 : Double(labels.filter { $0 == DBSCAN.noise }.count) / Double(labels.count) }
        /// The radius used (given, or chosen by the k-distance rule).
        public let eps: Double
        /// Whether `eps` was chosen by the k-distance rule.
        public let epsChosen: Bool
        public let minPoints: Int
    }

    public static func cluster(_ x: Tensor, parameters: Parameters) -> Result {
        cluster(x, eps: parameters.eps, minPoints: parameters.minPoints)
    }

    public static func cluster(_ x: Tensor, eps: Double? = nil, minPoints: Int = 5) -> Result {
        let n = x.shape[0]
        precondition(minPoints >= 1, "DBSCAN needs minPoints ≥ 1, got \(minPoints)")
        precondition(eps.map { $0 >= 0 && $0.isFinite } ?? true, "DBSCAN needs a finite eps ≥ 0")
        guard n > 0 else { return Result(labels: [], clusters: 0, eps: eps ?? 0, epsChosen: eps == nil, minPoints: minPoints) }
        let d2 = Neighbours.squaredDistances(x)
        let radius = eps ?? kDistanceEps(d2, n: n, k: minPoints - 1)
        let limit = Float(radius * radius)
        let neighbourhoods = (0..<n).map { i in (0..<n).filter { d2[i * n + $0] <= limit } }   // i itself included
        let core = neighbourhoods.map { $0.count >= minPoints }
        var labels = [Int](repeating: noise, count: n)
        var visited = [Bool](repeating: false, count: n)
        var clusters = 0
        for seed in 0..<n where core[seed] && !visited[seed] {
            var queue = [seed], head = 0
            visited[seed] = true
            while head < queue.count {
                let p = queue[head]; head += 1
                if labels[p] == noise { labels[p] = clusters }
                guard core[p] else { continue }
                for q in neighbourhoods[p] where !visited[q] || labels[q] == noise {
                    if labels[q] == noise { labels[q] = clusters }
                    if !visited[q] { visited[q] = true; queue.append(q) }
                }
            }
            clusters += 1
        }
        return Result(labels: labels, clusters: clusters, eps: radius, epsChosen: eps == nil, minPoints: minPoints)
    }

    /// The k-distance rule's `eps` for `x` (see the type's documentation).
    public static func kDistanceEps(_ x: Tensor, k: Int) -> Double {
        kDistanceEps(Neighbours.squaredDistances(x), n: x.shape[0], k: k)
    }

    static func kDistanceEps(_ d2: [Float], n: Int, k: Int) -> Double {
        guard n > 1 else { return 0 }
        let k = Swift.min(Swift.max(k, 1), n - 1)
        let distances = Neighbours.nearest(d2, n: n, k: k).distances.map { $0[k - 1] }
        return knee(distances.sorted())
    }

    /// The value at the knee of an ascending curve: the point farthest below the chord from
    /// its first to its last value, both axes scaled to [0, 1]; the first value when the curve is flat.
    static func knee(_ sorted: [Double]) -> Double {
        guard let first = sorted.first, let last = sorted.last, sorted.count > 2, last > first else { return sorted.first ?? 0 }
        var best = 0, gap = -Double.infinity
        for (i, v) in sorted.enumerated() {
            let along = Double(i) / Double(sorted.count - 1), height = (v - first) / (last - first)
            if along - height > gap { gap = along - height; best = i }
        }
        return sorted[best]
    }
}

import LatentTensor

extension Representation {
    /// Trustworthiness of a map (Venna & Kaski 2001): how far the map's `k`
    /// nearest neighbours of each point are its true neighbours,
    ///
    ///     T(k) = 1 − 2 / (n k (2n − 3k − 1)) · Σᵢ Σ_{j ∈ Uₖ(i)} (r(i, j) − k),
    ///
    /// where Uₖ(i) are the points among i's k nearest in `embedding` but not in
    /// `original`, and r(i, j) is j's rank among i's neighbours in `original`
    /// (1 = nearest). 1 when the map keeps every neighbourhood; about 0.5 for a
    /// map unrelated to the data. Euclidean distances in both spaces, ties
    /// broken by index; O(N² D) time, O(N) memory. `k` must be below n/2.
    ///
    /// ```swift
    /// let t = Representation.trustworthiness(original: codes, embedding: map, k: 10)   // e.g. 0.93
    /// ```
    public static func trustworthiness(original: Tensor, embedding: Tensor, k: Int = 10) -> Double {
        let n = original.shape[0]
        precondition(embedding.shape[0] == n, "trustworthiness: \(n) points but \(embedding.shape[0]) mapped")
        precondition(k >= 1 && 2 * k < n, "trustworthiness needs 1 ≤ k < n/2, got k = \(k) for \(n) points")
        let (d, e) = (original.shape[1], embedding.shape[1])
        let x = original.scalars.map(Double.init), y = embedding.scalars.map(Double.init)
        func order(_ v: [Double], _ width: Int, from i: Int) -> [Int] {
            var dist = [Double](repeating: 0, count: n)
            for j in 0..<n where j != i {
                var s = 0.0
                for t in 0..<width { let q = v[i * width + t] - v[j * width + t]; s += q * q }
                dist[j] = s
            }
            return (0..<n).filter { $0 != i }.sorted { dist[$0] != dist[$1] ? dist[$0] < dist[$1] : $0 < $1 }
        }
        var penalty = 0.0
        var rank = [Int](repeating: 0, count: n)
        for i in 0..<n {
            for (r, j) in order(x, d, from: i).enumerated() { rank[j] = r + 1 }
            for j in order(y, e, from: i).prefix(k) where rank[j] > k { penalty += Double(rank[j] - k) }
        }
        let (nn, kk) = (Double(n), Double(k))
        return 1 - 2 / (nn * kk * (2 * nn - 3 * kk - 1)) * penalty
    }

    /// The `k` of `trustworthiness` used for a map of `n` points: 10, or less when n is small (below n/2).
    public static func trustworthinessNeighbours(points n: Int) -> Int { Swift.max(1, Swift.min(10, (n - 1) / 2)) }
}

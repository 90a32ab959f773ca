import LatentTensor

/// Exact nearest neighbours of a few thousand points: the N×N squared
/// Euclidean distances through one GEMM (‖a‖² + ‖b‖² − 2 a·b of the centred
/// rows), then one sort per row. Shared by `UMAP` and `DBSCAN`.
enum Neighbours {
    /// Squared distances between the rows of `x` [N, D], row-major [N·N]; the
    /// diagonal is exactly 0 and no entry is negative.
    static func squaredDistances(_ x: Tensor) -> [Float] {
        precondition(x.rank == 2, "points are [N, D], got \(x.shape)")
        let n = x.shape[0]
        // Centring first keeps ‖a‖² + ‖b‖² − 2 a·b from cancelling for codes far from the origin.
        let centred = x - x.mean(axis: 0)
        let gram = centred.matmul(centred.transposed()).scalars
        var out = [Float](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<n where j != i {
                out[i * n + j] = Swift.max(gram[i * n + i] + gram[j * n + j] - 2 * gram[i * n + j], 0)
            }
        }
        return out
    }

    /// The `k` nearest other points of every point (closest first, ties by index) and their
    /// Euclidean distances, from the squared distances `d2` of `n` points.
    static func nearest(_ d2: [Float], n: Int, k: Int) -> (indices: [[Int]], distances: [[Double]]) {
        precondition(k >= 1 && k < n, "k must be in 1..<\(n), got \(k)")
        var indices: [[Int]] = [], distances: [[Double]] = []
        indices.reserveCapacity(n); distances.reserveCapacity(n)
        for i in 0..<n {
            let row = (0..<n).filter { $0 != i }.sorted { d2[i * n + $0] != d2[i * n + $1] ? d2[i * n + $0] < d2[i * n + $1] : $0 < $1 }
            let kept = Array(row.prefix(k))
            indices.append(kept)
            distances.append(kept.map { Double(d2[i * n + $0]).squareRoot() })
        }
        return (indices, distances)
    }
}

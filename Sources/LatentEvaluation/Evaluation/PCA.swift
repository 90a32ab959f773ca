import LatentTensor

/// Principal component analysis by eigen-decomposition of the covariance
/// matrix (in double precision).
///
/// ```swift
/// let pca = try PCA.fit(codes, components: 2)
/// let plane = pca.transform(codes)        // [N, 2]
/// print(pca.explainedVarianceRatio)
/// ```
public struct PCA: Sendable {
    /// Mean of the data, [D].
    public let mean: [Double]
    /// Principal directions as rows, [k, D], largest variance first.
    public let components: [[Double]]
    /// Variance along each component.
    public let explainedVariance: [Double]
    /// Share of the total variance along each component.
    public let explainedVarianceRatio: [Double]

    /// Fits `components` directions to the rows of `data` ([N, D], N ≥ 2).
    public static func fit(_ data: Tensor, components k: Int) throws -> PCA {
        guard data.rank == 2, data.shape[0] >= 2 else {
            throw LatentError.shapeMismatch("PCA wants [N ≥ 2, D] data, got \(data.shape)")
        }
        let (n, d) = (data.shape[0], data.shape[1])
        guard k >= 1, k <= d else { throw LatentError.invalidArgument("PCA: \(k) components of \(d)-dimensional data") }
        var mean = [Double](repeating: 0, count: d)
        let x = data.scalars
        for i in 0..<n { for j in 0..<d { mean[j] += Double(x[i * d + j]) } }
        for j in 0..<d { mean[j] /= Double(n) }
        // Covariance through one GEMM on the centred data (in Float), accumulated into Double.
        var centred = Tensor.zeros([n, d])
        centred.withMutableData { p in for i in 0..<n { for j in 0..<d { p[i * d + j] = x[i * d + j] - Float(mean[j]) } } }
        let cov = Tensor.gemm(centred, transA: true, centred, transB: false).scalars.map { Double($0) / Double(n - 1) }
        let (values, vectors) = try SymmetricEigen.decompose(cov, n: d)
        let total = values.reduce(0) { $0 + Swift.max($1, 0) }
        var comps: [[Double]] = [], variances: [Double] = []
        for c in 0..<k {
            let col = d - 1 - c   // ascending order from LAPACK
            var v = (0..<d).map { vectors[$0 * d + col] }
            // Fix the sign so results are reproducible: largest |entry| positive.
            if let big = v.max(by: { Swift.abs($0) < Swift.abs($1) }), big < 0 { v = v.map { -$0 } }
            comps.append(v)
            variances.append(Swift.max(values[col], 0))
        }
        return PCA(mean: mean, components: comps, explainedVariance: variances,
                   explainedVarianceRatio: variances.map { total > 0 ? $0 / total : 0 })
    }

    /// Coordinates of the rows of `data` along the components: [N, k].
    public func transform(_ data: Tensor) -> Tensor {
        let (n, d) = (data.shape[0], data.shape[1])
        precondition(d == mean.count, "PCA.transform: \(d) features, fitted on \(mean.count)")
        let x = data.scalars
        var out = [Float](repeating: 0, count: n * components.count)
        for i in 0..<n {
            for (c, v) in components.enumerated() {
                var s = 0.0
                for j in 0..<d { s += (Double(x[i * d + j]) - mean[j]) * v[j] }
                out[i * components.count + c] = Float(s)
            }
        }
        return Tensor(out, shape: [n, components.count])
    }

    /// Points of the component plane mapped back to data space: [N, D].
    public func inverseTransform(_ coordinates: Tensor) -> Tensor {
        let (n, k) = (coordinates.shape[0], coordinates.shape[1])
        let d = mean.count
        let c = coordinates.scalars
        var out = [Float](repeating: 0, count: n * d)
        for i in 0..<n { for j in 0..<d {
            var s = mean[j]
            for m in 0..<k { s += Double(c[i * k + m]) * components[m][j] }
            out[i * d + j] = Float(s)
        } }
        return Tensor(out, shape: [n, d])
    }
}

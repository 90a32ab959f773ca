import Foundation
import LatentTensor

/// Sample-quality scores computed in a feature space (the penultimate layer
/// of a classifier trained on the same data set): Fréchet distance, kernel
/// distance, Inception-style score, and precision/recall of manifolds.
/// All take features as [N, D] tensors and work in double precision.
///
/// ```swift
/// let fid = try SampleQuality.frechetDistance(realFeatures, generatedFeatures)
/// let kid = SampleQuality.kernelDistance(realFeatures, generatedFeatures)
/// ```
public enum SampleQuality {
    /// Mean [D] and covariance [D×D] (unbiased) of the rows.
    public static func moments(_ x: Tensor) -> (mean: [Double], covariance: [Double]) {
        let (n, d) = (x.shape[0], x.shape[1])
        let v = x.scalars
        var mean = [Double](repeating: 0, count: d)
        for i in 0..<n { for j in 0..<d { mean[j] += Double(v[i * d + j]) } }
        for j in 0..<d { mean[j] /= Double(n) }
        var cov = [Double](repeating: 0, count: d * d)
        var row = [Double](repeating: 0, count: d)
        for i in 0..<n {
            for j in 0..<d { row[j] = Double(v[i * d + j]) - mean[j] }
            for a in 0..<d { let ra = row[a]; if ra == 0 { continue }; for b in a..<d { cov[a * d + b] += ra * row[b] } }
        }
        for a in 0..<d { for b in a..<d { cov[a * d + b] /= Double(Swift.max(n - 1, 1)); cov[b * d + a] = cov[a * d + b] } }
        return (mean, cov)
    }

    /// The symmetric positive semi-definite square root of a symmetric matrix
    /// (eigenvalues below 0, from rounding, are clipped to 0).
    public static func symmetricSquareRoot(_ a: [Double], n: Int) throws -> [Double] {
        let (values, vectors) = try SymmetricEigen.decompose(a, n: n)
        var out = [Double](repeating: 0, count: n * n)
        for k in 0..<n {
            let s = Swift.max(values[k], 0).squareRoot()
            if s == 0 { continue }
            for i in 0..<n { let vik = vectors[i * n + k] * s; for j in 0..<n { out[i * n + j] += vik * vectors[j * n + k] } }
        }
        return out
    }

    /// ‖μ₁ − μ₂‖² + Tr(Σ₁ + Σ₂ − 2 (Σ₁^½ Σ₂ Σ₁^½)^½), from the moments.
    /// The cross term is taken as Tr((Σ₁^½ Σ₂ Σ₁^½)^½), a symmetric PSD square
    /// root, instead of the non-symmetric sqrtm(Σ₁Σ₂) that scipy-based code
    /// uses: the same value, without complex parts from rounding.
    public static func frechetDistance(mean1: [Double], covariance1: [Double], mean2: [Double], covariance2: [Double]) throws -> Double {
        let d = mean1.count
        precondition(mean2.count == d && covariance1.count == d * d && covariance2.count == d * d, "Fréchet distance: dimensions differ")
        var meanTerm = 0.0
        for j in 0..<d { meanTerm += (mean1[j] - mean2[j]) * (mean1[j] - mean2[j]) }
        let s1 = try symmetricSquareRoot(covariance1, n: d)
        // M = S1 Σ2 S1, symmetrised against rounding.
        var tmp = [Double](repeating: 0, count: d * d), m = [Double](repeating: 0, count: d * d)
        for i in 0..<d { for k in 0..<d { let a = s1[i * d + k]; if a == 0 { continue }; for j in 0..<d { tmp[i * d + j] += a * covariance2[k * d + j] } } }
        for i in 0..<d { for k in 0..<d { let a = tmp[i * d + k]; if a == 0 { continue }; for j in 0..<d { m[i * d + j] += a * s1[k * d + j] } } }
        for i in 0..<d { for j in (i + 1)..<d { let avg = (m[i * d + j] + m[j * d + i]) / 2; m[i * d + j] = avg; m[j * d + i] = avg } }
        let crossTrace = try SymmetricEigen.decompose(m, n: d).values.reduce(0) { $0 + Swift.max($1, 0).squareRoot() }
        var traces = 0.0
        for j in 0..<d { traces += covariance1[j * d + j] + covariance2[j * d + j] }
        return Swift.max(meanTerm + traces - 2 * crossTrace, 0)
    }

    /// FID between two sets of features.
    public static func frechetDistance(_ a: Tensor, _ b: Tensor) throws -> Double {
        let (m1, c1) = moments(a), (m2, c2) = moments(b)
        return try frechetDistance(mean1: m1, covariance1: c1, mean2: m2, covariance2: c2)
    }

    /// KID: the unbiased estimate of the squared MMD with the polynomial kernel
    /// k(x, y) = (xᵀy / D + 1)³ (Bińkowski et al. 2018); 0 in expectation for
    /// two samples of one distribution, and may be slightly negative.
    public static func kernelDistance(_ a: Tensor, _ b: Tensor) -> Double {
        let d = Double(a.shape[1])
        func kernelSum(_ x: Tensor, _ y: Tensor, skipDiagonal: Bool) -> Double {
            let g = Tensor.gemm(x, transA: false, y, transB: true).scalars
            let cols = y.shape[0]
            var s = 0.0
            for (idx, v) in g.enumerated() where !(skipDiagonal && idx / cols == idx % cols) { let t = Double(v) / d + 1; s += t * t * t }
            return s
        }
        let (m, n) = (Double(a.shape[0]), Double(b.shape[0]))
        return kernelSum(a, a, skipDiagonal: true) / (m * (m - 1)) + kernelSum(b, b, skipDiagonal: true) / (n * (n - 1))
            - 2 * kernelSum(a, b, skipDiagonal: false) / (m * n)
    }

    /// exp(E_x KL(p(y|x) ‖ p(y))) from class probabilities [N, C]: C for
    /// confident, balanced predictions, 1 when every prediction is the same.
    public static func inceptionScore(probabilities p: Tensor) -> Double {
        let (n, c) = (p.shape[0], p.shape[1])
        let v = p.scalars.map { Swift.max(Double($0), 1e-12) }
        var marginal = [Double](repeating: 0, count: c)
        for i in 0..<n { for k in 0..<c { marginal[k] += v[i * c + k] / Double(n) } }
        var kl = 0.0
        for i in 0..<n { for k in 0..<c { let q = v[i * c + k]; kl += q * (Foundation.log(q) - Foundation.log(marginal[k])) } }
        return Foundation.exp(kl / Double(n))
    }

    /// Improved precision and recall (Kynkäänniemi et al. 2019): each set's
    /// manifold is the union of balls around its points with radius the
    /// distance to the k-th nearest neighbour in the same set; precision is the
    /// share of generated points inside the real manifold, recall the share of
    /// real points inside the generated one.
    public static func precisionRecall(real: Tensor, generated: Tensor, k: Int = 3) -> (precision: Double, recall: Double) {
        func squaredDistances(_ x: Tensor, _ y: Tensor) -> [[Double]] {
            let g = Tensor.gemm(x, transA: false, y, transB: true).scalars
            let xn = (x * x).sum(axis: 1).scalars, yn = (y * y).sum(axis: 1).scalars
            return (0..<x.shape[0]).map { i in (0..<y.shape[0]).map { j in Swift.max(Double(xn[i]) + Double(yn[j]) - 2 * Double(g[i * y.shape[0] + j]), 0) } }
        }
        func radii(_ x: Tensor) -> [Double] {
            squaredDistances(x, x).map { row in row.sorted()[Swift.min(k, row.count - 1)] }   // index 0 is the point itself
        }
        func coverage(_ points: Tensor, of set: Tensor, radii r: [Double]) -> Double {
            let d = squaredDistances(points, set)
            return Double(d.filter { row in row.indices.contains { row[$0] <= r[$0] } }.count) / Double(points.shape[0])
        }
        return (coverage(generated, of: real, radii: radii(real)), coverage(real, of: generated, radii: radii(generated)))
    }

    /// A mean over random draws and its sample standard deviation.
    public struct Spread: Codable, Sendable, Equatable {
        public var mean: Double
        public var standardDeviation: Double
        public var draws: Int

        public init(mean: Double, standardDeviation: Double, draws: Int) {
            self.mean = mean
            self.standardDeviation = standardDeviation
            self.draws = draws
        }

        init(_ values: [Double]) {
            let (m, sd) = meanAndDeviation(values)
            self.init(mean: m, standardDeviation: sd, draws: values.count)
        }
    }

    /// KID as usually reported: the unbiased estimate on `subsets` pairs of
    /// random subsets of `size` rows (drawn without replacement within each
    /// subset), as mean ± standard deviation (Bińkowski et al. 2018 use 100 of 1,000).
    public static func kernelDistance(_ a: Tensor, _ b: Tensor, subsets: Int, size: Int, rng: inout RandomGenerator) -> Spread {
        let m = Swift.min(size, a.shape[0], b.shape[0])
        precondition(m >= 2 && subsets >= 1, "KID needs subsets of at least two rows")
        return Spread((0..<subsets).map { _ in
            kernelDistance(a.gatherRows(Array(rng.permutation(a.shape[0]).prefix(m))),
                           b.gatherRows(Array(rng.permutation(b.shape[0]).prefix(m))))
        })
    }

    /// The real-vs-real floor of FID: the Fréchet distance between the two
    /// halves of a random split of `real`, over `draws` random splits. Random
    /// halves, because the two halves of a file in its own order need not come
    /// from one distribution (MNIST's test file does not).
    public static func frechetDistanceFloor(_ real: Tensor, draws: Int, rng: inout RandomGenerator) throws -> Spread {
        let half = real.shape[0] / 2
        precondition(half >= 2 && draws >= 1, "the FID floor needs at least four real rows")
        return Spread(try (0..<draws).map { _ in
            let order = rng.permutation(real.shape[0])
            return try frechetDistance(real.gatherRows(Array(order[..<half])), real.gatherRows(Array(order[half..<(2 * half)])))
        })
    }

    /// The real-vs-real floor of KID: for each of `subsets` draws, two disjoint
    /// random subsets of `real` of at most `size` rows each.
    public static func kernelDistanceFloor(_ real: Tensor, subsets: Int, size: Int, rng: inout RandomGenerator) -> Spread {
        let m = Swift.min(size, real.shape[0] / 2)
        precondition(m >= 2 && subsets >= 1, "the KID floor needs at least four real rows")
        return Spread((0..<subsets).map { _ in
            let order = rng.permutation(real.shape[0])
            return kernelDistance(real.gatherRows(Array(order[..<m])), real.gatherRows(Array(order[m..<(2 * m)])))
        })
    }
}

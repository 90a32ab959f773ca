import Foundation
import LatentTensor

/// Probabilistic PCA (Tipping & Bishop 1999), fitted in closed form:
/// x = W z + μ + ε with z ~ N(0, I_q) and ε ~ N(0, σ² I). With the sample
/// covariance's eigenpairs (λⱼ, uⱼ): σ² is the mean of the discarded
/// eigenvalues and W = U_q (Λ_q − σ² I)^½, so the marginal is
/// N(μ, C) with C = W Wᵀ + σ² I.
///
/// ```swift
/// let ppca = try ProbabilisticPCA.fit(images, latent: 20)
/// let nll = ppca.negativeLogLikelihood(testImages)   // nats per image
/// ```
public struct ProbabilisticPCA: Sendable {
    public let mean: [Double]
    /// The q leading eigenvectors of the covariance, as rows [q][D].
    public let directions: [[Double]]
    /// Their eigenvalues λ₁ ≥ … ≥ λ_q.
    public let eigenvalues: [Double]
    /// The isotropic noise variance σ².
    public let noiseVariance: Double

    public var latent: Int { directions.count }
    public var dimension: Int { mean.count }

    public init(mean: [Double], directions: [[Double]], eigenvalues: [Double], noiseVariance: Double) {
        self.mean = mean
        self.directions = directions
        self.eigenvalues = eigenvalues
        self.noiseVariance = noiseVariance
    }

    /// Fits to the rows of `data` ([N, D]).
    public static func fit(_ data: Tensor, latent q: Int) throws -> ProbabilisticPCA {
        let (n, d) = (data.shape[0], data.shape[1])
        var stats = SufficientStatistics(dimension: d)
        stats.add(data)
        guard n >= 2 else { throw LatentError.invalidArgument("PPCA needs at least two images") }
        return try stats.fit(latent: q)
    }

    /// Running Σx and ΣxxᵀC over mini-batches (Double), so any data set size fits in memory.
    public struct SufficientStatistics: Sendable {
        public let dimension: Int
        public private(set) var count = 0
        var sum: [Double]
        var outer: [Double]

        public init(dimension: Int) {
            self.dimension = dimension
            sum = [Double](repeating: 0, count: dimension)
            outer = [Double](repeating: 0, count: dimension * dimension)
        }

        public mutating func add(_ rows: Tensor) {
            precondition(rows.rank == 2 && rows.shape[1] == dimension, "PPCA statistics: rows \(rows.shape) for dimension \(dimension)")
            let x = rows.scalars
            let n = rows.shape[0]
            for i in 0..<n { for j in 0..<dimension { sum[j] += Double(x[i * dimension + j]) } }
            let xtx = Tensor.gemm(rows.detached(), transA: true, rows.detached(), transB: false).scalars
            for k in 0..<outer.count { outer[k] += Double(xtx[k]) }
            count += n
        }

        public func fit(latent q: Int) throws -> ProbabilisticPCA {
            let d = dimension
            guard count >= 2 else { throw LatentError.invalidArgument("PPCA needs at least two images") }
            guard q >= 1, q < d else { throw LatentError.invalidArgument("PPCA: --latent must be between 1 and \(d - 1)") }
            let n = Double(count)
            let mean = sum.map { $0 / n }
            var cov = [Double](repeating: 0, count: d * d)
            for i in 0..<d { for j in 0..<d { cov[i * d + j] = outer[i * d + j] / n - mean[i] * mean[j] } }
            let (values, vectors) = try SymmetricEigen.decompose(cov, n: d)
            let descending = Array(values.reversed()).map { Swift.max($0, 0) }
            // σ² floored so constant pixels (MNIST's borders) cannot make the density degenerate.
            let sigma2 = Swift.max(descending[q...].reduce(0, +) / Double(d - q), 1e-6)
            let directions = (0..<q).map { c in (0..<d).map { vectors[$0 * d + (d - 1 - c)] } }
            let lambdas = descending.prefix(q).map { Swift.max($0, sigma2) }
            return ProbabilisticPCA(mean: mean, directions: directions, eigenvalues: Array(lambdas), noiseVariance: sigma2)
        }
    }

    /// The loading matrix W = U_q (Λ_q − σ²)^½ as [D, q].
    public var loadings: Tensor {
        let (d, q) = (dimension, latent)
        var w = [Float](repeating: 0, count: d * q)
        for c in 0..<q {
            let scale = (eigenvalues[c] - noiseVariance).squareRoot()
            for j in 0..<d { w[j * q + c] = Float(directions[c][j] * scale) }
        }
        return Tensor(w, shape: [d, q])
    }

    /// log p(x) per row under N(μ, W Wᵀ + σ² I), computed in the eigenbasis:
    /// log|C| = Σ log λⱼ + (D − q) log σ², and the Mahalanobis term splits into
    /// the in-subspace part Σ (uⱼᵀd)²/λⱼ and the residual ‖d‖²/σ² outside it.
    public func logLikelihood(_ data: Tensor) -> [Double] {
        let (n, d) = (data.shape[0], data.shape[1])
        precondition(d == dimension, "PPCA: \(d) features, fitted on \(dimension)")
        let x = data.scalars
        let logDet = eigenvalues.map { Foundation.log($0) }.reduce(0, +) + Double(d - latent) * Foundation.log(noiseVariance)
        let constant = -0.5 * (Double(d) * Foundation.log(2 * Double.pi) + logDet)
        return (0..<n).map { i in
            var norm2 = 0.0
            var diff = [Double](repeating: 0, count: d)
            for j in 0..<d { diff[j] = Double(x[i * d + j]) - mean[j]; norm2 += diff[j] * diff[j] }
            var inside = 0.0, projected2 = 0.0
            for (c, u) in directions.enumerated() {
                var p = 0.0
                for j in 0..<d { p += u[j] * diff[j] }
                inside += p * p / eigenvalues[c]
                projected2 += p * p
            }
            return constant - 0.5 * (inside + (norm2 - projected2) / noiseVariance)
        }
    }

    /// Mean negative log-likelihood in nats per image.
    public func negativeLogLikelihood(_ data: Tensor) -> Double {
        let ll = logLikelihood(data)
        return -ll.reduce(0, +) / Double(ll.count)
    }

    /// Posterior means E[z|x] = M⁻¹Wᵀ(x − μ), M = WᵀW + σ²I = Λ_q here: [N, q].
    public func posteriorMean(_ data: Tensor) -> Tensor {
        let (n, d) = (data.shape[0], data.shape[1])
        let x = data.scalars
        var out = [Float](repeating: 0, count: n * latent)
        for i in 0..<n { for (c, u) in directions.enumerated() {
            var p = 0.0
            for j in 0..<d { p += u[j] * (Double(x[i * d + j]) - mean[j]) }
            out[i * latent + c] = Float(p * (eigenvalues[c] - noiseVariance).squareRoot() / eigenvalues[c])
        } }
        return Tensor(out, shape: [n, latent])
    }

    /// W z + μ for codes [N, q]: [N, D].
    public func decode(_ codes: Tensor) -> Tensor {
        codes.matmul(loadings.transposed()) + Tensor(mean.map(Float.init))
    }

    /// Draws x = W z + μ + σ ε.
    public func sample(_ count: Int, rng: inout RandomGenerator) -> Tensor {
        let z = Tensor.normal([count, latent], rng: &rng)
        return decode(z) + Tensor.normal([count, dimension], std: Float(noiseVariance.squareRoot()), rng: &rng)
    }
}

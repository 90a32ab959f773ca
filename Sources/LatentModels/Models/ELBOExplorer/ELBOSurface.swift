import Foundation
import LatentTensor

/// How a surface over (θ, φ) fixes the encoder variance s², the third trained
/// parameter, which a plane cannot show.
///
/// ```swift
/// let s2 = SurfaceVariance.optimal.variance(theta: 1, decoderStd: 1)   // 0.5
/// ```
public enum SurfaceVariance: Sendable, Equatable, CustomStringConvertible {
    /// At each (θ, φ) the s² that maximises the ELBO, σₓ²/(θ² + σₓ²) — the exact
    /// posterior's variance, the same for every φ and x. The surface is then the
    /// best ELBO any s² reaches at (θ, φ): it lies on or above the ELBO of every
    /// point of a training path (whose s² is still moving), touches log p(x) on
    /// the curve φ = θ/(θ² + σₓ²), and is what the path climbs as s² settles.
    /// A fixed s² would instead show a slice that the path crosses at one step only.
    case optimal
    /// One s² for the whole plane.
    case fixed(Double)

    /// The s² used at decoder weight `theta`.
    public func variance(theta: Double, decoderStd: Double) -> Double {
        switch self {
        case .optimal: return decoderStd * decoderStd / (theta * theta + decoderStd * decoderStd)
        case .fixed(let v): return v
        }
    }

    /// "optimal" or the fixed value.
    public var description: String {
        switch self {
        case .optimal: return "optimal"
        case .fixed(let v): return "\(v)"
        }
    }
}

/// The mean ELBO over a data set on a grid of (θ, φ), and the mean log p(x)
/// on its θ axis (log p(x) does not depend on the encoder). Every value is
/// `model(theta:phi:).meanELBO(data)` or `.meanLogMarginal(data)`: numerical
/// integration over z, with a quadrature wide and fine enough for the grid.
///
/// ```swift
/// let data = ELBOExplorer.data(count: 200, std: 2, seed: 0)
/// let surface = try ELBOExplorer.surface(data: data, thetas: ELBOExplorer.grid(-1...3, points: 41),
///                                        phis: ELBOExplorer.grid(-1...1, points: 41))
/// let best = surface.best   // near θ = ±√(E[x²] − 1), φ = θ/(θ² + 1)
/// ```
public struct ELBOSurface: Sendable {
    /// Decoder weights (columns), increasing.
    public let thetas: [Double]
    /// Encoder slopes (rows), increasing.
    public let phis: [Double]
    public let variance: SurfaceVariance
    public let decoderStd: Double
    /// The integration grid over z of every value.
    public let quadrature: Quadrature
    /// Mean log p(x) at each θ.
    public let logMarginal: [Double]
    /// Mean ELBO: `elbo[j][i]` at (thetas[i], phis[j]).
    public let elbo: [[Double]]

    /// The model whose mean ELBO is the surface at (theta, phi).
    public func model(theta: Double, phi: Double) -> OneDimensionalVAE {
        OneDimensionalVAE(theta: theta, phi: phi,
                          logEncoderVariance: Foundation.log(variance.variance(theta: theta, decoderStd: decoderStd)),
                          decoderStd: decoderStd, grid: quadrature)
    }

    /// The grid point with the largest ELBO.
    public var best: (theta: Double, phi: Double, elbo: Double) {
        var best = (theta: thetas[0], phi: phis[0], elbo: -Double.infinity)
        for (j, row) in elbo.enumerated() {
            for (i, v) in row.enumerated() where v > best.elbo { best = (thetas[i], phis[j], v) }
        }
        return best
    }
}

extension ELBOExplorer {
    /// `points` evenly spaced values from `range.lowerBound` to `range.upperBound`.
    public static func grid(_ range: ClosedRange<Double>, points: Int) -> [Double] {
        precondition(points >= 2, "a grid needs at least 2 points")
        let step = (range.upperBound - range.lowerBound) / Double(points - 1)
        return (0..<points).map { $0 == points - 1 ? range.upperBound : range.lowerBound + Double($0) * step }
    }

    /// A trapezoid grid over z that holds, for every x in the data, q(z|x) with
    /// slopes up to `maxAbsPhi` and the posterior p(z|x), to 12 standard
    /// deviations, with at least 8 nodes per smallest standard deviation.
    static func quadrature(data: [Double], maxAbsPhi: Double, maxAbsTheta: Double,
                           variances: [Double], decoderStd: Double) throws -> Quadrature {
        let maxAbsX = data.map(Swift.abs).max() ?? 0
        let posteriorSD = decoderStd / (maxAbsTheta * maxAbsTheta + decoderStd * decoderStd).squareRoot()
        let largestSD = Swift.max(1, (variances.max() ?? 1).squareRoot())
        let smallestSD = Swift.min(posteriorSD, (variances.min() ?? 1).squareRoot())
        let bound = Swift.max(12, maxAbsX * Swift.max(maxAbsPhi, 1 / (2 * decoderStd)) + 12 * largestSD)
        let step = Swift.min(0.02, smallestSD / 8)
        let points = (2 * bound / step).rounded(.up) + 1
        guard points.isFinite, points <= 1_000_001 else {
            throw LatentError.invalidArgument(String(format: "the surface would need %.3g integration points over z; use a larger encoder variance or smaller ranges", points))
        }
        return Quadrature(low: -bound, high: bound, points: Swift.max(Int(points), 1201))
    }

    /// The mean ELBO of `data` at every (θ, φ) of the grid, with s² chosen by
    /// `variance`, and the mean log p(x) at every θ.
    public static func surface(data: [Double], thetas: [Double], phis: [Double], variance: SurfaceVariance = .optimal,
                               decoderStd: Double = 1) throws -> ELBOSurface {
        guard !data.isEmpty else { throw LatentError.invalidArgument("the ELBO surface needs at least one data point") }
        guard thetas.count >= 2, phis.count >= 2,
              zip(thetas, thetas.dropFirst()).allSatisfy({ $0 < $1 }), zip(phis, phis.dropFirst()).allSatisfy({ $0 < $1 }),
              (thetas + phis).allSatisfy(\.isFinite) else {
            throw LatentError.invalidArgument("the ELBO surface needs at least 2 increasing finite values of θ and of φ")
        }
        if case .fixed(let v) = variance, !(v.isFinite && v > 0) {
            throw LatentError.invalidArgument("the surface's encoder variance must be a finite number above 0, got \(v)")
        }
        let maxAbsTheta = thetas.map(Swift.abs).max()!
        let quadrature = try quadrature(data: data, maxAbsPhi: phis.map(Swift.abs).max()!, maxAbsTheta: maxAbsTheta,
                                        variances: thetas.map { variance.variance(theta: $0, decoderStd: decoderStd) },
                                        decoderStd: decoderStd)
        let logVariances = thetas.map { Foundation.log(variance.variance(theta: $0, decoderStd: decoderStd)) }
        let logMarginal = thetas.map {
            OneDimensionalVAE(theta: $0, phi: 0, logEncoderVariance: 0, decoderStd: decoderStd, grid: quadrature).meanLogMarginal(data)
        }
        let elbo = phis.map { phi in
            thetas.indices.map { i in
                OneDimensionalVAE(theta: thetas[i], phi: phi, logEncoderVariance: logVariances[i], decoderStd: decoderStd,
                                  grid: quadrature).meanELBO(data)
            }
        }
        return ELBOSurface(thetas: thetas, phis: phis, variance: variance, decoderStd: decoderStd, quadrature: quadrature,
                           logMarginal: logMarginal, elbo: elbo)
    }

    /// The decoder weight θ ≥ 0 that maximises the mean log p(x), found by
    /// golden-section search on the integrated log p(x) (it is unimodal in θ ≥ 0;
    /// −θ is as good, by symmetry). The closed form √(max(E[x²] − σₓ², 0)) agrees.
    public static func maximumLikelihoodTheta(data: [Double], decoderStd: Double = 1) throws -> Double {
        let moment = data.map { $0 * $0 }.reduce(0, +) / Double(Swift.max(data.count, 1))
        var (a, b) = (0.0, moment.squareRoot() + 1)
        let quadrature = try quadrature(data: data, maxAbsPhi: 0, maxAbsTheta: b, variances: [1], decoderStd: decoderStd)
        func value(_ theta: Double) -> Double {
            OneDimensionalVAE(theta: theta, phi: 0, logEncoderVariance: 0, decoderStd: decoderStd, grid: quadrature).meanLogMarginal(data)
        }
        let ratio = (5.0.squareRoot() - 1) / 2
        var (c, d) = (b - ratio * (b - a), a + ratio * (b - a))
        var (fc, fd) = (value(c), value(d))
        while b - a > 1e-9 {
            if fc >= fd {
                (b, d, fd) = (d, c, fc)
                c = b - ratio * (b - a)
                fc = value(c)
            } else {
                (a, c, fc) = (c, d, fd)
                d = a + ratio * (b - a)
                fd = value(d)
            }
        }
        return (a + b) / 2
    }

    /// The default ranges of a surface: around every (θₜ, φₜ) of the trace and
    /// the optimum (θ*, θ*/(θ*² + σₓ²)), with 15% of each span (at least 0.25) on either side.
    public static func surfaceRanges(trace: Trace, optimumTheta: Double, decoderStd: Double = 1)
        -> (theta: ClosedRange<Double>, phi: ClosedRange<Double>) {
        let optimumPhi = optimumTheta / (optimumTheta * optimumTheta + decoderStd * decoderStd)
        func padded(_ values: [Double]) -> ClosedRange<Double> {
            let finite = values.filter(\.isFinite)
            let (low, high) = (finite.min() ?? -1, finite.max() ?? 1)
            let pad = Swift.max(0.15 * (high - low), 0.25)
            return (low - pad)...(high + pad)
        }
        return (padded(trace.theta + [optimumTheta]), padded(trace.phi + [optimumPhi]))
    }
}

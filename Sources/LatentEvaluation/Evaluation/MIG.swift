import Foundation
import LatentTensor

/// The mutual information gap of Chen et al. (2018), "Isolating sources of
/// disentanglement in VAEs": for each ground-truth factor v_k, the mutual
/// information between v_k and every code dimension z_j, the gap between the
/// largest and the second largest divided by the factor's entropy H(v_k), and
/// MIG the mean gap over the factors. 1: each factor is captured by one
/// dimension alone; 0: by none, or equally by two.
///
/// As in the reference implementation (disentanglement_lib's `mig.py`), each
/// code dimension is discretised into 20 equal-width bins between its smallest
/// and largest value and the mutual information is the plug-in estimate from
/// the joint histogram (scikit-learn's `mutual_info_score`), in nats.
///
/// ```swift
/// let result = MIG.score(codes: codes, factors: [shapeIndices, scaleIndices], names: ["shape", "scale"])
/// print(result.mig, result.gaps)   // e.g. 0.31, [0.52, 0.10]
/// ```
public enum MIG {
    /// Bins per code dimension, as the paper's reference implementation.
    public static let defaultBins = 20

    public struct Result: Sendable, Equatable {
        /// Mean normalised gap over the factors that vary (H(v_k) > 0).
        public let mig: Double
        /// Factor names, in order.
        public let names: [String]
        /// Normalised gap of each factor (nil for a constant factor).
        public let gaps: [Double?]
        /// I(z_j; v_k) in nats: mutualInformation[k][j].
        public let mutualInformation: [[Double]]
        /// H(v_k) in nats.
        public let entropies: [Double]
        /// The code dimension holding the most information about each factor.
        public let topDimensions: [Int]
    }

    /// Bin of every value of one code dimension: 20 (`bins`) equal-width bins between its minimum and maximum
    /// (numpy's `digitize` on `histogram`'s inner edges); a constant dimension falls into one bin.
    ///
    /// ```swift
    /// MIG.discretize([0, 0.5, 1], bins: 2)   // [0, 1, 1]
    /// ```
    public static func discretize(_ values: [Double], bins: Int = defaultBins) -> [Int] {
        precondition(bins >= 1, "MIG.discretize needs at least one bin")
        guard let low = values.min(), let high = values.max(), high > low else { return values.map { _ in 0 } }
        let width = (high - low) / Double(bins)
        return values.map { Swift.min(bins - 1, Swift.max(0, Int(((($0 - low) / width)).rounded(.down)))) }
    }

    /// The entropy of a discrete variable, in nats.
    public static func entropy(_ a: [Int]) -> Double {
        var counts: [Int: Int] = [:]
        for v in a { counts[v, default: 0] += 1 }
        let n = Double(a.count)
        return counts.values.reduce(0) { h, c in h - Double(c) / n * log(Double(c) / n) }
    }

    /// The plug-in mutual information of two discrete variables of equal length, in nats.
    public static func mutualInformation(_ a: [Int], _ b: [Int]) -> Double {
        precondition(a.count == b.count, "MIG.mutualInformation: \(a.count) and \(b.count) values")
        guard !a.isEmpty else { return 0 }
        var joint: [Int64: Int] = [:], ca: [Int: Int] = [:], cb: [Int: Int] = [:]
        for (x, y) in zip(a, b) {
            joint[Int64(x) << 32 | Int64(UInt32(truncatingIfNeeded: y)), default: 0] += 1
            ca[x, default: 0] += 1
            cb[y, default: 0] += 1
        }
        let n = Double(a.count)
        var mi = 0.0
        for (key, c) in joint {
            let x = Int(key >> 32), y = Int(Int32(truncatingIfNeeded: key))
            let pxy = Double(c) / n
            mi += pxy * log(pxy * n * n / (Double(ca[x]!) * Double(cb[y]!)))
        }
        return Swift.max(0, mi)
    }

    /// MIG of `codes` [N, D] against `factors` (one array of N discrete values per factor).
    public static func score(codes: Tensor, factors: [[Int]], names: [String]? = nil, bins: Int = defaultBins) -> Result {
        precondition(codes.rank == 2, "MIG.score: codes must be [N, D], got \(codes.shape)")
        let (n, d) = (codes.shape[0], codes.shape[1])
        precondition(factors.allSatisfy { $0.count == n }, "MIG.score: every factor needs one value per code row (\(n))")
        let values = codes.detached().scalars
        let discrete = (0..<d).map { j in discretize((0..<n).map { Double(values[$0 * d + j]) }, bins: bins) }
        var informations: [[Double]] = [], entropies: [Double] = [], gaps: [Double?] = [], tops: [Int] = []
        for factor in factors {
            let h = entropy(factor)
            let mi = discrete.map { mutualInformation($0, factor) }
            let order = mi.indices.sorted { mi[$0] > mi[$1] }
            let first = order.first.map { mi[$0] } ?? 0, second = order.count > 1 ? mi[order[1]] : 0
            informations.append(mi)
            entropies.append(h)
            tops.append(order.first ?? 0)
            gaps.append(h > 0 ? (first - second) / h : nil)
        }
        let kept = gaps.compactMap { $0 }
        return Result(mig: kept.isEmpty ? 0 : kept.reduce(0, +) / Double(kept.count),
                      names: names ?? factors.indices.map { "factor \($0)" }, gaps: gaps,
                      mutualInformation: informations, entropies: entropies, topDimensions: tops)
    }
}

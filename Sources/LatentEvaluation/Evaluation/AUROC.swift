/// The area under the ROC curve of a score that should be higher for
/// positives (e.g. out-of-distribution images) than for negatives: the
/// probability that a random positive scores above a random negative, a tie
/// counting one half — the Mann–Whitney U statistic divided by n₊·n₋,
/// computed from the ranks of the pooled scores (tied scores share their mean rank).
/// 1 is perfect separation, 0.5 chance, 0 the reversed order.
///
/// ```swift
/// AUROC.area(positives: [3, 2, 2], negatives: [2, 1])          // 5/6: one tie (2 vs 2) counts ½ twice
/// let roc = AUROC.curve(positives: [3, 2, 2], negatives: [2, 1]) // (0, 0) … (1, 1), one point per distinct score
/// ```
public enum AUROC {
    /// One point of the ROC curve: the rates of negatives and positives scoring at least `threshold`.
    public struct Point: Sendable, Equatable {
        public let falsePositiveRate: Double
        public let truePositiveRate: Double
        /// Images scoring at least this are called positive (+∞ at the curve's start).
        public let threshold: Double
    }

    /// P(positive > negative) + ½ P(positive = negative) over all pairs, in O(N log N).
    /// Both lists must be non-empty and finite.
    public static func area(positives: [Double], negatives: [Double]) -> Double {
        check(positives, negatives)
        let pooled = (positives.map { ($0, true) } + negatives.map { ($0, false) }).sorted { $0.0 < $1.0 }
        var positiveRanks = 0.0
        var i = 0
        while i < pooled.count {
            var j = i
            while j + 1 < pooled.count && pooled[j + 1].0 == pooled[i].0 { j += 1 }
            let rank = Double(i + j + 2) / 2   // the mean of the 1-based ranks i+1 … j+1
            for k in i...j where pooled[k].1 { positiveRanks += rank }
            i = j + 1
        }
        let (p, n) = (Double(positives.count), Double(negatives.count))
        return (positiveRanks - p * (p + 1) / 2) / (p * n)
    }

    /// The ROC curve from (0, 0) to (1, 1): one point per distinct score, from the
    /// highest down. Tied scores move both rates at once (a diagonal step), so
    /// the trapezoidal area under the curve is `area(positives:negatives:)`.
    public static func curve(positives: [Double], negatives: [Double]) -> [Point] {
        check(positives, negatives)
        let pooled = (positives.map { ($0, true) } + negatives.map { ($0, false) }).sorted { $0.0 > $1.0 }
        let (p, n) = (Double(positives.count), Double(negatives.count))
        var points = [Point(falsePositiveRate: 0, truePositiveRate: 0, threshold: .infinity)]
        var (truePositives, falsePositives) = (0, 0)
        var i = 0
        while i < pooled.count {
            let threshold = pooled[i].0
            while i < pooled.count && pooled[i].0 == threshold {
                if pooled[i].1 { truePositives += 1 } else { falsePositives += 1 }
                i += 1
            }
            points.append(Point(falsePositiveRate: Double(falsePositives) / n, truePositiveRate: Double(truePositives) / p,
                                threshold: threshold))
        }
        return points
    }

    /// The trapezoidal area under `curve`.
    public static func trapezoidalArea(_ curve: [Point]) -> Double {
        zip(curve, curve.dropFirst()).map { a, b in
            (b.falsePositiveRate - a.falsePositiveRate) * (a.truePositiveRate + b.truePositiveRate) / 2
        }.reduce(0, +)
    }

    private static func check(_ positives: [Double], _ negatives: [Double]) {
        precondition(!positives.isEmpty && !negatives.isEmpty, "AUROC needs at least one positive and one negative score")
        precondition(positives.allSatisfy(\.isFinite) && negatives.allSatisfy(\.isFinite), "AUROC needs finite scores")
    }
}

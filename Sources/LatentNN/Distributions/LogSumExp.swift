import Foundation

/// log Σ exp(xᵢ) in double precision, stable for large and tiny terms
/// (−∞ for an empty list or when every term is −∞).
///
/// ```swift
/// logSumExp([1000, 1000])   // 1000 + log 2
/// ```
public func logSumExp(_ values: [Double]) -> Double {
    guard let m = values.max(), m.isFinite else { return values.max() ?? -.infinity }
    return m + Foundation.log(values.reduce(0) { $0 + Foundation.exp($1 - m) })
}

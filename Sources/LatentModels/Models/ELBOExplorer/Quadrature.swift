import Foundation
import LatentNN

/// Numerical integration over one variable on a uniform grid with the
/// trapezoid rule, in log space so that tiny integrands do not underflow.
///
/// ```swift
/// let grid = Quadrature(low: -12, high: 12, points: 4001)
/// let logZ = grid.logIntegral { z in -0.5 * z * z }   // log √(2π)
/// ```
public struct Quadrature: Sendable {
    public let nodes: [Double]
    /// The distance between neighbouring nodes.
    public let step: Double
    /// log of each node's trapezoid weight.
    let logWeights: [Double]

    public init(low: Double, high: Double, points: Int) {
        precondition(points >= 3 && high > low, "quadrature needs at least 3 points on a non-empty interval")
        let step = (high - low) / Double(points - 1)
        self.step = step
        nodes = (0..<points).map { low + Double($0) * step }
        logWeights = (0..<points).map { i in Foundation.log(step * ((i == 0 || i == points - 1) ? 0.5 : 1)) }
    }

    /// log ∫ exp(logf(z)) dz.
    public func logIntegral(_ logf: (Double) -> Double) -> Double {
        logSumExp(zip(nodes, logWeights).map { logf($0) + $1 })
    }

    /// ∫ exp(logDensity(z)) · f(z) dz for a normalised density.
    public func expectation(logDensity: (Double) -> Double, _ f: (Double) -> Double) -> Double {
        zip(nodes, logWeights).reduce(0) { acc, node in
            let w = Foundation.exp(logDensity(node.0) + node.1)
            return w > 0 ? acc + w * f(node.0) : acc
        }
    }

    /// The indices of the nodes in [low, high] (empty when none is).
    func indices(from low: Double, to high: Double) -> Range<Int> {
        let first = Swift.max(0, Int(((low - nodes[0]) / step).rounded(.up)))
        let last = Swift.min(nodes.count - 1, Int(((high - nodes[0]) / step).rounded(.down)))
        return first <= last ? first..<(last + 1) : 0..<0
    }
}

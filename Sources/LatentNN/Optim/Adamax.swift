import Foundation
import LatentTensor

/// Adamax (the infinity-norm variant of Adam) with PyTorch's rule:
/// m ← β₁m + (1-β₁)g, u ← max(β₂u, |g| + ε), θ ← θ - (lr/(1-β₁ᵗ)) · m / u.
///
/// ```swift
/// let opt = Adamax(model.parameters(), learningRate: 2e-3)
/// ```
public final class Adamax: Optimizer {
    public let parameters: [Parameter]
    public var learningRate: Float
    public let beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float
    public private(set) var stepCount = 0
    private var firstMoment: SlotBuffers
    private var infinityNorm: SlotBuffers

    public init(_ parameters: [Parameter], learningRate: Float = 2e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-8, weightDecay: Float = 0) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        firstMoment = SlotBuffers(count: parameters.count)
        infinityNorm = SlotBuffers(count: parameters.count)
    }

    public func step() {
        // Data-parallel: the gradients summed over ranks first (a no-op on one process), see DataParallel.
        DataParallel.synchronizeGradients(parameters)
        defer { DataParallel.stepTaken(parameters) }
        stepCount += 1
        let clr = Float(Double(learningRate) / (1 - Foundation.pow(Double(beta1), Double(stepCount))))
        for (i, p) in parameters.enumerated() {
            guard let g = p.grad else { continue }
            let m = firstMoment.pointer(i, count: g.count)
            let u = infinityNorm.pointer(i, count: g.count)
            let (b1, b2, eps, wd) = (beta1, beta2, epsilon, weightDecay)
            g.withData { gp in
                p.update { w, n in
                    for j in 0..<n {
                        let gj = gp[j] + wd * w[j]
                        m[j] = b1 * m[j] + (1 - b1) * gj
                        u[j] = Swift.max(b2 * u[j], Swift.abs(gj) + eps)
                        w[j] -= clr * m[j] / u[j]
                    }
                }
            }
        }
    }

    public func stateDict() -> [String: Tensor] {
        let shapes = parameters.map(\.value.shape)
        var d = firstMoment.export(prefix: "exp_avg", shapes: shapes)
        d.merge(infinityNorm.export(prefix: "exp_inf", shapes: shapes)) { a, _ in a }
        d["step"] = Tensor(scalar: Float(stepCount))
        return d
    }

    public func checkStateDict(_ state: [String: Tensor], naming prefix: String) throws {
        var layout = SlotBuffers.layout(["exp_avg", "exp_inf"], shapes: parameters.map(\.value.shape))
        layout.allow("step", shape: [])
        try layout.check(state, naming: prefix)
        _ = try StateValues.stepCount(state["step"], named: prefix + "step")
    }

    public func loadStateDict(_ state: [String: Tensor]) throws {
        try checkStateDict(state)
        firstMoment.restore(prefix: "exp_avg", from: state)
        infinityNorm.restore(prefix: "exp_inf", from: state)
        stepCount = try StateValues.stepCount(state["step"], named: "step")
    }
}

import Foundation
import LatentTensor

/// Adam (Kingma & Ba) with PyTorch's update rule:
/// m ← β₁m + (1-β₁)g, v ← β₂v + (1-β₂)g², θ ← θ - (lr/(1-β₁ᵗ)) · m / (√v/√(1-β₂ᵗ) + ε).
/// `weightDecay` adds λθ to the gradient (L2, not AdamW).
///
/// ```swift
/// let adam = Adam(model.parameters(), learningRate: 2e-4, beta1: 0.5)
/// ```
public final class Adam: Optimizer {
    public let parameters: [Parameter]
    public var learningRate: Float
    public let beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float
    public private(set) var stepCount = 0
    private var firstMoment: SlotBuffers
    private var secondMoment: SlotBuffers

    public init(_ parameters: [Parameter], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-8, weightDecay: Float = 0) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        firstMoment = SlotBuffers(count: parameters.count)
        secondMoment = SlotBuffers(count: parameters.count)
    }

    public func step() {
        // Data-parallel: the gradients summed over ranks first (a no-op on one process), see DataParallel.
        DataParallel.synchronizeGradients(parameters)
        defer { DataParallel.stepTaken(parameters) }
        stepCount += 1
        let t = Double(stepCount)
        let bias1 = 1 - Foundation.pow(Double(beta1), t)
        let bias2 = 1 - Foundation.pow(Double(beta2), t)
        let stepSize = Vec(repeating: Float(Double(learningRate) / bias1))
        let invSqrtBias2 = Vec(repeating: Float(1 / bias2.squareRoot()))
        let (b1, b2) = (Vec(repeating: beta1), Vec(repeating: beta2))
        let (c1, c2) = (Vec(repeating: 1 - beta1), Vec(repeating: 1 - beta2))
        let (eps, wd) = (Vec(repeating: epsilon), Vec(repeating: weightDecay))
        for (i, p) in parameters.enumerated() {
            guard let g = p.grad else { continue }
            let m = firstMoment.pointer(i, count: g.count)
            let v = secondMoment.pointer(i, count: g.count)
            g.withData { gp in
                p.update { w, n in
                    // One fused pass; the tail runs through the same vector code on a padded copy.
                    var j = 0
                    @inline(__always) func update(_ w: Vec, _ g: Vec, _ m: Vec, _ v: Vec) -> (Vec, Vec, Vec) {
                        let gg = g + wd * w
                        let m2 = b1 * m + c1 * gg
                        let v2 = b2 * v + c2 * (gg * gg)
                        let denom = SIMDMath.squareRoot(v2) * invSqrtBias2 + eps
                        return (w - stepSize * m2 / denom, m2, v2)
                    }
                    while j + 16 <= n {
                        let (w2, m2, v2) = update(loadVec(w + j), loadVec(gp + j), loadVec(m + j), loadVec(v + j))
                        storeVec(w2, w + j); storeVec(m2, m + j); storeVec(v2, v + j)
                        j += 16
                    }
                    if j < n {
                        let r = n - j
                        let (w2, m2, v2) = update(loadPartial(w + j, r), loadPartial(gp + j, r),
                                                  loadPartial(m + j, r), loadPartial(v + j, r))
                        storePartial(w2, w + j, r); storePartial(m2, m + j, r); storePartial(v2, v + j, r)
                    }
                }
            }
        }
    }

    public func stateDict() -> [String: Tensor] {
        let shapes = parameters.map(\.value.shape)
        var d = firstMoment.export(prefix: "exp_avg", shapes: shapes)
        d.merge(secondMoment.export(prefix: "exp_avg_sq", shapes: shapes)) { a, _ in a }
        d["step"] = Tensor(scalar: Float(stepCount))
        return d
    }

    public func checkStateDict(_ state: [String: Tensor], naming prefix: String) throws {
        var layout = SlotBuffers.layout(["exp_avg", "exp_avg_sq"], shapes: parameters.map(\.value.shape))
        layout.allow("step", shape: [])
        try layout.check(state, naming: prefix)
        _ = try StateValues.stepCount(state["step"], named: prefix + "step")
    }

    public func loadStateDict(_ state: [String: Tensor]) throws {
        try checkStateDict(state)
        firstMoment.restore(prefix: "exp_avg", from: state)
        secondMoment.restore(prefix: "exp_avg_sq", from: state)
        stepCount = try StateValues.stepCount(state["step"], named: "step")
    }
}

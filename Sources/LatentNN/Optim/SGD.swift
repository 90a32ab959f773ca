import LatentTensor

/// Stochastic gradient descent with optional momentum, dampening, Nesterov
/// momentum and L2 weight decay, as `torch.optim.SGD`.
///
/// ```swift
/// let sgd = SGD(model.parameters(), learningRate: 0.1, momentum: 0.9)
/// ```
public final class SGD: Optimizer {
    public let parameters: [Parameter]
    public var learningRate: Float
    public let momentum: Float, dampening: Float, weightDecay: Float
    public let nesterov: Bool
    private var velocity: SlotBuffers

    public init(_ parameters: [Parameter], learningRate: Float, momentum: Float = 0, dampening: Float = 0,
                weightDecay: Float = 0, nesterov: Bool = false) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        velocity = SlotBuffers(count: parameters.count)
    }

    public func step() {
        // Data-parallel: the gradients summed over ranks first (a no-op on one process), see DataParallel.
        DataParallel.synchronizeGradients(parameters)
        defer { DataParallel.stepTaken(parameters) }
        for (i, p) in parameters.enumerated() {
            guard let g = p.grad else { continue }
            let hadVelocity = velocity.slots[i] != nil
            let buf = momentum != 0 ? velocity.pointer(i, count: g.count) : nil
            let (lr, mu, damp, wd, nest) = (learningRate, momentum, dampening, weightDecay, nesterov)
            g.withData { gp in
                p.update { w, n in
                    for j in 0..<n {
                        var d = gp[j] + wd * w[j]
                        if let buf {
                            buf[j] = hadVelocity ? mu * buf[j] + (1 - damp) * d : d
                            d = nest ? d + mu * buf[j] : buf[j]
                        }
                        w[j] -= lr * d
                    }
                }
            }
        }
    }

    public func stateDict() -> [String: Tensor] {
        velocity.export(prefix: "momentum", shapes: parameters.map(\.value.shape))
    }

    public func checkStateDict(_ state: [String: Tensor], naming prefix: String) throws {
        try SlotBuffers.layout(["momentum"], shapes: parameters.map(\.value.shape)).check(state, naming: prefix)
    }

    public func loadStateDict(_ state: [String: Tensor]) throws {
        try checkStateDict(state)
        velocity.restore(prefix: "momentum", from: state)
    }
}

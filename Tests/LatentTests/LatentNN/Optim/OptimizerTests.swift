import Testing
@testable import Latent

/// One parameter [1, -0.5] receives the gradients [2, 0.3], [-1, 0.3], [0.5, -2]
/// in turn. Expected values are those `torch.optim` gives for the same
/// gradients; the first step of each is also worked by hand in the comments.
@Suite struct OptimizerTests {
    func run(_ make: ([Parameter]) -> any Optimizer) -> [[Float]] {
        let p = Parameter(Tensor([1, -0.5]))
        let optimizer = make([p])
        var trajectory: [[Float]] = []
        for g in [[Float(2), 0.3], [-1, 0.3], [0.5, -2]] {
            optimizer.zeroGrad()
            (p.value * Tensor(g)).sum().backward()   // d/dp of Σ p·g is g
            optimizer.step()
            trajectory.append(p.value.scalars)
        }
        return trajectory
    }

    func expectTrajectory(_ got: [[Float]], _ want: [[Float]], sourceLocation: SourceLocation = #_sourceLocation) {
        for (a, b) in zip(got, want) {
            for (x, y) in zip(a, b) {
                #expect(Swift.abs(x - y) < 2e-6, "\(got) vs \(want)", sourceLocation: sourceLocation)
            }
        }
    }

    @Test func sgdWithMomentumAndWeightDecay() {
        // Step 1: d = 2 + 0.1·1 = 2.1, buffer = d, w = 1 - 0.1·2.1 = 0.79.
        expectTrajectory(run { SGD($0, learningRate: 0.1, momentum: 0.9, weightDecay: 0.1) },
                         [[0.79, -0.525], [0.6931, -0.57225], [0.548959, -0.4090525]])
    }

    @Test func sgdNesterov() {
        // Step 1: buffer = 2, d = 2 + 0.9·2 = 3.8, w = 1 - 0.38 = 0.62.
        expectTrajectory(run { SGD($0, learningRate: 0.1, momentum: 0.9, nesterov: true) },
                         [[0.62, -0.557], [0.648, -0.6383], [0.4882, -0.30447]])
    }

    @Test func adam() {
        // Step 1: m = 0.2, v = 0.004, m̂ = 2, v̂ = 4, w = 1 - 0.1·2/(2 + 1e-8) = 0.9.
        expectTrajectory(run { Adam($0, learningRate: 0.1) },
                         [[0.9, -0.6], [0.87336636, -0.7], [0.83932346, -0.65353656]])
        expectTrajectory(run { Adam($0, learningRate: 0.1, beta1: 0.5, weightDecay: 0.01) },
                         [[0.9, -0.6], [0.8994109, -0.69994336], [0.87718016, -0.61373323]])
    }

    @Test func adamax() {
        // Step 1: m = 0.2, u = 2, w = 1 - (0.1/0.1)·0.2/2 = 0.9.
        expectTrajectory(run { Adamax($0, learningRate: 0.1) },
                         [[0.9, -0.6], [0.8789263, -0.7], [0.85637194, -0.67256463]])
    }

    @Test func optimizerStateRoundTrips() throws {
        let p = Parameter(Tensor([1, -0.5]))
        let a = Adam([p], learningRate: 0.1)
        (p.value * Tensor([2, 0.3])).sum().backward()
        a.step()
        let q = Parameter(p.value.detached())
        let b = Adam([q], learningRate: 0.1)
        try b.loadStateDict(a.stateDict())
        for (param, opt) in [(p, a as any Optimizer), (q, b as any Optimizer)] {
            opt.zeroGrad()
            (param.value * Tensor([-1, 0.3])).sum().backward()
            opt.step()
        }
        #expect(p.value.scalars == q.value.scalars)
    }

    @Test func gradientNormClipping() {
        let a = Parameter(Tensor([0, 0])), b = Parameter(Tensor([0]))
        (a.value * Tensor([3, 0])).sum().backward()
        (b.value * Tensor([4])).sum().backward()
        let norm = clipGradientNorm([a, b], maxNorm: 1)
        #expect(Swift.abs(norm - 5) < 1e-6)
        #expect(Swift.abs(a.grad!.scalars[0] - 0.6) < 1e-5 && Swift.abs(b.grad!.scalars[0] - 0.8) < 1e-5)
        // Below the threshold nothing changes.
        #expect(Swift.abs(clipGradientNorm([a, b], maxNorm: 10) - 1) < 1e-5)
        #expect(Swift.abs(a.grad!.scalars[0] - 0.6) < 1e-5)
    }

    @Test func gradientsAccumulateUntilZeroed() {
        let p = Parameter(Tensor([1]))
        (p.value * 2).sum().backward()
        (p.value * 3).sum().backward()
        #expect(p.grad!.scalars == [5])
        p.zeroGrad()
        #expect(p.grad == nil)
    }
}

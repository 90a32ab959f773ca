import Foundation
import LatentTensor
import LatentNN

/// A Deep Boltzmann Machine with Bernoulli units in every layer: visible v =
/// layer 0, hidden layers 1…L, weights W_l [units_l, units_{l−1}] and biases
/// per layer; E = −Σ_l b_lᵀx_l − Σ_l x_lᵀ W_l x_{l−1}. Every layer's units are
/// conditionally independent given its two neighbours, so odd and even layers
/// are sampled in alternating blocks.
///
/// ```swift
/// let dbm = DBM(layers: [784, 500, 1000], rng: &rng)
/// try dbm.pretrain(images, epochs: 10, ...)        // greedy, doubled inputs
/// dbm.train(batch, learningRate: 0.001, rng: &rng) // mean-field + persistent chains
/// ```
public final class DBM: Module {
    /// weights[l] connects layer l (below) and l+1 (above): [units_{l+1}, units_l].
    public let weights: [Parameter]
    /// biases[l] of layer l (0 = visible).
    public let biases: [Parameter]
    /// Persistent negative-phase chains: a state for every layer.
    public internal(set) var chains: [Tensor]?

    public var layerSizes: [Int] { biases.map { $0.value.count } }
    public var depth: Int { weights.count }

    public init(layers: [Int], rng: inout RandomGenerator) {
        precondition(layers.count >= 3, "a DBM has a visible layer and at least two hidden layers")
        weights = (1..<layers.count).map { Parameter(Tensor.normal([layers[$0], layers[$0 - 1]], std: 0.01, rng: &rng)) }
        biases = layers.map { Parameter(Tensor.zeros([$0])) }
        super.init()
    }

    /// Total input to layer `l` from its neighbours' states (nil = absent), plus its bias, times `beta`.
    func field(_ l: Int, below: Tensor?, above: Tensor?, beta: Float = 1) -> Tensor {
        withoutGradient {
            var f = Tensor.zeros([0])
            if let below { f = below.linear(weight: weights[l - 1].value.detached(), bias: biases[l].value.detached()) }
            if let above {
                let down = above.matmul(weights[l].value.detached())
                f = f.count == 0 ? down + biases[l].value.detached() : f + down
            }
            return beta == 1 ? f : f * beta
        }
    }

    /// Mean-field posterior q(h | v) = Π μ: iterates μ_l = σ(W_l μ_{l−1} + W_{l+1}ᵀ μ_{l+1} + b_l)
    /// from a doubled bottom-up pass, `iterations` times. Returns μ for layers 1…L.
    public func meanField(_ v: Tensor, iterations: Int = 10) -> [Tensor] {
        withoutGradient {
            var mu: [Tensor] = [v]
            for l in 1...depth {
                let input = field(l, below: mu[l - 1], above: nil)
                // Bottom-up initialisation doubles the input of layers that will also hear from above.
                mu.append((l < depth ? input * 2 - biases[l].value.detached() : input).sigmoid())
            }
            for _ in 0..<iterations {
                for l in 1...depth {
                    mu[l] = field(l, below: mu[l - 1], above: l < depth ? mu[l + 1] : nil).sigmoid()
                }
            }
            return Array(mu.dropFirst())
        }
    }

    /// One sweep of block Gibbs sampling: odd layers given even ones, then even given odd.
    public func gibbsSweep(_ state: inout [Tensor], beta: Float = 1, rng: inout RandomGenerator) {
        for parity in [1, 0] {
            for l in stride(from: parity, through: depth, by: 2) {
                let f = field(l, below: l > 0 ? state[l - 1] : nil, above: l < depth ? state[l + 1] : nil, beta: beta)
                state[l] = Tensor.bernoulli(f.sigmoid(), rng: &rng)
            }
        }
    }

    /// Random binary states for `count` chains.
    public func randomState(_ count: Int, rng: inout RandomGenerator) -> [Tensor] {
        layerSizes.map { Tensor.uniform([count, $0], rng: &rng).greater(0.5) }
    }

    /// One update: mean-field statistics of the data against those of the persistent chains.
    @discardableResult
    public func train(_ v: Tensor, learningRate: Float, chainCount: Int = 100, gibbsSteps: Int = 1,
                      meanFieldIterations: Int = 10, rng: inout RandomGenerator) -> Float {
        let b = Float(v.shape[0])
        let positive = [v] + meanField(v, iterations: meanFieldIterations)
        var negative = chains ?? randomState(chainCount, rng: &rng)
        for _ in 0..<gibbsSteps { gibbsSweep(&negative, rng: &rng) }
        chains = negative
        let m = Float(negative[0].shape[0])
        if let context = DataParallel.current, context.communicator.size > 1 {
            // Data-parallel: the chains are the same on every rank (drawn from the shared generator); the data's
            // mean-field statistics are summed over ranks, weighted to the global batch's mean, in one allreduce.
            let local = withoutGradient {
                (0..<depth).map { l in Tensor.gemm(positive[l + 1], transA: true, positive[l], transB: false) }
                    + (0...depth).map { positive[$0].sum(axis: 0) }
            }
            let summed = context.allreduceSum(local, scale: context.shard.weight / b)
            withoutGradient {
                for l in 0..<depth {
                    let step = (summed[l] - Tensor.gemm(negative[l + 1], transA: true, negative[l], transB: false) / m) * learningRate
                    weights[l].update { p, n in step.withData { g in for i in 0..<n { p[i] += g[i] } } }
                }
                for l in 0...depth {
                    let delta = (summed[depth + l] - negative[l].sum(axis: 0) / m) * learningRate
                    biases[l].update { p, n in delta.withData { g in for i in 0..<n { p[i] += g[i] } } }
                }
            }
            let r = visibleProbabilities(positive[1])
            return withoutGradient { ((r - v) * (r - v)).sum().item / b }
        }
        withoutGradient {
            for l in 0..<depth {
                let (above, below) = (l + 1, l)
                let (u, d) = (layerSizes[above], layerSizes[below])
                weights[l].update { w, _ in
                    BLAS.sgemm(transA: true, transB: false, m: u, n: d, k: positive[0].shape[0], alpha: learningRate / b,
                               a: positive[above].storage.pointer, lda: u, b: positive[below].storage.pointer, ldb: d, beta: 1, c: w, ldc: d)
                    BLAS.sgemm(transA: true, transB: false, m: u, n: d, k: negative[0].shape[0], alpha: -learningRate / m,
                               a: negative[above].storage.pointer, lda: u, b: negative[below].storage.pointer, ldb: d, beta: 1, c: w, ldc: d)
                }
            }
            for l in 0...depth {
                let delta = (positive[l].sum(axis: 0) / b - negative[l].sum(axis: 0) / m) * learningRate
                biases[l].update { p, n in delta.withData { g in for i in 0..<n { p[i] += g[i] } } }
            }
        }
        let r = visibleProbabilities(positive[1])
        return withoutGradient { ((r - v) * (r - v)).sum().item / b }
    }

    /// p(v = 1 | h₁).
    public func visibleProbabilities(_ h1: Tensor) -> Tensor { field(0, below: nil, above: h1).sigmoid() }

    /// Samples after `steps` Gibbs sweeps from random states (or from `start` images); visible probabilities.
    public func sample(_ count: Int, steps: Int, from start: Tensor? = nil, rng: inout RandomGenerator) -> Tensor {
        var state = randomState(start?.shape[0] ?? count, rng: &rng)
        if let start {
            state[0] = start
            let mu = meanField(start)
            for l in 1...depth { state[l] = Tensor.bernoulli(mu[l - 1], rng: &rng) }
        }
        for _ in 0..<steps { gibbsSweep(&state, rng: &rng) }
        return visibleProbabilities(state[1])
    }

    /// Inpainting: block Gibbs with the known pixels clamped; averages p(v | h₁) over the last steps.
    public func inpaint(_ images: Tensor, known: Tensor, steps: Int, average: Int = 10, rng: inout RandomGenerator) -> Tensor {
        let unknown = 1 - known
        var state = randomState(images.shape[0], rng: &rng)
        state[0] = images * known + state[0] * unknown
        var sum = Tensor.zeros(images.shape)
        let keep = Swift.max(1, Swift.min(average, steps))
        for step in 0..<steps {
            gibbsSweep(&state, rng: &rng)
            state[0] = images * known + state[0] * unknown
            if step >= steps - keep { sum = sum + visibleProbabilities(state[1]) }
        }
        return images * known + (sum / Float(keep)) * unknown
    }

    /// Filters of layer `l` in pixel space: W_l ⋯ W_1 ([units_l, V]), the usual linear projection.
    public func projectedFilters(layer l: Int) -> Tensor {
        withoutGradient {
            var f = weights[0].value.detached()
            if l > 1 { for k in 1..<l { f = weights[k].value.detached().matmul(f) } }
            return f
        }
    }
}

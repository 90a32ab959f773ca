import Foundation
import LatentTensor
import LatentNN

/// A Bernoulli–Bernoulli restricted Boltzmann machine with energy
/// E(v, h) = −bᵀv − cᵀh − hᵀWv, weights W [hidden, visible] (scikit-learn's
/// `components_` layout). Trained with explicit contrastive-divergence
/// statistics (CD-k or persistent CD), not the autodiff tape: the update
/// W += lr/B (h⁺ᵀv⁺ − h⁻ᵀv⁻) goes straight into W through two GEMMs.
///
/// ```swift
/// var rng = RandomGenerator(seed: 0)
/// let rbm = RBM(visible: 784, hidden: 100, rng: &rng)
/// rbm.train(batch, learningRate: 0.01, rng: &rng)          // PCD-1, as scikit-learn
/// let pl = rbm.pseudoLikelihood(test, rng: &rng)           // per image
/// ```
public final class RBM: Module {
    public let weights: Parameter        // [H, V]
    public let visibleBias: Parameter    // [V]
    public let hiddenBias: Parameter     // [H]
    /// Persistent chains' hidden states [chains, H] (PCD), created on first use.
    public internal(set) var chains: Tensor?
    /// Input multipliers for greedy DBM pretraining (Salakhutdinov & Hinton 2009):
    /// the bottom RBM doubles the visible input to its hidden units (`upScale` 2),
    /// the top one doubles the hidden input to its visible units (`downScale` 2),
    /// standing in for the layer above or below that the DBM will add. 1 otherwise.
    public var upScale: Float = 1
    public var downScale: Float = 1
    var velocity: (w: Tensor, b: Tensor, c: Tensor)?
    /// In a data-parallel step: the global batch's mean visible row, summed with the statistics.
    public internal(set) var summedDataMean: Tensor?

    public var visibleCount: Int { weights.value.shape[1] }
    public var hiddenCount: Int { weights.value.shape[0] }

    /// Weights N(0, 0.01²) and zero biases, as scikit-learn initialises.
    public init(visible: Int, hidden: Int, rng: inout RandomGenerator) {
        weights = Parameter(Tensor.normal([hidden, visible], std: 0.01, rng: &rng))
        visibleBias = Parameter(Tensor.zeros([visible]))
        hiddenBias = Parameter(Tensor.zeros([hidden]))
        super.init()
    }

    // MARK: Conditionals

    /// p(h = 1 | v) = σ(v Wᵀ + c): [N, H].
    public func hiddenProbabilities(_ v: Tensor) -> Tensor {
        withoutGradient {
            let input = upScale == 1 ? v : v * upScale
            return input.linear(weight: weights.value.detached(), bias: hiddenBias.value.detached()).sigmoid()
        }
    }

    /// p(v = 1 | h) = σ(h W + b): [N, V].
    public func visibleProbabilities(_ h: Tensor) -> Tensor {
        withoutGradient {
            let field = h.matmul(weights.value.detached())
            return ((downScale == 1 ? field : field * downScale) + visibleBias.value.detached()).sigmoid()
        }
    }

    /// Binary draws with the given probabilities.
    /// In a data-parallel step, batch-shaped draws are this rank's rows of the whole batch's draws (`DataParallel.bernoulli`).
    public func draw(_ p: Tensor, rng: inout RandomGenerator) -> Tensor { DataParallel.bernoulli(p, rng: &rng) }

    /// F(v) = −bᵀv − Σⱼ softplus(cⱼ + Wⱼv), so that p(v) = e^{−F(v)}/Z: [N].
    public func freeEnergy(_ v: Tensor) -> Tensor {
        withoutGradient {
            let hiddenTerm = v.linear(weight: weights.value.detached(), bias: hiddenBias.value.detached()).softplus().sum(axis: 1)
            let visibleTerm = v.matmul(visibleBias.value.detached().reshaped([visibleCount, 1])).reshaped([v.shape[0]])
            return -(visibleTerm + hiddenTerm)
        }
    }

    // MARK: Training

    /// How the negative phase is drawn.
    public enum Negative: Equatable, Sendable {
        /// CD-k: a chain of k Gibbs steps started at the data.
        case contrastive(steps: Int)
        /// PCD-k: persistent chains (one per batch row) advanced k steps per update.
        case persistent(steps: Int)
    }

    /// One update from the rows of `v` ([B, V]). Returns the reconstruction
    /// error ‖v − p(v | h(v))‖² per image, a cheap monitor of training.
    @discardableResult
    public func train(_ v: Tensor, learningRate: Float, negative: Negative = .persistent(steps: 1),
                      momentum: Float = 0, weightDecay: Float = 0, rng: inout RandomGenerator) -> Float {
        let hPositive = update(v, learningRate: learningRate, negative: negative, momentum: momentum, weightDecay: weightDecay, rng: &rng)
        let reconstruction = visibleProbabilities(hPositive)
        return withoutGradient { ((reconstruction - v) * (reconstruction - v)).sum().item / Float(v.shape[0]) }
    }

    /// The update of `train` without its monitor (the work scikit-learn's
    /// `BernoulliRBM.partial_fit` does); returns p(h | v) of the batch.
    @discardableResult
    public func update(_ v: Tensor, learningRate: Float, negative: Negative = .persistent(steps: 1),
                       momentum: Float = 0, weightDecay: Float = 0, rng: inout RandomGenerator) -> Tensor {
        let b = v.shape[0]
        let hPositive = hiddenProbabilities(v)
        var vNegative: Tensor, hNegative: Tensor
        switch negative {
        case .contrastive(let k):
            var h = draw(hPositive, rng: &rng)
            (vNegative, hNegative) = (v, hPositive)
            for step in 0..<Swift.max(k, 1) {
                vNegative = draw(visibleProbabilities(h), rng: &rng)
                hNegative = hiddenProbabilities(vNegative)
                if step < k - 1 { h = draw(hNegative, rng: &rng) }
            }
        case .persistent(let k):
            var h = chains ?? Tensor.zeros([b, hiddenCount])
            (vNegative, hNegative) = (v, hPositive)
            for step in 0..<Swift.max(k, 1) {
                vNegative = draw(visibleProbabilities(h), rng: &rng)
                hNegative = hiddenProbabilities(vNegative)
                if step < k - 1 { h = draw(hNegative, rng: &rng) }
            }
            chains = draw(hNegative, rng: &rng)
        }
        apply(v, hPositive, vNegative, hNegative, rate: learningRate / Float(b), momentum: momentum, weightDecay: weightDecay)
        return hPositive
    }

    /// W += α(h⁺ᵀv⁺ − h⁻ᵀv⁻), biases by the column sums; with momentum, the
    /// step goes through a velocity (Hinton's practical guide, section 9).
    func apply(_ vp: Tensor, _ hp: Tensor, _ vn: Tensor, _ hn: Tensor, rate: Float, momentum: Float, weightDecay: Float) {
        let (h, vis) = (hiddenCount, visibleCount)
        let gradB = vp.sum(axis: 0) - vn.sum(axis: 0)
        let gradC = hp.sum(axis: 0) - hn.sum(axis: 0)
        if let context = DataParallel.current, context.communicator.size > 1 {
            applySummed(context, vp, hp, vn, hn, gradB: gradB, gradC: gradC, rate: rate, momentum: momentum, weightDecay: weightDecay)
            return
        }
        if momentum == 0 && weightDecay == 0 {
            weights.update { w, _ in
                BLAS.sgemm(transA: true, transB: false, m: h, n: vis, k: hp.shape[0], alpha: rate, a: hp.storage.pointer, lda: h,
                           b: vp.storage.pointer, ldb: vis, beta: 1, c: w, ldc: vis)
                BLAS.sgemm(transA: true, transB: false, m: h, n: vis, k: hn.shape[0], alpha: -rate, a: hn.storage.pointer, lda: h,
                           b: vn.storage.pointer, ldb: vis, beta: 1, c: w, ldc: vis)
            }
            visibleBias.update { p, n in gradB.withData { g in for i in 0..<n { p[i] += rate * g[i] } } }
            hiddenBias.update { p, n in gradC.withData { g in for i in 0..<n { p[i] += rate * g[i] } } }
            return
        }
        var vel = velocity ?? (Tensor.zeros([h, vis]), Tensor.zeros([vis]), Tensor.zeros([h]))
        let gradW = Tensor.gemm(hp, transA: true, vp, transB: false) - Tensor.gemm(hn, transA: true, vn, transB: false)
        vel.w = vel.w * momentum + (gradW - weights.value.detached() * (weightDecay * Float(vp.shape[0]))) * rate
        vel.b = vel.b * momentum + gradB * rate
        vel.c = vel.c * momentum + gradC * rate
        velocity = vel
        weights.update { p, n in vel.w.withData { d in for i in 0..<n { p[i] += d[i] } } }
        visibleBias.update { p, n in vel.b.withData { d in for i in 0..<n { p[i] += d[i] } } }
        hiddenBias.update { p, n in vel.c.withData { d in for i in 0..<n { p[i] += d[i] } } }
    }

    /// `apply` on several ranks: each rank's statistics, divided by its rows and weighted by its share of the
    /// global batch, summed over ranks in one allreduce ([W | b | c | the data's column sums] in one buffer), so every rank adds the
    /// global batch's mean statistics × learning rate (`rate` is the learning rate ÷ this rank's rows).
    private func applySummed(_ context: DataParallel, _ vp: Tensor, _ hp: Tensor, _ vn: Tensor, _ hn: Tensor, gradB: Tensor, gradC: Tensor,
                             rate: Float, momentum: Float, weightDecay: Float) {
        let rows = Float(vp.shape[0])
        let gradW = Tensor.gemm(hp, transA: true, vp, transB: false) - Tensor.gemm(hn, transA: true, vn, transB: false)
        let summed = context.allreduceSum([gradW, gradB, gradC, vp.sum(axis: 0)], scale: context.shard.weight / rows)
        summedDataMean = summed[3]
        let learningRate = rate * rows
        var vel = velocity ?? (Tensor.zeros([hiddenCount, visibleCount]), Tensor.zeros([visibleCount]), Tensor.zeros([hiddenCount]))
        vel.w = vel.w * momentum + (summed[0] - weights.value.detached() * weightDecay) * learningRate
        vel.b = vel.b * momentum + summed[1] * learningRate
        vel.c = vel.c * momentum + summed[2] * learningRate
        if momentum != 0 || weightDecay != 0 { velocity = vel }
        weights.update { p, n in vel.w.withData { d in for i in 0..<n { p[i] += d[i] } } }
        visibleBias.update { p, n in vel.b.withData { d in for i in 0..<n { p[i] += d[i] } } }
        hiddenBias.update { p, n in vel.c.withData { d in for i in 0..<n { p[i] += d[i] } } }
    }

    // MARK: Sampling

    /// Runs `steps` Gibbs steps v → h → v from `start` ([N, V]); returns the
    /// visible probabilities of the last step (the usual picture).
    public func gibbs(from start: Tensor, steps: Int, rng: inout RandomGenerator) -> Tensor {
        var v = start
        var probabilities = start
        for _ in 0..<steps {
            let h = draw(hiddenProbabilities(v), rng: &rng)
            probabilities = visibleProbabilities(h)
            v = draw(probabilities, rng: &rng)
        }
        return probabilities
    }

    /// Fills in the pixels where `known` is 0 by Gibbs sampling with the
    /// known pixels clamped; returns the mean of the removed pixels' last
    /// probabilities averaged over the final `average` steps.
    public func inpaint(_ images: Tensor, known: Tensor, steps: Int, average: Int = 10, rng: inout RandomGenerator) -> Tensor {
        let unknown = 1 - known
        var v = images * known + Tensor.uniform(images.shape, rng: &rng).greater(0.5) * unknown
        var sum = Tensor.zeros(images.shape)
        let keep = Swift.max(1, Swift.min(average, steps))
        for step in 0..<steps {
            let h = draw(hiddenProbabilities(v), rng: &rng)
            let p = visibleProbabilities(h)
            v = images * known + draw(p, rng: &rng) * unknown
            if step >= steps - keep { sum = sum + p }
        }
        return images * known + (sum / Float(keep)) * unknown
    }
}

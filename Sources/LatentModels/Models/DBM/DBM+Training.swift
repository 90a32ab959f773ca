import Foundation
import LatentTensor
import LatentNN
import LatentData
import LatentOutput
// Foundation has a Progress too; this file means the library's.
import class LatentOutput.Progress

extension DBM {
    /// Greedy layer-wise pretraining with the doubled-input trick of
    /// Salakhutdinov & Hinton (2009): the bottom RBM doubles its visible input
    /// to the hidden units, the top RBM doubles its hidden input to the
    /// visible units, middle RBMs both — each counting the layer the DBM will
    /// add — and every RBM trains with CD-1 on the mean activations of the one
    /// below. The RBMs' weights become the DBM's; shared layers average biases.
    public func pretrain(_ data: Tensor, epochs: Int, learningRate: Float, batchSize: Int,
                         rng: inout RandomGenerator) {
        var input = data
        var machines: [RBM] = []
        for l in 1...depth {
            let rbm = RBM(visible: layerSizes[l - 1], hidden: layerSizes[l], rng: &rng)
            rbm.upScale = l == depth ? 1 : 2
            rbm.downScale = l == 1 ? 1 : 2
            let progress = Progress("pretrain layer \(l)/\(depth)", total: epochs * input.shape[0])
            for _ in 0..<epochs {
                for indices in MiniBatches(count: input.shape[0], batchSize: batchSize, shuffle: &rng) {
                    let batch = l == 1 ? input.gatherRows(indices) : Tensor.bernoulli(input.gatherRows(indices), rng: &rng)
                    rbm.train(batch, learningRate: learningRate, negative: .contrastive(steps: 1), rng: &rng)
                    progress.advance(by: indices.count)
                }
            }
            progress.finish()
            machines.append(rbm)
            input = rbm.hiddenProbabilities(input)
        }
        for (l, rbm) in machines.enumerated() { weights[l].assign(rbm.weights.value.detached()) }
        biases[0].assign(machines[0].visibleBias.value.detached())
        for l in 1..<depth {
            biases[l].assign((machines[l - 1].hiddenBias.value.detached() + machines[l].visibleBias.value.detached()) * 0.5)
        }
        biases[depth].assign(machines[depth - 1].hiddenBias.value.detached())
        chains = nil
    }
}

extension DBM {
    /// log f_β(odd layers) with the even layers (visible included) summed out:
    /// β Σ_odd bᵀx + Σ_even Σ_units softplus(β·(input from the odd neighbours + b)). Per row.
    func logUnnormalizedOdd(_ state: [Tensor], beta: Float) -> [Double] {
        withoutGradient {
            let n = state[1].shape[0]
            var total = [Double](repeating: 0, count: n)
            for l in 0...depth {
                if l % 2 == 1 {
                    let t = state[l].matmul(biases[l].value.detached().reshaped([layerSizes[l], 1])).scalars
                    for i in 0..<n { total[i] += Double(beta) * Double(t[i]) }
                } else {
                    let f = field(l, below: l > 0 ? state[l - 1] : nil, above: l < depth ? state[l + 1] : nil, beta: beta)
                    let s = f.softplus().sum(axis: 1).scalars
                    for i in 0..<n { total[i] += Double(s[i]) }
                }
            }
            return total
        }
    }

    /// log Z by AIS over the odd layers (the even ones are summed out exactly),
    /// tempering every weight and bias by β from 0 (uniform, log Z₀ = N log 2) to 1.
    public func estimateLogPartition(betas: [Double], chains count: Int, rng: inout RandomGenerator,
                                     progress: Progress? = nil) -> AIS.Estimate {
        var state = randomState(count, rng: &rng)
        let logZ0 = Double(layerSizes.reduce(0, +)) * Foundation.log(2)
        var logW = [Double](repeating: 0, count: count)
        for k in 1..<betas.count {
            let up = logUnnormalizedOdd(state, beta: Float(betas[k])), down = logUnnormalizedOdd(state, beta: Float(betas[k - 1]))
            for i in 0..<count { logW[i] += up[i] - down[i] }
            // Transition at β_k: even layers given odd, then odd given even.
            for parity in [0, 1] {
                for l in stride(from: parity, through: depth, by: 2) {
                    let f = field(l, below: l > 0 ? state[l - 1] : nil, above: l < depth ? state[l + 1] : nil, beta: Float(betas[k]))
                    state[l] = Tensor.bernoulli(f.sigmoid(), rng: &rng)
                }
            }
            progress?.advance(by: 1)
        }
        return AIS.summarize(logWeights: logW, logBasePartition: logZ0, steps: betas.count - 1)
    }

    /// Exact log Z by enumerating the odd layers (at most 20 units in all).
    public func exactLogPartition() throws -> Double {
        let odd = stride(from: 1, through: depth, by: 2).map { layerSizes[$0] }
        let units = odd.reduce(0, +)
        guard units <= 20 else { throw LatentError.invalidArgument("exact log Z needs at most 20 units in the odd layers, this DBM has \(units)") }
        var state = layerSizes.map { Tensor.zeros([1 << units, $0]) }
        var offset = 0
        for l in stride(from: 1, through: depth, by: 2) {
            let size = layerSizes[l]
            state[l].withMutableData { p in
                for m in 0..<(1 << units) { for j in 0..<size { p[m * size + j] = Float((m >> (offset + j)) & 1) } }
            }
            offset += size
        }
        return logSumExp(logUnnormalizedOdd(state, beta: 1))
    }

    /// The variational lower bound on log p(v) per image, with the mean-field
    /// posterior q: E_q[−E(v, h)] + H(q) − log Z.
    public func variationalLowerBound(_ v: Tensor, logPartition: Double, meanFieldIterations: Int = 30) -> [Double] {
        withoutGradient {
            let mu = [v] + meanField(v, iterations: meanFieldIterations)
            let n = v.shape[0]
            var bound = [Double](repeating: -logPartition, count: n)
            for l in 0...depth {
                let t = mu[l].matmul(biases[l].value.detached().reshaped([layerSizes[l], 1])).scalars
                for i in 0..<n { bound[i] += Double(t[i]) }
            }
            for l in 0..<depth {
                let t = (mu[l].linear(weight: weights[l].value.detached(), bias: nil) * mu[l + 1]).sum(axis: 1).scalars
                for i in 0..<n { bound[i] += Double(t[i]) }
            }
            for l in 1...depth {
                let p = mu[l].clamped(min: 1e-7, max: 1 - 1e-7)
                let entropy = -(p * p.log() + (1 - p) * (1 - p).log()).sum(axis: 1)
                let e = entropy.scalars
                for i in 0..<n { bound[i] += Double(e[i]) }
            }
            return bound
        }
    }
}

import Foundation
import Testing
@testable import Latent

/// Central finite differences against reverse mode, the oracle for every
/// differentiable op (in the spirit of micrograd's and tinygrad's op tests).
///
/// The scalar checked is L = Σ y·r with fixed random weights r, so every
/// output element contributes with its own weight. L is accumulated in
/// Double; inputs are perturbed by ±`step` in Float. An analytic gradient
/// entry a passes against the numeric one n when
/// |a - n| ≤ `absolute` + `relative`·|n|  (defaults 2e-3 and 2e-2).
/// At most `maxEntries` entries per input are probed (spread evenly).
func checkGradients(_ inputs: [Tensor], step: Float = 5e-3, absolute: Double = 2e-3, relative: Double = 2e-2,
                    maxEntries: Int = 48, sourceLocation: SourceLocation = #_sourceLocation,
                    _ f: ([Tensor]) -> Tensor) {
    let leaves = inputs.map { $0.requiringGradient() }
    let y = f(leaves)
    var rng = RandomGenerator(seed: 99)
    let weights = Tensor.uniform(y.shape, low: -1, high: 1, rng: &rng)
    (y * weights).sum().backward()

    func loss(_ xs: [Tensor]) -> Double {
        withoutGradient {
            let out = f(xs)
            #expect(out.shape == y.shape, "output shape changed", sourceLocation: sourceLocation)
            var s = 0.0
            for (a, b) in zip(out.scalars, weights.scalars) { s += Double(a) * Double(b) }
            return s
        }
    }

    for (i, input) in inputs.enumerated() {
        guard let analytic = leaves[i].gradient else {
            Issue.record("input \(i) received no gradient", sourceLocation: sourceLocation)
            continue
        }
        #expect(analytic.shape == input.shape, "gradient shape \(analytic.shape) for input \(input.shape)", sourceLocation: sourceLocation)
        let probe = Swift.max(1, input.count / maxEntries)
        for j in Swift.stride(from: 0, to: input.count, by: probe) {
            var plus = inputs, minus = inputs
            plus[i].withMutableData { $0[j] += step }
            minus[i].withMutableData { $0[j] -= step }
            let numeric = (loss(plus) - loss(minus)) / (2 * Double(step))
            let a = Double(analytic.scalars[j])
            let ok = Swift.abs(a - numeric) <= absolute + relative * Swift.abs(numeric)
            #expect(ok, "input \(i) entry \(j): analytic \(a), numeric \(numeric)", sourceLocation: sourceLocation)
            if !ok { return }
        }
    }
}

/// Uniform values in [low, high) with |x| ≥ margin, to keep away from kinks (relu, abs, max).
func awayFromZero(_ shape: [Int], seed: UInt64, low: Float = -2, high: Float = 2, margin: Float = 0.05) -> Tensor {
    var rng = RandomGenerator(seed: seed)
    return Tensor.uniform(shape, low: low, high: high, rng: &rng).mapValues { v in
        v.replacing(with: v + margin * 2, where: (v .>= 0) .& (v .< margin))
            .replacing(with: v - margin * 2, where: (v .< 0) .& (v .> -margin))
    }
}

func randomTensor(_ shape: [Int], seed: UInt64, low: Float = -1, high: Float = 1) -> Tensor {
    var rng = RandomGenerator(seed: seed)
    return Tensor.uniform(shape, low: low, high: high, rng: &rng)
}

/// |a - b| ≤ tolerance element-wise.
func expectClose(_ a: Tensor, _ b: Tensor, tolerance: Float = 1e-5, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(a.shape == b.shape, "shapes \(a.shape) and \(b.shape)", sourceLocation: sourceLocation)
    guard a.shape == b.shape else { return }
    for (i, (x, y)) in zip(a.scalars, b.scalars).enumerated() {
        if !(Swift.abs(x - y) <= tolerance * Swift.max(1, Swift.abs(y))) {
            Issue.record("element \(i): \(x) vs \(y)", sourceLocation: sourceLocation)
            return
        }
    }
}

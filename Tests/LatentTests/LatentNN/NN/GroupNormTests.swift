import Foundation
import Testing
@testable import Latent

/// `GroupNorm`: each image's group normalised to mean 0 and variance 1, the
/// per-channel affine after it, and gradients against finite differences.
@Suite struct GroupNormTests {
    @Test func eachImagesGroupHasMeanZeroAndVarianceOne() {
        let norm = GroupNorm(groups: 2, channels: 4)
        let x = randomTensor([3, 4, 5, 5], seed: 1, low: -3, high: 7)
        let y = norm(x).scalars
        for image in 0..<3 {
            for group in 0..<2 {
                let values = (0..<50).map { Double(y[image * 100 + group * 50 + $0]) }
                let mean = values.reduce(0, +) / 50
                let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 50
                #expect(Swift.abs(mean) < 1e-5)
                #expect(Swift.abs(variance - 1) < 1e-3)
            }
        }
        // Training and evaluation mode compute the same function (no batch statistics).
        norm.eval()
        expectClose(norm(x), Tensor(y, shape: [3, 4, 5, 5]))
    }

    @Test func oneGroupPerChannelByHand() {
        let norm = GroupNorm(groups: 2, channels: 2, epsilon: 0)
        norm.weight.assign(Tensor([2, 1]))
        norm.bias.assign(Tensor([0, 5]))
        let y = norm(Tensor([1, 3, 10, 30], shape: [1, 2, 1, 2]))
        // Channel 0: (1, 3) → (−1, 1) · 2; channel 1: (10, 30) → (−1, 1) + 5.
        expectClose(y, Tensor([-2, 2, 4, 6], shape: [1, 2, 1, 2]))
    }

    @Test func groupCountDividesTheChannels() {
        #expect(GroupNorm.groupCount(channels: 32) == 8)
        #expect(GroupNorm.groupCount(channels: 12) == 6)
        #expect(GroupNorm.groupCount(channels: 3) == 3)
        #expect(GroupNorm.groupCount(channels: 7) == 7)
    }

    @Test func inputGradientMatchesFiniteDifferences() {
        let norm = GroupNorm(groups: 3, channels: 6)
        norm.weight.assign(randomTensor([6], seed: 2, low: 0.5, high: 1.5))
        norm.bias.assign(randomTensor([6], seed: 3))
        checkGradients([randomTensor([2, 6, 3, 3], seed: 4, low: -2, high: 2)], step: 1e-2) { norm($0[0]) }
    }

    @Test func weightAndBiasGradientsMatchFiniteDifferences() {
        let norm = GroupNorm(groups: 2, channels: 4)
        let x = randomTensor([2, 4, 3, 3], seed: 5, low: -2, high: 2)
        let r = randomTensor([2, 4, 3, 3], seed: 6)
        (norm(x) * r).sum().backward()
        for parameter in [norm.weight, norm.bias] {
            let analytic = parameter.grad!.scalars
            let base = parameter.value.detached()
            for j in 0..<4 {
                var plus = base.scalars, minus = base.scalars
                plus[j] += 1e-2; minus[j] -= 1e-2
                parameter.assign(Tensor(plus)); let up = withoutGradient { Double((norm(x) * r).sum().item) }
                parameter.assign(Tensor(minus)); let down = withoutGradient { Double((norm(x) * r).sum().item) }
                parameter.assign(base)
                let numeric = (up - down) / 2e-2
                #expect(Swift.abs(Double(analytic[j]) - numeric) <= 2e-3 + 2e-2 * Swift.abs(numeric), "entry \(j): \(analytic[j]) vs \(numeric)")
            }
        }
    }
}

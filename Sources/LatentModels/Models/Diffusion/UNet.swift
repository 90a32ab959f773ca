import Foundation
import LatentTensor
import LatentNN

/// x · σ(x) (SiLU / swish), the U-Net's activation.
@inline(__always) func silu(_ x: Tensor) -> Tensor { x * x.sigmoid() }

/// Sinusoidal embedding of step indices (Vaswani et al.; Ho et al.'s U-Net):
/// row i is [sin(tᵢ ω_k), cos(tᵢ ω_k)] with ω_k = 10000^(−k/(d/2−1)), k < d/2.
///
/// ```swift
/// timestepEmbedding([0, 10, 999], dimension: 32).shape   // [3, 32]
/// ```
public func timestepEmbedding(_ steps: [Int], dimension: Int) -> Tensor {
    precondition(dimension >= 2 && dimension % 2 == 0, "the time embedding needs an even dimension ≥ 2")
    let half = dimension / 2
    let frequencies = (0..<half).map { exp(-log(10_000.0) * Double($0) / Double(Swift.max(half - 1, 1))) }
    var values = [Float](repeating: 0, count: steps.count * dimension)
    for (i, t) in steps.enumerated() {
        for k in 0..<half {
            let angle = Double(t) * frequencies[k]
            values[i * dimension + k] = Float(sin(angle))
            values[i * dimension + half + k] = Float(cos(angle))
        }
    }
    return Tensor(values, shape: [steps.count, dimension])
}

/// Nearest-neighbour up-sampling by 2 of [N, C, H, W] (each pixel becomes a 2×2 block), differentiable.
func upsampleNearest(_ x: Tensor) -> Tensor {
    let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let wide = x.reshaped([n * c * h, w, 1]).broadcasted(to: [n * c * h, w, 2]).reshaped([n * c, h, 1, 2 * w])
    return wide.broadcasted(to: [n * c, h, 2, 2 * w]).reshaped([n, c, 2 * h, 2 * w])
}

/// A residual block: GroupNorm → SiLU → 3×3 conv, plus the projected time
/// embedding per channel, then GroupNorm → SiLU → 3×3 conv, added to the input
/// (through a 1×1 conv when the channel count changes).
final class ResidualBlock: Module {
    let norm1: GroupNorm, conv1: Conv2d, time: Linear, norm2: GroupNorm, conv2: Conv2d
    let skip: Conv2d?

    init(_ inChannels: Int, _ outChannels: Int, embedding: Int, rng: inout RandomGenerator) {
        norm1 = GroupNorm(groups: GroupNorm.groupCount(channels: inChannels), channels: inChannels)
        conv1 = Conv2d(inChannels, outChannels, kernelSize: 3, padding: 1, rng: &rng)
        time = Linear(embedding, outChannels, rng: &rng)
        norm2 = GroupNorm(groups: GroupNorm.groupCount(channels: outChannels), channels: outChannels)
        conv2 = Conv2d(outChannels, outChannels, kernelSize: 3, padding: 1, rng: &rng)
        skip = inChannels == outChannels ? nil : Conv2d(inChannels, outChannels, kernelSize: 1, rng: &rng)
        super.init()
    }

    func callAsFunction(_ x: Tensor, _ embedding: Tensor) -> Tensor {
        var h = conv1(silu(norm1(x)))
        h = h + time(silu(embedding)).reshaped([x.shape[0], -1, 1, 1])
        h = conv2(silu(norm2(h)))
        return (skip.map { $0(x) } ?? x) + h
    }
}

/// Single-head self-attention over the pixels of each image (Ho et al.'s
/// U-Net at the lowest resolution): GroupNorm, 1×1 convs to queries, keys and
/// values, softmax(qᵀk/√C) per image, a 1×1 output conv, added to the input.
final class AttentionBlock: Module {
    let norm: GroupNorm, qkv: Conv2d, output: Conv2d

    init(_ channels: Int, rng: inout RandomGenerator) {
        norm = GroupNorm(groups: GroupNorm.groupCount(channels: channels), channels: channels)
        qkv = Conv2d(channels, 3 * channels, kernelSize: 1, rng: &rng)
        output = Conv2d(channels, channels, kernelSize: 1, rng: &rng)
        super.init()
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let rows = qkv(norm(x)).reshaped([n * 3 * c, h * w])
        let scale = 1 / Float(c).squareRoot()
        let attended = (0..<n).map { i -> Tensor in
            let q = rows.narrow(axis: 0, start: i * 3 * c, length: c)
            let k = rows.narrow(axis: 0, start: i * 3 * c + c, length: c)
            let v = rows.narrow(axis: 0, start: i * 3 * c + 2 * c, length: c)
            let weights = (q.transposed().matmul(k) * scale).softmax(axis: -1)   // [HW queries, HW keys]
            return v.matmul(weights.transposed())                                 // [C, HW queries]
        }
        return x + output(Tensor.concatenate(attended, axis: 0).reshaped([n, c, h, w]))
    }
}

/// The noise-predicting U-Net ε_θ(x_t, t) of a DDPM (after Ho et al. 2020,
/// smaller): a 3×3 input conv, then per level `residualBlocks` residual
/// blocks (each output kept as a skip) and a stride-2 3×3 conv down; in the
/// middle two residual blocks with optional self-attention between them; on
/// the way up each residual block takes its level's skip concatenated on the
/// channels, and up-sampling is nearest-neighbour ×2 followed by a 3×3 conv
/// (not a transposed conv, which leaves checkerboard patterns); GroupNorm,
/// SiLU and a 3×3 conv to the image's channels. The step enters as a
/// sinusoidal embedding through a two-layer MLP, added in every residual block.
///
/// ```swift
/// let net = UNet(imageChannels: 1, channels: 32, multipliers: [1, 2, 2], residualBlocks: 1, attention: true, rng: &rng)
/// let eps = net(x, steps: t)     // x [N, 1, 28, 28], t: N step indices → [N, 1, 28, 28]
/// ```
public final class UNet: Module {
    let input: Conv2d
    let timeHidden: Linear, timeOutput: Linear
    let down: [ResidualBlock]
    let downsample: [Conv2d]
    let middle1: ResidualBlock, middle2: ResidualBlock
    let attention: AttentionBlock?
    let up: [ResidualBlock]
    let upsample: [Conv2d]
    let outputNorm: GroupNorm, output: Conv2d
    public let channels: Int
    public let multipliers: [Int]
    public let residualBlocks: Int

    public init(imageChannels: Int, channels: Int, multipliers: [Int], residualBlocks: Int, attention: Bool, rng: inout RandomGenerator) {
        precondition(!multipliers.isEmpty && residualBlocks >= 1, "a U-Net needs at least one level and one block")
        self.channels = channels
        self.multipliers = multipliers
        self.residualBlocks = residualBlocks
        let embedding = 4 * channels
        input = Conv2d(imageChannels, channels, kernelSize: 3, padding: 1, rng: &rng)
        timeHidden = Linear(channels + channels % 2, embedding, rng: &rng)
        timeOutput = Linear(embedding, embedding, rng: &rng)
        let widths = multipliers.map { $0 * channels }
        var down: [ResidualBlock] = [], downsample: [Conv2d] = []
        var current = channels
        for (level, width) in widths.enumerated() {
            for _ in 0..<residualBlocks {
                down.append(ResidualBlock(current, width, embedding: embedding, rng: &rng))
                current = width
            }
            if level < widths.count - 1 { downsample.append(Conv2d(width, width, kernelSize: 3, stride: 2, padding: 1, rng: &rng)) }
        }
        middle1 = ResidualBlock(current, current, embedding: embedding, rng: &rng)
        self.attention = attention ? AttentionBlock(current, rng: &rng) : nil
        middle2 = ResidualBlock(current, current, embedding: embedding, rng: &rng)
        var up: [ResidualBlock] = [], upsample: [Conv2d] = []
        for level in widths.indices.reversed() {
            for _ in 0..<residualBlocks {
                up.append(ResidualBlock(current + widths[level], widths[level], embedding: embedding, rng: &rng))
                current = widths[level]
            }
            if level > 0 {
                upsample.append(Conv2d(current, widths[level - 1], kernelSize: 3, padding: 1, rng: &rng))
                current = widths[level - 1]
            }
        }
        self.down = down
        self.downsample = downsample
        self.up = up
        self.upsample = upsample
        outputNorm = GroupNorm(groups: GroupNorm.groupCount(channels: current), channels: current)
        output = Conv2d(current, imageChannels, kernelSize: 3, padding: 1, rng: &rng)
        super.init()
    }

    /// Image sides must divide by this (each level after the first halves them).
    public var sideDivisor: Int { 1 << (multipliers.count - 1) }

    /// ε_θ(x, t) for images `x` [N, C, H, W] and one step index (0 … T − 1) per image.
    public func callAsFunction(_ x: Tensor, steps: [Int]) -> Tensor {
        precondition(steps.count == x.shape[0], "one step per image: \(steps.count) steps for \(x.shape[0]) images")
        let embedding = timeOutput(silu(timeHidden(timestepEmbedding(steps, dimension: channels + channels % 2))))
        var h = input(x)
        var skips: [Tensor] = []
        var block = 0
        for level in multipliers.indices {
            for _ in 0..<residualBlocks {
                h = down[block](h, embedding)
                skips.append(h)
                block += 1
            }
            if level < multipliers.count - 1 { h = downsample[level](h) }
        }
        h = middle1(h, embedding)
        if let attention { h = attention(h) }
        h = middle2(h, embedding)
        block = 0
        for (i, level) in multipliers.indices.reversed().enumerated() {
            for _ in 0..<residualBlocks {
                h = up[block](Tensor.concatenate([h, skips.removeLast()], axis: 1), embedding)
                block += 1
            }
            if level > 0 { h = upsample[i](upsampleNearest(h)) }
        }
        return output(silu(outputNorm(h)))
    }
}

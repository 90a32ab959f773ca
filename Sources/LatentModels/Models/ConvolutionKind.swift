import LatentTensor
import LatentNN

/// Which convolutions the convolutional families (`conv-vae`, `conv-ae`,
/// `dcgan`) are built from: `--conv standard|dilated|separable`. Every kind
/// halves (or doubles) the image sides per layer, so the networks around the
/// convolutions stay the same; the kinds differ in how many pixels a layer sees
/// and how many weights it has. The parameter names and shapes differ between
/// kinds, so a checkpoint of one kind does not load into a model of another.
///
/// ```swift
/// var rng = RandomGenerator(seed: 0)
/// let down = ConvolutionKind.separable.downsampling(32, 64, rng: &rng)
/// down(Tensor.zeros([8, 32, 14, 14])).shape   // [8, 64, 7, 7]
/// let up = ConvolutionKind.dilated.upsampling(64, 32, rng: &rng)
/// up(Tensor.zeros([8, 64, 7, 7])).shape       // [8, 32, 14, 14]
/// ```
public enum ConvolutionKind: String, Codable, Sendable, CaseIterable {
    /// 4×4 kernels, stride 2, padding 1 (workloads W5 and W6): in·out·16 weights per layer.
    case standard
    /// 3×3 taps two pixels apart (dilation 2), stride 2, padding 2: each output sees a 5×5
    /// window with in·out·9 weights, 9/16 of the standard layer's.
    case dilated
    /// Depthwise 4×4 (one filter per channel), stride 2, padding 1, then a pointwise 1×1 mix:
    /// in·16 + in·out weights instead of in·out·16.
    case separable

    /// What `--conv` says in `--help`.
    public static let help = "Convolutions of the conv networks: standard (4×4 kernels, stride 2: in·out·16 weights a layer); "
        + "dilated (3×3 taps two pixels apart: a 5×5 view with in·out·9 weights, 9/16 of standard); "
        + "separable (a depthwise 4×4 filter per channel, then a pointwise 1×1 mix: in·16 + in·out weights, about 16 times fewer). "
        + "The fully connected layers are the same for every kind."

    /// A layer from `input` to `output` channels that halves even image sides (H → H/2).
    public func downsampling(_ input: Int, _ output: Int, initializer: Initializer = .pytorchDefault,
                             rng: inout RandomGenerator) -> any Layer {
        switch self {
        case .standard:
            return Conv2d(input, output, kernelSize: 4, stride: 2, padding: 1, initializer: initializer, rng: &rng)
        case .dilated:
            // (H + 4 − 5) / 2 + 1 = H/2 for even H.
            return Conv2d(input, output, kernelSize: 3, stride: 2, padding: 2, dilation: 2, initializer: initializer, rng: &rng)
        case .separable:
            return DepthwiseSeparableConv2d(input, output, kernelSize: 4, stride: 2, padding: 1, initializer: initializer, rng: &rng)
        }
    }

    /// A layer from `input` to `output` channels that doubles the image sides (H → 2H).
    public func upsampling(_ input: Int, _ output: Int, initializer: Initializer = .pytorchDefault,
                           rng: inout RandomGenerator) -> any Layer {
        switch self {
        case .standard:
            return ConvTranspose2d(input, output, kernelSize: 4, stride: 2, padding: 1, initializer: initializer, rng: &rng)
        case .dilated:
            // (H − 1)·2 − 4 + 2·2 + 1 + 1 = 2H.
            return ConvTranspose2d(input, output, kernelSize: 3, stride: 2, padding: 2, outputPadding: 1, dilation: 2,
                                   initializer: initializer, rng: &rng)
        case .separable:
            return DepthwiseSeparableConvTranspose2d(input, output, kernelSize: 4, stride: 2, padding: 1,
                                                     initializer: initializer, rng: &rng)
        }
    }
}

extension OptionSpec {
    /// `--conv standard|dilated|separable` on an optional field, unset reading as `standard`
    /// (config.json files written before the option existed).
    static func convolution(_ path: WritableKeyPath<Options, ConvolutionKind?>) -> OptionSpec {
        let choice = OptionSpec<ConvolutionKind>.choice("conv", \.self, ConvolutionKind.help)
        return OptionSpec(name: "conv", valueName: choice.valueName, help: ConvolutionKind.help,
                          read: { ($0[keyPath: path] ?? .standard).rawValue },
                          write: { options, text in
                              var kind = ConvolutionKind.standard
                              try choice.write(&kind, text)
                              options[keyPath: path] = kind
                          })
    }
}

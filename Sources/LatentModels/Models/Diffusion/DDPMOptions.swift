import LatentNN

/// The options of the `ddpm` family: the noise schedule, the U-Net's size,
/// the EMA of its weights and the optimizer.
///
/// ```swift
/// var o = DDPMModel.defaultOptions
/// o.schedule = .cosine
/// o.timesteps = 500
/// o.channels = 16
/// o.channelMultipliers = [1, 2]
/// o.attention = false
/// ```
public struct DDPMOptions: FamilyOptions, Equatable {
    /// β₁…β_T: linear (Ho et al., from 10⁻⁴ to 0.02 scaled by 1000/T) or cosine (Nichol & Dhariwal).
    public var schedule: NoiseSchedule.Kind = .linear
    /// Diffusion steps T.
    public var timesteps = 1000
    /// Channels of the U-Net's first level.
    public var channels = 32
    /// Channels of each level as multiples of `channels`; each level after the first halves the resolution.
    public var channelMultipliers = [1, 2, 2]
    /// Residual blocks per level on the way down (and as many on the way up).
    public var residualBlocks = 1
    /// Self-attention at the lowest resolution (between the two middle residual blocks).
    public var attention = true
    /// Decay of the exponential moving average of the weights that sampling, validation and the bound use (0: none).
    public var emaDecay: Float = 0.999
    /// DDIM steps of the sampler used outside `latent sample` (the grids during training, FID/KID,
    /// projections); T or more: the full ancestral chain.
    public var sampleSteps = 50
    public var optimizer: OptimizerOptions = {
        var o = OptimizerOptions()
        o.learningRate = 2e-4
        return o
    }()

    public init() {}

    public static var specs: [OptionSpec<DDPMOptions>] {
        [.choice("noise-schedule", \.schedule, "Noise schedule β_t: linear (Ho et al.) or cosine (Nichol & Dhariwal)."),
         .count("timesteps", \.timesteps, "Diffusion steps T.", min: 2, max: 100_000),
         .count("channels", \.channels, "Channels of the U-Net's first level."),
         .counts("channel-mults", \.channelMultipliers, "Channels of each U-Net level as multiples of --channels, comma-separated; each level after the first halves the resolution (sides must divide by 2^(levels−1))."),
         .count("res-blocks", \.residualBlocks, "Residual blocks per U-Net level.", max: 8),
         .flag("attention", \.attention, "Self-attention at the lowest resolution (on by default; --attention=false turns it off)."),
         OptionSpec.number("ema-decay", \.emaDecay, "Decay of the moving average of the weights used to sample and evaluate (0: the raw weights).", .from(0, below: 1)).resumable(),
         OptionSpec.count("sample-steps", \.sampleSteps, "DDIM steps of the sampler used for training grids and FID/KID (T or more: the full chain; `latent sample` runs the full chain unless --steps).", max: 100_000).resumable(),
        ] + OptimizerOptions.specs.map { $0.lifted(\.optimizer) }
    }
}

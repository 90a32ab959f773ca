import LatentTensor
import LatentNN

/// The generator and discriminator architectures of workloads W4 (MLP) and W5 (DCGAN).
public enum GANNetworks {
    /// G: z → hidden… → C·H·W with LeakyReLU(0.2) between and Tanh out (PyTorch's default init).
    public static func mlpGenerator(latent: Int, hidden: [Int], outputs: Int, rng: inout RandomGenerator) -> Sequential {
        var layers: [any Layer] = []
        var width = latent
        for h in hidden {
            layers += [Linear(width, h, rng: &rng), LeakyReLU(0.2)]
            width = h
        }
        layers += [Linear(width, outputs, rng: &rng), Tanh()]
        return Sequential(layers)
    }

    /// D: C·H·W → hidden… → 1 logit, each hidden layer LeakyReLU(0.2) then Dropout(0.3).
    public static func mlpDiscriminator(inputs: Int, hidden: [Int], dropout: Float = 0.3, rng: inout RandomGenerator) -> Sequential {
        var layers: [any Layer] = []
        var width = inputs
        for h in hidden {
            layers += [Linear(width, h, rng: &rng), LeakyReLU(0.2), Dropout(dropout, seed: rng.next())]
            width = h
        }
        layers.append(Linear(width, 1, rng: &rng))
        return Sequential(layers)
    }

    /// DCGAN generator for [C, H, W] images with H, W divisible by 4:
    /// Linear(z → 128·H/4·W/4), BN, ReLU, ConvT 128→64 k4s2p1, BN, ReLU, ConvT 64→C k4s2p1, Tanh;
    /// flattened to [N, C·H·W] at the end. Weights N(0, 0.02), BN scales N(1, 0.02).
    /// `conv` swaps each up-sampling convolution for its dilated or separable kind (`ConvolutionKind`).
    ///
    /// ```swift
    /// let g = GANNetworks.dcganGenerator(latent: 64, imageShape: [1, 28, 28], conv: .separable, rng: &rng)
    /// g(Tensor.zeros([8, 64])).shape   // [8, 784]
    /// ```
    public static func dcganGenerator(latent: Int, imageShape: [Int], conv: ConvolutionKind = .standard,
                                      rng: inout RandomGenerator) -> Sequential {
        let (c, h, w) = (imageShape[0], imageShape[1], imageShape[2])
        let init0 = Initializer.normal(std: 0.02)
        let g = Sequential(Linear(latent, 128 * (h / 4) * (w / 4), initializer: init0, rng: &rng), Unflatten([128, h / 4, w / 4]),
                           BatchNorm(128), ReLU(),
                           conv.upsampling(128, 64, initializer: init0, rng: &rng),
                           BatchNorm(64), ReLU(),
                           conv.upsampling(64, c, initializer: init0, rng: &rng),
                           Tanh(), Flatten())
        dcganBatchNormInit(g, rng: &rng)
        return g
    }

    /// DCGAN discriminator: Conv C→64 k4s2p1, LeakyReLU(0.2), Conv 64→128 k4s2p1, BN, LeakyReLU(0.2), Linear → 1.
    /// Takes rows [N, C·H·W]. `conv` swaps each down-sampling convolution for its dilated or separable kind.
    /// The conditional GAN's D is this network for [C + K, H, W]: the one-hot class as K constant channels.
    public static func dcganDiscriminator(imageShape: [Int], conv: ConvolutionKind = .standard,
                                          rng: inout RandomGenerator) -> Sequential {
        let (c, h, w) = (imageShape[0], imageShape[1], imageShape[2])
        let init0 = Initializer.normal(std: 0.02)
        let d = Sequential(Unflatten(imageShape),
                           conv.downsampling(c, 64, initializer: init0, rng: &rng), LeakyReLU(0.2),
                           conv.downsampling(64, 128, initializer: init0, rng: &rng),
                           BatchNorm(128), LeakyReLU(0.2), Flatten(),
                           Linear(128 * (h / 4) * (w / 4), 1, initializer: init0, rng: &rng))
        dcganBatchNormInit(d, rng: &rng)
        return d
    }

    /// The auxiliary head on D's last hidden features (the input of its last layer): AC-GAN's K class
    /// logits, or InfoGAN's Q (K categorical logits, then C means). One linear layer, so it shares all of
    /// D's body; initialised like D's last layer (`dcgan`: N(0, 0.02)).
    ///
    /// ```swift
    /// let q = GANNetworks.auxiliaryHead(features: 256, outputs: 12, convolutional: false, rng: &rng)
    /// ```
    public static func auxiliaryHead(features: Int, outputs: Int, convolutional: Bool, rng: inout RandomGenerator) -> Sequential {
        Sequential(convolutional ? Linear(features, outputs, initializer: .normal(std: 0.02), rng: &rng) : Linear(features, outputs, rng: &rng))
    }

    /// The projection discriminator's class embedding (Miyato & Koyama 2018): a bias-free linear map from the
    /// one-hot class to D's last hidden features, so embed(y)·φ(x) adds to D's logit how well x fits class y.
    ///
    /// ```swift
    /// let embed = GANNetworks.classEmbedding(classes: 10, features: 256, rng: &rng)
    /// embed(Tensor.oneHot([3], classes: 10)).shape   // [1, 256]
    /// ```
    public static func classEmbedding(classes: Int, features: Int, rng: inout RandomGenerator) -> Sequential {
        Sequential(Linear(classes, features, bias: false, rng: &rng))
    }

    static func dcganBatchNormInit(_ net: Sequential, rng: inout RandomGenerator) {
        for case let bn as BatchNorm in net.layers {
            bn.weight.assign(Tensor.normal(bn.weight.value.shape, mean: 1, std: 0.02, rng: &rng))
        }
    }
}

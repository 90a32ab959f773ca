import LatentTensor
import LatentNN

/// The implicit encoder of Adversarial Variational Bayes: z = f(x, ε) with
/// ε ~ N(0, I) concatenated to the pixels, through the MLP widths of the VAE's
/// encoder and a linear head to `latent` values. q(z|x) has no density to
/// write down; only samples, which is why the KL term needs a discriminator.
///
/// ```swift
/// let encoder = ImplicitEncoder(pixels: 784, noise: 8, hidden: [256], latent: 8, rng: &rng)
/// let z = encoder(x, noise: Tensor.normal([x.shape[0], 8], rng: &rng))   // [N, 8]
/// ```
public final class ImplicitEncoder: Module {
    public let body: Sequential
    public let head: Linear
    /// Dimensions of ε.
    public let noiseSize: Int

    public init(pixels: Int, noise: Int, hidden: [Int], latent: Int, rng: inout RandomGenerator) {
        noiseSize = noise
        var layers: [any Layer] = []
        var width = pixels + noise
        for h in hidden {
            layers.append(Linear(width, h, rng: &rng))
            layers.append(ReLU())
            width = h
        }
        body = Sequential(layers)
        head = Linear(width, latent, rng: &rng)
        super.init()
    }

    /// x: [N, C·H·W], noise: [N, noiseSize] → z: [N, latent].
    public func callAsFunction(_ x: Tensor, noise: Tensor) -> Tensor {
        head(body(Tensor.concatenate([x, noise], axis: 1)))
    }
}

/// The discriminator T(x, z) of Adversarial Variational Bayes: an MLP on the
/// pixels, z and z² (elementwise) to one logit. Trained with the logistic loss
/// to tell (x, z ~ q(z|x)) from (x, z ~ p(z)), its optimum is
/// T*(x, z) = log q(z|x) − log p(z). The z² inputs are a convenience: −log p(z)
/// of the standard normal prior is ½‖z‖² plus a constant, which T then need
/// not build out of ReLUs.
///
/// ```swift
/// let t = AdversaryT(pixels: 784, latent: 8, hidden: [256], rng: &rng)
/// let logits = t(x, z)   // [N]
/// ```
public final class AdversaryT: Module {
    public let network: Sequential

    public init(pixels: Int, latent: Int, hidden: [Int], rng: inout RandomGenerator) {
        var layers: [any Layer] = []
        var width = pixels + 2 * latent
        for h in hidden {
            layers.append(Linear(width, h, rng: &rng))
            layers.append(ReLU())
            width = h
        }
        layers.append(Linear(width, 1, rng: &rng))
        network = Sequential(layers)
        super.init()
    }

    /// x: [N, C·H·W], z: [N, latent] → T(x, z): [N].
    public func callAsFunction(_ x: Tensor, _ z: Tensor) -> Tensor {
        network(Tensor.concatenate([x, z, z * z], axis: 1)).reshaped([x.shape[0]])
    }
}

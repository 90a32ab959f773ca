import Foundation
import LatentTensor
import LatentNN
import LatentData

/// The smallest real VAE, for seeing the ELBO against the true likelihood:
/// 1-D data x, a 1-D latent z ~ N(0, 1), a decoder p(x|z) = N(θ·z, σₓ²) and
/// an encoder q(z|x) = N(φ·x, s²) with s² = exp(ψ). Because z is scalar,
/// log p(x) = log ∫ p(x|z) p(z) dz and the ELBO = ∫ q(z|x) log[p(x,z)/q(z|x)] dz
/// are computed by numerical integration over z (no closed form is used), and
/// the three parameters train with the same autodiff and Adam as every model.
///
/// ```swift
/// var model = OneDimensionalVAE(theta: 0.5, phi: 0.2, logEncoderVariance: 0)
/// let gap = model.logMarginal(1.3) - model.elbo(1.3)   // = KL(q ‖ p(z|x)) ≥ 0
/// ```
public struct OneDimensionalVAE: Sendable {
    public var theta: Double
    public var phi: Double
    public var logEncoderVariance: Double
    public var decoderStd: Double
    public let grid: Quadrature

    public init(theta: Double, phi: Double, logEncoderVariance: Double, decoderStd: Double = 1,
                grid: Quadrature = Quadrature(low: -12, high: 12, points: 1201)) {
        self.theta = theta
        self.phi = phi
        self.logEncoderVariance = logEncoderVariance
        self.decoderStd = decoderStd
        self.grid = grid
    }

    static func logNormal(_ x: Double, mean: Double, variance: Double) -> Double {
        -0.5 * (Foundation.log(2 * Double.pi * variance) + (x - mean) * (x - mean) / variance)
    }

    /// log p(x, z) = log p(x|z) + log p(z).
    public func logJoint(_ x: Double, _ z: Double) -> Double {
        Self.logNormal(x, mean: theta * z, variance: decoderStd * decoderStd) + Self.logNormal(z, mean: 0, variance: 1)
    }

    /// log q(z|x).
    public func logPosterior(_ z: Double, given x: Double) -> Double {
        Self.logNormal(z, mean: phi * x, variance: Foundation.exp(logEncoderVariance))
    }

    /// log p(x) by numerical integration over z.
    public func logMarginal(_ x: Double) -> Double {
        // logJoint with its constants taken out of the loop.
        let decoderVariance = decoderStd * decoderStd
        let constant = -0.5 * (Foundation.log(2 * Double.pi * decoderVariance) + Foundation.log(2 * Double.pi))
        return grid.logIntegral { z in
            let r = x - theta * z
            return constant - 0.5 * (r * r / decoderVariance + z * z)
        }
    }

    /// The ELBO E_q[log p(x, z) − log q(z|x)] by numerical integration over z.
    /// Nodes more than 12 standard deviations of q from its mean are skipped:
    /// their weights are below e⁻⁷² of the largest.
    public func elbo(_ x: Double) -> Double {
        let variance = Foundation.exp(logEncoderVariance), decoderVariance = decoderStd * decoderStd
        let mean = phi * x, reach = 12 * variance.squareRoot()
        let logQConstant = -0.5 * Foundation.log(2 * Double.pi * variance)
        let logJointConstant = -0.5 * (Foundation.log(2 * Double.pi * decoderVariance) + Foundation.log(2 * Double.pi))
        var total = 0.0
        for i in grid.indices(from: mean - reach, to: mean + reach) {
            let z = grid.nodes[i], d = z - mean, r = x - theta * z
            let logQ = logQConstant - 0.5 * d * d / variance
            let w = Foundation.exp(logQ + grid.logWeights[i])
            if w > 0 { total += w * (logJointConstant - 0.5 * (r * r / decoderVariance + z * z) - logQ) }
        }
        return total
    }

    /// The slope of the exact posterior's mean, p(z|x) = N(θx/(θ² + σₓ²), σₓ²/(θ² + σₓ²)):
    /// the encoder φ that makes q(z|x) the posterior, where the ELBO equals log p(x).
    /// (This closed form of the linear-Gaussian model is used to mark the plots and
    /// in tests, never to compute log p(x) or the ELBO.)
    public var posteriorSlope: Double { theta / (theta * theta + decoderStd * decoderStd) }

    /// The exact posterior's variance σₓ²/(θ² + σₓ²), which is also the encoder
    /// variance s² that maximises the ELBO for every φ and x.
    public var posteriorVariance: Double { decoderStd * decoderStd / (theta * theta + decoderStd * decoderStd) }

    /// Averages over a data set.
    public func meanLogMarginal(_ data: [Double]) -> Double { data.map(logMarginal).reduce(0, +) / Double(data.count) }
    public func meanELBO(_ data: [Double]) -> Double { data.map(elbo).reduce(0, +) / Double(data.count) }
}

/// What `latent elbo-explorer` draws: (a) the mean log p(x) over a data set
/// as a function of θ, with the ELBO for several fixed encoders φ; (b) log p(x)
/// and the ELBO during training of all three parameters by stochastic
/// gradient ascent on the single-sample ELBO.
public enum ELBOExplorer {
    public struct Curves: Sendable {
        public var thetas: [Double] = []
        public var logMarginal: [Double] = []
        /// ELBO per θ, one series per φ.
        public var elbo: [(phi: Double, values: [Double])] = []
    }

    public struct Trace: Sendable {
        public var steps: [Double] = []
        public var logMarginal: [Double] = []
        public var elbo: [Double] = []
        public var theta: [Double] = []
        public var phi: [Double] = []
        /// The encoder variance s² = exp(ψ) after each step.
        public var encoderVariance: [Double] = []
    }

    /// 1-D data drawn from N(0, std²).
    public static func data(count: Int, std: Double, seed: UInt64) -> [Double] {
        var rng = RandomGenerator(seed: seed)
        return Tensor.normal([count], std: Float(std), rng: &rng).scalars.map(Double.init)
    }

    /// Panel (a). The encoder variance is fixed at `encoderVariance` for every curve.
    public static func curves(data: [Double], thetas: [Double], phis: [Double], encoderVariance: Double) -> Curves {
        var c = Curves()
        c.thetas = thetas
        c.logMarginal = thetas.map { OneDimensionalVAE(theta: $0, phi: 0, logEncoderVariance: 0).meanLogMarginal(data) }
        c.elbo = phis.map { phi in
            (phi, thetas.map { OneDimensionalVAE(theta: $0, phi: phi, logEncoderVariance: Foundation.log(encoderVariance)).meanELBO(data) })
        }
        return c
    }

    /// Panel (b): trains θ, φ, ψ with Adam on mini-batches, recording the
    /// integrated log p(x) and ELBO over the whole data set after every step.
    public static func train(data: [Double], steps: Int, batchSize: Int = 100, learningRate: Float = 0.05,
                             start: OneDimensionalVAE, seed: UInt64) -> Trace {
        let theta = Parameter(Tensor([Float(start.theta)])), phi = Parameter(Tensor([Float(start.phi)]))
        let psi = Parameter(Tensor([Float(start.logEncoderVariance)]))
        let adam = Adam([theta, phi, psi], learningRate: learningRate)
        var rng = RandomGenerator(seed: seed)
        let x = Tensor(data.map(Float.init))
        var trace = Trace()
        func record(_ step: Int) {
            // Step 0 is the start as given (the Float parameters hold it to within 1e-7).
            let m = step == 0 ? start : OneDimensionalVAE(theta: Double(theta.value.item), phi: Double(phi.value.item),
                                                          logEncoderVariance: Double(psi.value.item), decoderStd: start.decoderStd)
            trace.steps.append(Double(step))
            trace.logMarginal.append(m.meanLogMarginal(data))
            trace.elbo.append(m.meanELBO(data))
            trace.theta.append(m.theta)
            trace.phi.append(m.phi)
            trace.encoderVariance.append(Foundation.exp(m.logEncoderVariance))
        }
        record(0)
        let decoderLogVar = Float(2 * Foundation.log(start.decoderStd))
        var step = 0
        while step < steps {
            for indices in MiniBatches(count: data.count, batchSize: batchSize, shuffle: &rng) where step < steps {
                let xb = x.gatherRows(indices).reshaped([indices.count, 1])
                let mean = xb * phi.value
                let logVar = psi.value.broadcasted(to: [indices.count, 1])
                let (z, _) = DiagonalGaussian.sample(mean: mean, logVariance: logVar, rng: &rng)
                let logLikelihood = DiagonalGaussian.logDensity(xb, mean: z * theta.value,
                                                                logVariance: Tensor.full([indices.count, 1], decoderLogVar))
                let elbo = logLikelihood + DiagonalGaussian.standardLogDensity(z)
                    - DiagonalGaussian.logDensity(z, mean: mean, logVariance: logVar)
                adam.zeroGrad()
                (-elbo.mean()).backward()
                adam.step()
                step += 1
                record(step)
            }
        }
        return trace
    }
}

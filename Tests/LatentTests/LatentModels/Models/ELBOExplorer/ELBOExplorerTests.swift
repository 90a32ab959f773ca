import Foundation
import Testing
@testable import Latent

@Suite struct ELBOExplorerTests {
    @Test func integratedMarginalMatchesTheLinearGaussianClosedForm() {
        // x = θ z + ε, z ~ N(0,1), ε ~ N(0,1): p(x) = N(0, θ² + 1).
        for theta in [-2.0, 0.3, 1.7] {
            let model = OneDimensionalVAE(theta: theta, phi: 0.2, logEncoderVariance: -1)
            for x in [-3.0, 0.0, 0.8, 4.0] {
                let variance = theta * theta + 1
                let analytic = -0.5 * (log(2 * Double.pi * variance) + x * x / variance)
                #expect(Swift.abs(model.logMarginal(x) - analytic) < 1e-6, "θ \(theta), x \(x)")
            }
        }
    }

    @Test func elboEqualsLogLikelihoodExactlyAtTheTruePosterior() {
        // p(z|x) = N(θx/(θ²+1), 1/(θ²+1)); with that encoder the gap KL(q ‖ p(z|x)) is zero.
        let theta = 1.3
        let exact = OneDimensionalVAE(theta: theta, phi: theta / (theta * theta + 1), logEncoderVariance: log(1 / (theta * theta + 1)))
        let off = OneDimensionalVAE(theta: theta, phi: 0.1, logEncoderVariance: 0)
        for x in [-2.0, 0.5, 3.0] {
            #expect(Swift.abs(exact.elbo(x) - exact.logMarginal(x)) < 1e-6)
            #expect(off.elbo(x) < off.logMarginal(x) - 1e-3)
        }
    }

    @Test func trainingClosesTheGap() {
        let data = ELBOExplorer.data(count: 200, std: 2, seed: 1)
        let trace = ELBOExplorer.train(data: data, steps: 200, start: OneDimensionalVAE(theta: 0.2, phi: 0, logEncoderVariance: 0), seed: 2)
        #expect(trace.elbo.last! > trace.elbo.first! + 0.5)
        #expect(trace.logMarginal.last! - trace.elbo.last! < 0.02)
        #expect(zip(trace.logMarginal, trace.elbo).allSatisfy { $0 >= $1 - 1e-9 }, "the ELBO never exceeds log p(x)")
        // Maximum likelihood: θ² + 1 = the data's second moment.
        let moment = data.map { $0 * $0 }.reduce(0, +) / Double(data.count)
        #expect(Swift.abs(Swift.abs(trace.theta.last!) - (moment - 1).squareRoot()) < 0.1)
    }
}

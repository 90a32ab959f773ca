import Foundation
import Testing
@testable import Latent

/// `latent denoise`: corrupted inputs scored against the clean images, with the
/// corruption's own error known in closed form.
@Suite struct DenoisingTests {
    let fixture = ExperimentFixture()

    /// A denoising autoencoder trained with `noise` on the fixture's planes.
    func denoisingAutoencoder(noise: String) throws -> TrainedRun {
        let data = try fixture.data()
        let config = try testConfig("ae", data: data, [("epochs", "2"), ("batch", "16"), ("latent", "2"), ("hidden", "16"),
                                                       ("image-every", "0"), ("noise", noise)])
        let session = try TrainingSession.start(config: config, data: data, root: fixture.tmp.file("runs"), name: "dae", explicitName: true)
        session.quiet = true
        session.log = { _ in }
        try session.train()
        return try TrainedRun.open("dae", root: fixture.tmp.file("runs"))
    }

    @Test func theInputsErrorIsTheNoisesOwnAndTheRunsNoiseIsTheDefault() throws {
        let run = try denoisingAutoencoder(noise: "mask:0.5")
        let result = try run.denoise(DenoisingOptions(levels: [0, 0.25, 0.5], count: 5, scored: 40))
        #expect(result.noise == "mask:0.5", "the run's training noise is the default")
        #expect(result.points.map(\.level) == [0, 0.25, 0.5] && result.scored == 40)
        // Masking with probability p: E[(x·b − x)²] = p·E[x²]; the planes have E[x²] ≈ 0.25 + small, known from the images.
        let x = try run.testImages(limit: 40).images
        let meanSquare = Double((x * x).mean().item)
        #expect(result.points[0].noisyError == 0)
        for p in result.points.dropFirst() {
            #expect(abs(p.noisyError - Double(p.level) * meanSquare) < 0.2 * Double(p.level) * meanSquare, "level \(p.level): \(p.noisyError)")
        }
        // With no noise the reconstruction's error is that of `reconstruct` on the same images.
        let plain = try run.reconstruct(ReconstructionOptions(count: 40))
        #expect(abs(result.points[0].restoredError - plain.meanSquaredError) < 1e-6)
        #expect(result.noisy.shape == [5, 1, 8, 8] && result.restored.shape == [5, 1, 8, 8] && result.clean.shape == [5, 1, 8, 8])
        let (figure, plot) = try result.write()
        #expect(figure == run.directory.image("denoise.png") && fileExists(figure))
        #expect(plot == run.directory.plot("denoise.svg") && fileExists(plot))
    }

    @Test func gaussianNoiseHasItsVarianceAsError() throws {
        let run = try fixture.trained("ae")
        let result = try run.denoise(DenoisingOptions(noise: "gaussian:0.3", levels: [0.1, 0.3], scored: 40))
        // Additive N(0, σ²) noise: E[(x + ε − x)²] = σ², over 40 × 64 pixels.
        for p in result.points {
            let variance = Double(p.level * p.level)
            #expect(abs(p.noisyError - variance) < 0.15 * variance, "σ = \(p.level): \(p.noisyError)")
        }
        expectLatentError(["mask:P needs P below 1"]) { _ = try run.denoise(DenoisingOptions(noise: "mask:0.5", levels: [1])) }
        expectLatentError(["`denoise`", "gan"]) { _ = try fixture.trained("gan", scale: .symmetric).denoise() }
    }
}

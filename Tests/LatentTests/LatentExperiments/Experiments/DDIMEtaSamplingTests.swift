import Foundation
import Testing
@testable import Latent

/// `latent sample --steps S --eta η` as the library runs it: DDIM's η reaches the
/// diffusion model's sampler (η = 1 with S = T is the ancestral chain), and every
/// other family, or η without --steps, is refused in one line.
@Suite struct DDIMEtaSamplingTests {
    /// A run folder of a tiny, untrained DDPM with T = 20 on the fixture's 8×8 images.
    func ddpm(_ fixture: ExperimentFixture) throws -> TrainedRun {
        let data = try fixture.data(scale: .symmetric)
        let config = try testConfig("ddpm", data: data, [("channels", "4"), ("channel-mults", "1,2"), ("timesteps", "20"), ("image-every", "0")])
        let directory = try RunDirectory.create(root: fixture.tmp.file("runs"), name: "ddpm", config: config)
        var rng = RandomGenerator(seed: 1)
        return TrainedRun(directory: directory, model: try config.buildModel(rng: &rng), epoch: 0)
    }

    @Test func etaOneWithEveryStepIsTheAncestralChain() throws {
        let fixture = ExperimentFixture()
        let run = try ddpm(fixture)
        let ancestral = try run.sample(SamplingOptions(count: 3, seed: 5)).grids[0]
        let ddim = try run.sample(SamplingOptions(count: 3, seed: 5, steps: 20, eta: 1)).grids[0]
        #expect(ddim.fileName == "sample-3-ddim20-eta1.png" && ancestral.fileName == "sample-3.png")
        expectClose(ddim.images, ancestral.images, tolerance: 1e-4)
        // η = 0 is the deterministic DDIM of --steps alone; η = 0.5 adds noise, so it differs.
        let deterministic = try run.sample(SamplingOptions(count: 3, seed: 5, steps: 5)).grids[0].images
        #expect(try run.sample(SamplingOptions(count: 3, seed: 5, steps: 5, eta: 0)).grids[0].images.scalars == deterministic.scalars)
        #expect(try run.sample(SamplingOptions(count: 3, seed: 5, steps: 5, eta: 0.5)).grids[0].images.scalars != deterministic.scalars)
    }

    @Test func etaIsRefusedWhereItMeansNothing() throws {
        let fixture = ExperimentFixture()
        let run = try ddpm(fixture)
        expectLatentError(["--eta is the noise of DDIM's steps; give --steps too"]) { _ = try run.sample(SamplingOptions(count: 2, eta: 1)) }
        let vae = try fixture.untrained("vae")
        expectLatentError(["--eta needs a diffusion model (ddpm); vae samples in one pass"]) {
            _ = try vae.sample(SamplingOptions(count: 2, eta: 1))
        }
    }
}

import Foundation
import Testing
@testable import Latent
@testable import LatentServe

/// The latent explorer: a PCA map of test codes, and a bounded decode endpoint that loads the model once.
@Suite struct LatentExplorerTests {
    let fixture = ServeFixture()

    @Test func theMapHoldsTheTestCodesAndDecodingReturnsTheModelsImage() throws {
        let run = try fixture.trained("vae")
        let app = fixture.app()
        #expect(app.get("/run/vae/explore").status == 200)
        let j = jsonObject(app.get("/api/run/vae/codes"))
        let trained = try TrainedRun(run)
        let test = try trained.testImages()
        #expect(j["latent_size"] as? Int == 2 && (j["points"] as! [[Double]]).count == test.count)
        let mean = j["mean"] as! [Double]
        let png = app.get("/api/run/vae/decode?z=" + mean.map { String($0) }.joined(separator: ","))
        #expect(png.status == 200 && png.headers["content-type"] == "image/png")
        #expect(png.body.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        // The same picture as the model decodes that code itself.
        let model = trained.model as! any LatentSpaceModel
        let rows = try model.decode(Tensor(mean.map { Float($0) }, shape: [1, 2]), labels: nil)
        #expect(png.body == (try PNGImage(tensor: trained.pictures(rows).reshaped(trained.imageShape)).encoded()))
        // The model is loaded once: the cache hands the same explorer back.
        #expect(try app.explorers.explorer(run) === app.explorers.explorer(run))
    }

    @Test func decodeRequestsAreCheckedAndRateLimited() throws {
        _ = try fixture.trained("vae")
        final class Clock: @unchecked Sendable { var now = 0.0 }
        let clock = Clock()
        let app = ServeApp(runs: fixture.root, decodeLimiter: RateLimiter(capacity: 6, perSecond: 1, clock: { clock.now }))
        for (z, fragment) in [("1", "needs 2 numbers"), ("1,2,3", "needs 2 numbers"), ("nan,0", "finite"), ("1e9,0", "finite"),
                              ("a,b", "not a number"), ("", "not a number")] {
            let r = app.get("/api/run/vae/decode?z=" + z)
            #expect(r.status == 400 && r.text.contains(fragment), "z=\(z): \(r.status) \(r.text)")
        }
        #expect(app.get("/api/run/vae/decode?z=0,0").status == 429)
        clock.now += 1
        #expect(app.get("/api/run/vae/decode?z=0,0").status == 200)
    }

    @Test func aModelWithoutAContinuousLatentSpaceSaysSo() throws {
        _ = try fixture.trained("rbm", family: "rbm")
        let r = fixture.app().get("/api/run/rbm/codes")
        #expect(r.status == 400 && r.text.contains("no continuous latent space"))
    }
}

import Foundation
import Testing
@testable import Latent
@testable import LatentServe

/// The Gibbs page of an RBM or DBM run: chains run on demand, bounded, shown frame by frame.
@Suite struct GibbsChainTests {
    let fixture = ServeFixture()

    func frames(_ j: [String: Any]) -> [(step: Int, images: [String])] {
        ((j["frames"] as? [[String: Any]]) ?? []).map { ($0["step"] as? Int ?? -1, $0["images"] as? [String] ?? []) }
    }

    func png(_ dataURL: String) -> Data {
        Data(base64Encoded: String(dataURL.dropFirst("data:image/png;base64,".count))) ?? Data()
    }

    @Test func aChainFromTestImagesStartsAtThemAndShowsEvenlySpacedSteps() throws {
        let run = try fixture.trained("rbm", family: "rbm")
        let app = fixture.app()
        let page = app.get("/run/rbm/gibbs")
        #expect(page.status == 200 && page.text.contains("gibbs-form"))
        let r = app.get("/api/run/rbm/gibbs?k=10&n=3&frames=5&start=test&seed=4")
        #expect(r.status == 200 && r.headers["content-type"]?.hasPrefix("application/json") == true)
        let shown = frames(jsonObject(r))
        #expect(shown.map(\.step) == [0, 2, 4, 6, 8, 10])
        #expect(shown.allSatisfy { $0.images.count == 3 && png($0.images[0]).starts(with: [0x89, 0x50, 0x4E, 0x47]) })
        // Step 0 is the test images themselves.
        let trained = try TrainedRun(run)
        let test = try trained.testImages(limit: 3)
        let first = try PNGImage(tensor: trained.pictures(test.images).rows(0..<1).reshaped(trained.imageShape)).encoded()
        #expect(png(shown[0].images[0]) == first)
        // The same request gives the same chain; another seed another one.
        #expect(frames(jsonObject(app.get("/api/run/rbm/gibbs?k=10&n=3&frames=5&start=test&seed=4"))).map(\.images) == shown.map(\.images))
        #expect(frames(jsonObject(app.get("/api/run/rbm/gibbs?k=10&n=3&frames=5&start=test&seed=5"))).map(\.images) != shown.map(\.images))
    }

    /// One frame of k steps from a random start is the model's own chain: its noise start, then k steps.
    @Test func aRandomStartRunsTheModelsOwnChain() throws {
        let run = try fixture.trained("rbm", family: "rbm")
        let shown = frames(jsonObject(fixture.app().get("/api/run/rbm/gibbs?k=7&n=2&frames=1&start=random&seed=9")))
        #expect(shown.map(\.step) == [0, 7])
        let trained = try TrainedRun(run)
        let model = trained.model as! any GibbsSamplingModel
        var rng = RandomGenerator(seed: 9)
        let start = model.sample(2, gibbsSteps: 0, from: nil, rng: &rng)
        let end = model.sample(2, gibbsSteps: 7, from: start, rng: &rng)
        let picture = { (t: Tensor) in try PNGImage(tensor: trained.pictures(t).rows(1..<2).reshaped(trained.imageShape)).encoded() }
        let (first, last) = (try picture(start), try picture(end))
        #expect(shown.count == 2 && png(shown[0].images[1]) == first && png(shown[1].images[1]) == last)
    }

    @Test func requestsAreBoundedCheckedAndRateLimited() throws {
        _ = try fixture.trained("rbm", family: "rbm")
        final class Clock: @unchecked Sendable { var now = 0.0 }
        let clock = Clock()
        let app = ServeApp(runs: fixture.root, decodeLimiter: RateLimiter(capacity: 7, perSecond: 1, clock: { clock.now }))
        for (query, fragment) in [("k=0", "k= needs a whole number from 1 to 1000"), ("k=1001", "1 to 1000"), ("n=17", "n= needs a whole number from 1 to 16"),
                                  ("frames=11", "1 to 10"), ("start=noise", "random or test"), ("seed=-1", "seed="), ("k=1e3", "got '1e3'")] {
            let r = app.get("/api/run/rbm/gibbs?" + query)
            #expect(r.status == 400 && r.text.contains(fragment), "\(query): \(r.status) \(r.text)")
        }
        #expect(app.get("/api/run/rbm/gibbs?k=1").status == 429)
        clock.now += 1
        #expect(app.get("/api/run/rbm/gibbs?k=1&n=1&frames=3").status == 200)
    }

    @Test func aModelWithoutGibbsStepsSaysSoAndRunPagesLinkTheirViews() throws {
        _ = try fixture.trained("vae")
        _ = try fixture.trained("rbm", family: "rbm")
        let app = fixture.app()
        let r = app.get("/api/run/vae/gibbs?k=5")
        #expect(r.status == 400 && r.text.contains("not sampled by Gibbs steps") && r.text.contains("rbm"))
        #expect(jsonObject(app.get("/api/run/vae/metrics"))["views"] as? [String] == ["explore"])
        #expect(jsonObject(app.get("/api/run/rbm/metrics"))["views"] as? [String] == ["gibbs"])
        #expect(app.get("/run/nope/gibbs").status == 404 && app.get("/api/run/nope/gibbs").status == 404)
    }
}

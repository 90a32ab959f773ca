import Foundation
import Testing
@testable import Latent
@testable import LatentServe

/// The explorer of a conditional model decodes for a chosen class (`class=k`), which the page offers as a selector.
@Suite struct ConditionalExplorerTests {
    let fixture = ExperimentFixture()

    @Test func theDecodeEndpointTakesAClass() throws {
        let trained = try fixture.trained("vae", conditional: true)
        let name = trained.directory.name
        let app = ServeApp(runs: fixture.tmp.file("runs"), limiter: RateLimiter(capacity: 1_000, perSecond: 1_000),
                           decodeLimiter: RateLimiter(capacity: 1_000, perSecond: 1_000))
        let page = app.get("/run/\(name)/explore")
        #expect(page.text.contains("id=\"class\"") && page.text.contains("class-control"))
        let j = jsonObject(app.get("/api/run/\(name)/codes"))
        #expect(j["conditional"] as? Bool == true && j["classes"] as? Int == 4)
        let model = trained.model as! any LatentSpaceModel
        for k in 0..<4 {
            let r = app.get("/api/run/\(name)/decode?z=0.5,-0.25&class=\(k)")
            #expect(r.status == 200)
            let rows = try model.decode(Tensor([0.5, -0.25], shape: [1, 2]), labels: [k])
            #expect(r.body == (try PNGImage(tensor: trained.pictures(rows).reshaped(trained.imageShape)).encoded()), "class \(k)")
        }
        #expect(app.get("/api/run/\(name)/decode?z=0.5,-0.25&class=1").body != app.get("/api/run/\(name)/decode?z=0.5,-0.25&class=2").body)
        for (word, fragment) in [("4", "from 0 to 3, got 4"), ("-1", "got -1"), ("two", "class= needs a class number")] {
            let r = app.get("/api/run/\(name)/decode?z=0,0&class=\(word)")
            #expect(r.status == 400 && r.text.contains(fragment), "class=\(word): \(r.text)")
        }
    }

    @Test func anUnconditionalModelHasNoClasses() throws {
        let trained = try fixture.trained("vae")
        let app = ServeApp(runs: fixture.tmp.file("runs"))
        let j = jsonObject(app.get("/api/run/\(trained.directory.name)/codes"))
        #expect(j["conditional"] as? Bool == false && j["classes"] is NSNull)
    }
}

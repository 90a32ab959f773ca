import Foundation
import Testing
@testable import Latent
@testable import LatentServe

/// The HTTP handlers of `latent-serve`, called in-process.
@Suite struct ServeAppTests {
    let fixture = ServeFixture()

    @Test func theRunsPageListsEachRunWithItsStatus() throws {
        try fixture.run("done", epochs: 2, done: 2)
        try fixture.run("stopped", epochs: 5, done: 2)
        let live = try fixture.run("live", epochs: 5, done: 1)
        let lock = try RunLock(runPath: live.path)
        defer { lock.release() }
        let app = fixture.app()
        let index = app.get("/")
        #expect(index.status == 200 && index.headers["content-type"]!.hasPrefix("text/html"))
        #expect(index.text.contains("/static/app.js") && !index.text.contains("http://") && !index.text.contains("https://"))
        let runs = jsonObject(app.get("/api/runs"))["runs"] as! [[String: Any]]
        let byName = Dictionary(uniqueKeysWithValues: runs.map { ($0["name"] as! String, $0) })
        #expect(byName["done"]?["status"] as? String == "finished")
        #expect(byName["stopped"]?["status"] as? String == "interrupted")
        #expect(byName["live"]?["status"] as? String == "training")
        #expect(byName["stopped"]?["epochs_done"] as? Int == 2 && byName["stopped"]?["epochs"] as? Int == 5)
        #expect(byName["stopped"]?["family"] as? String == "vae")
        // val_loss falls, so its best is the last epoch's.
        #expect(byName["stopped"]?["metric"] as? String == "val_loss")
        #expect(byName["stopped"]?["best"] as? Double == 55.25 && byName["stopped"]?["best_epoch"] as? Int == 2)
        lock.release()
        #expect((jsonObject(app.get("/api/runs"))["runs"] as! [[String: Any]]).first { $0["name"] as? String == "live" }?["status"] as? String == "interrupted")
    }

    @Test func aRunPagesJSONMatchesMetricsJSONL() throws {
        let run = try fixture.run("r", epochs: 5, done: 3)
        let app = fixture.app()
        let page = app.get("/run/r")
        #expect(page.status == 200 && page.text.contains("data-run=\"r\""))
        let j = jsonObject(app.get("/api/run/r/metrics"))
        #expect(j["status"] as? String == "interrupted" && j["epochs_done"] as? Int == 3 && j["epochs"] as? Int == 5)
        let lines = try String(contentsOfFile: run.metricsPath, encoding: .utf8).split(separator: "\n")
            .map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! NSDictionary }
        #expect((j["records"] as! [NSDictionary]) == lines)
        let images = (j["images"] as! [[String: Any]]).map { $0["file"] as! String }
        #expect(images == ["samples-epoch-001.png", "samples-epoch-002.png", "samples-epoch-003.png"])
        // A new epoch shows up at the next poll.
        try run.metrics.append(["epoch": 4, "loss": 20.0, "val_loss": 21.0])
        #expect((jsonObject(app.get("/api/run/r/metrics"))["records"] as! [[String: Any]]).count == 4)
    }

    @Test func picturesAreServedFromTheRunsImagesAndPlots() throws {
        let run = try fixture.run("r")
        try Data("<svg xmlns=\"http://www.w3.org/2000/svg\"/>".utf8).write(to: URL(fileURLWithPath: run.plot("loss.svg")))
        let app = fixture.app()
        let png = app.get("/run/r/images/samples-epoch-002.png")
        #expect(png.status == 200 && png.headers["content-type"] == "image/png")
        #expect(png.body == FileManager.default.contents(atPath: run.image("samples-epoch-002.png")))
        let svg = app.get("/run/r/plots/loss.svg")
        #expect(svg.status == 200 && svg.headers["content-type"] == "image/svg+xml")
        #expect(svg.headers["content-security-policy"]!.contains("default-src 'none'"))
        #expect(app.get("/run/r/plots/samples-epoch-002.png").status == 404)   // plots/ serves SVG only
        #expect(app.get("/run/r/images/loss.svg").status == 404)
    }

    @Test func hostileRequestsReachNothingOutsideTheRuns() throws {
        let run = try fixture.run("r")
        let outside = fixture.tmp.file("secret.png")
        try Data("secret".utf8).write(to: URL(fileURLWithPath: outside))
        try FileManager.default.createSymbolicLink(atPath: run.image("link.png"), withDestinationPath: outside)
        try FileManager.default.createSymbolicLink(atPath: fixture.root + "/evil", withDestinationPath: fixture.tmp.path)
        // A run folder whose metrics are a link out is not a run here.
        let linked = try fixture.run("linked", done: 0)
        try FileManager.default.createSymbolicLink(atPath: linked.metricsPath, withDestinationPath: outside)
        let app = fixture.app()
        for target in ["/run/r/images/..%2F..%2F..%2Fsecret.png", "/run/r/images/%2e%2e%2fconfig.json", "/run/r/images/../config.json",
                       "/run/../images/a.png", "/run/..%2Fr/images/samples-epoch-001.png", "/run/r/images/link.png",
                       "/run/evil/images/secret.png", "/run/r/images/%2Fetc%2Fpasswd", "/run/r/images/a%00.png",
                       "/run/r%2Fimages/samples-epoch-001.png", "/run/r/images/.lock", "/run/r/checkpoints/last.safetensors",
                       "/run/r/config.json", "/run/%2e%2e", "/api/run/..%2Fr/metrics", "/api/run/evil/metrics",
                       "/api/run/linked/metrics", "/run/r/images/samples-epoch-001.png/..", "//etc/passwd", "/static/..%2Fapp.js"] {
            let r = app.get(target)
            #expect(r.status == 404, "\(target) answered \(r.status)")
            #expect(!r.text.contains("secret"))
        }
        #expect(!(jsonObject(app.get("/api/runs"))["runs"] as! [[String: Any]]).contains { ["evil", "linked"].contains($0["name"] as? String) })
    }

    @Test func theServerIsReadOnlyAndBounded() throws {
        try fixture.run("r")
        let app = fixture.app()
        for method in ["POST", "PUT", "DELETE", "PATCH"] {
            let r = app.handle(ServeRequest(method: method, target: "/run/r", headers: ["host": "127.0.0.1"]))
            #expect(r.status == 405 && r.headers["allow"] == "GET, HEAD")
        }
        #expect(app.handle(ServeRequest(target: "/", headers: ["host": "127.0.0.1"], bodyLength: 10)).status == 413)
        #expect(app.get("/?" + String(repeating: "a", count: 5000)).status == 414)
        var many: [String: String] = ["host": "127.0.0.1"]
        for i in 0..<100 { many["x-\(i)"] = "1" }
        #expect(app.handle(ServeRequest(target: "/", headers: many)).status == 431)
        #expect(app.get("/api/compare?runs=" + Array(repeating: "r", count: 9).joined(separator: ",")).status == 400)
        let head = app.handle(ServeRequest(method: "HEAD", target: "/", headers: ["host": "localhost:8080"]))
        #expect(head.status == 200 && head.body.isEmpty)
        // Without a token only loopback Host names are answered (a rebound DNS name is not).
        #expect(app.get("/", headers: ["host": "evil.example:8080"]).status == 421)
        #expect(app.handle(ServeRequest(target: "/", headers: [:])).status == 421)
        #expect(app.get("/", headers: ["host": "[::1]:8080"]).status == 200)
    }

    @Test func requestsAreRateLimited() throws {
        try fixture.run("r")
        final class Clock: @unchecked Sendable { var now = 0.0 }
        let clock = Clock()
        let app = fixture.app(limiter: RateLimiter(capacity: 3, perSecond: 1, clock: { clock.now }))
        #expect((0..<3).map { _ in app.get("/api/runs").status } == [200, 200, 200])
        #expect(app.get("/api/runs").status == 429)
        clock.now += 1
        #expect(app.get("/api/runs").status == 200)
        #expect(app.get("/api/runs").status == 429)
    }

    @Test func aTokenIsNeededWhenOneIsSet() throws {
        try fixture.run("r")
        let secret = "0123456789abcdef0123"
        let app = fixture.app(token: secret)
        #expect(app.get("/").status == 401)
        #expect(app.get("/api/runs").status == 401)
        #expect(app.get("/run/r/images/samples-epoch-001.png").status == 401)
        #expect(app.get("/?token=wrong").status == 401)
        #expect(app.get("/?token=" + secret.dropLast()).status == 401)
        let first = app.get("/?token=" + secret, headers: ["host": "192.0.2.1:8080"])
        #expect(first.status == 200 && first.headers["set-cookie"]!.contains("latent_token=\(secret)"))
        #expect(first.headers["set-cookie"]!.contains("HttpOnly") && first.headers["set-cookie"]!.contains("SameSite=Strict"))
        #expect(app.get("/api/runs", headers: ["cookie": "a=b; latent_token=\(secret)"]).status == 200)
        #expect(app.get("/api/runs", headers: ["authorization": "Bearer \(secret)"]).status == 200)
        #expect(app.get("/api/runs", headers: ["authorization": "Bearer nope"]).status == 401)
        #expect(ServeApp.sameSecret("abc", "abc") && !ServeApp.sameSecret("abc", "abd") && !ServeApp.sameSecret("abc", "abcd"))
    }

    @Test func theComparePageSetsFinalMetricsSideBySide() throws {
        let a = try fixture.run("a", done: 2)
        let b = try fixture.run("b", done: 3)
        let app = fixture.app()
        #expect(app.get("/compare?runs=a,b").status == 200)
        let j = jsonObject(app.get("/api/compare?runs=a,b"))
        let runs = j["runs"] as! [[String: Any]]
        #expect(runs.map { $0["name"] as! String } == ["a", "b"] && runs.map { $0["key"] as! String } == ["val_loss", "val_loss"])
        #expect(runs[1]["x"] as! [Double] == [1, 2, 3])
        let keys = j["keys"] as! [String], values = j["values"] as! [[Double]]
        let comparison = RunComparison(runs: [a, b])
        for (k, row) in zip(keys, values) { #expect(row == [comparison.metrics(a)[k]!, comparison.metrics(b)[k]!]) }
        #expect(keys.contains("val_loss") && !keys.contains("seconds"))
        #expect(app.get("/api/compare?runs=a,missing").status == 404)
    }

    @Test func theReportIsServedWithItsPictures() throws {
        let run = try fixture.run("r")
        try RunReport.write(run)
        let app = fixture.app()
        let r = app.get("/run/r/report.html")
        #expect(r.status == 200 && r.text.contains("images/samples-epoch-001.png"))
        #expect(r.headers["content-security-policy"]!.contains("script-src 'none'"))
    }

    @Test func optionsNeedATokenOffLoopback() throws {
        try fixture.run("r")
        let local = try ServeOptions(runs: fixture.root).checked()
        #expect(local.token == nil && local.url(port: 8080) == "http://127.0.0.1:8080/")
        let open = try ServeOptions(runs: fixture.root, host: "0.0.0.0").checked()
        #expect(open.token?.count == 32 && open.url(port: 9).hasSuffix(":9/?token=" + open.token!))
        #expect(try ServeOptions(runs: fixture.root, host: "0.0.0.0", token: "abcdefghijklmnop").checked().token == "abcdefghijklmnop")
        expectLatentError(["--token", "16"]) { _ = try ServeOptions(runs: fixture.root, token: "short").checked() }
        expectLatentError(["--port"]) { _ = try ServeOptions(runs: fixture.root, port: 70000).checked() }
        expectLatentError(["no runs folder", "--runs"]) { _ = try ServeOptions(runs: fixture.tmp.file("nowhere")).checked() }
        expectLatentError(["--host", "IPv4"]) { _ = try ServeServer(ServeOptions(runs: fixture.root, host: "not-an-address", token: "abcdefghijklmnop")) }
    }
}

import Foundation
import LatentData
import LatentModels
import LatentRuns

/// The web application of `latent-serve`, without sockets: `handle` turns a `ServeRequest` into a
/// `ServeResponse`, so tests call it in-process and `ServeServer` puts it on a port.
///
/// Safe by default: read-only (GET and HEAD only; nothing in the runs folder is written, created or deleted);
/// every file it sends is resolved inside the runs folder by `ServePath` (only PNG pictures from a run's images/
/// and SVG plots from its plots/); request targets, headers and bodies are bounded and requests are rate-limited.
/// Without a token it answers only requests whose Host is the loopback address (no DNS rebinding); with one
/// (`--host` needs it) every request must carry it — `?token=` once (it is then kept in a cookie),
/// the cookie, or `Authorization: Bearer`.
///
/// Pages: `/` (the runs), `/run/NAME` (curves and pictures, updated while the run trains), `/compare?runs=a,b`.
/// JSON: `/api/runs`, `/api/run/NAME/metrics`, `/api/compare?runs=a,b`.
///
/// ```swift
/// let app = ServeApp(runs: "runs")
/// let page = app.handle(ServeRequest(target: "/api/run/vae-mnist/metrics"))
/// ```
public final class ServeApp: Sendable {
    public let runs: String
    public let token: String?
    public let limiter: RateLimiter
    /// Decoding runs a model: its own, tighter budget.
    public let decodeLimiter: RateLimiter
    let explorers = ExplorerCache()
    let gibbs = RunCache<GibbsChain>(build: GibbsChain.init)

    /// Longest request target, most header lines, most runs on one compare page.
    public static let maxTarget = 4096
    public static let maxHeaders = 64
    public static let maxCompared = 8

    public init(runs: String, token: String? = nil, limiter: RateLimiter = RateLimiter(capacity: 200, perSecond: 100),
                decodeLimiter: RateLimiter = RateLimiter(capacity: 20, perSecond: 10)) {
        self.runs = runs
        self.token = token
        self.limiter = limiter
        self.decodeLimiter = decodeLimiter
    }

    /// A fresh random token (32 hexadecimal digits) for `--host` without `--token`.
    public static func generateToken() -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String(format: "%08x", UInt32.random(in: .min ... .max, using: &g)) }.joined()
    }

    public func handle(_ request: ServeRequest) -> ServeResponse {
        var response = checked(request)
        response.headers["x-content-type-options"] = "nosniff"
        response.headers["referrer-policy"] = "no-referrer"
        response.headers["x-frame-options"] = "DENY"
        if response.headers["content-security-policy"] == nil {
            response.headers["content-security-policy"] = "default-src 'self'; img-src 'self' data: blob:; frame-ancestors 'none'"
        }
        if request.method == "HEAD" { response.body = Data() }
        return response
    }

    func checked(_ request: ServeRequest) -> ServeResponse {
        guard request.target.utf8.count <= ServeApp.maxTarget else { return .error(414, "request target too long") }
        guard request.headers.count <= ServeApp.maxHeaders else { return .error(431, "too many header fields") }
        guard request.bodyLength == 0 else { return .error(413, "this server is read-only: requests carry no body") }
        guard request.method == "GET" || request.method == "HEAD" else {
            var r = ServeResponse.error(405, "this server is read-only: GET and HEAD only")
            r.headers["allow"] = "GET, HEAD"
            return r
        }
        if token == nil, !ServeApp.isLoopbackHost(request.headers["host"]) {
            return .error(421, "this server answers requests to 127.0.0.1 or localhost only")
        }
        guard limiter.allow() else { return .error(429, "too many requests; try again in a moment") }
        var setCookie: String?
        if let token {
            let query = request.query["token"]
            let bearer = request.headers["authorization"].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
            guard let given = query ?? request.cookie("latent_token") ?? bearer, ServeApp.sameSecret(given, token) else {
                return .error(401, "a token is needed: open the address printed at start (…/?token=…)")
            }
            if query != nil { setCookie = "latent_token=\(token); Path=/; HttpOnly; SameSite=Strict" }
        }
        var response = route(request)
        if let setCookie { response.headers["set-cookie"] = setCookie }
        return response
    }

    /// Compares in time independent of where the strings differ.
    static func sameSecret(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var diff = UInt8(x.count == y.count ? 0 : 1)
        for i in 0..<Swift.max(x.count, y.count) { diff |= (i < x.count ? x[i] : 0) ^ (i < y.count ? y[i] : 0) }
        return diff == 0
    }

    /// `127.0.0.1`, `localhost` or `[::1]`, with or without a port.
    static func isLoopbackHost(_ host: String?) -> Bool {
        guard var host = host?.lowercased() else { return false }
        if host.hasPrefix("[") { host = String(host.prefix { $0 != "]" }) + "]" }
        else if let colon = host.firstIndex(of: ":") { host = String(host[..<colon]) }
        return ["127.0.0.1", "localhost", "[::1]"].contains(host)
    }

    func route(_ request: ServeRequest) -> ServeResponse {
        let segments = request.rawPath.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        let parts = Array(segments)
        switch parts.count {
        case 1 where parts[0] == "": return .html(ServePages.index())
        case 1 where parts[0] == "compare": return .html(ServePages.compare())
        case 2 where parts[0] == "static": return ServePages.asset(String(parts[1])) ?? .error(404, "not found")
        case 2 where parts[0] == "api" && parts[1] == "runs": return .json(["runs": listed().map { RunOverview($0).json }])
        case 2 where parts[0] == "api" && parts[1] == "compare": return compareJSON(request.query["runs"] ?? "")
        case 2 where parts[0] == "run":
            guard let run = open(parts[1]) else { return .error(404, "no such run") }
            return .html(ServePages.run(name: run.name))
        case 3 where parts[0] == "run" && parts[2] == "report.html":
            guard let name = ServePath.name(parts[1]), let path = ServePath.file(root: runs, [name, "report.html"]),
                  let data = FileManager.default.contents(atPath: path) else { return .error(404, "no report yet") }
            return ServeResponse(contentType: "text/html; charset=utf-8", body: data, headers: [
                "cache-control": "no-cache", "content-security-policy": "default-src 'self'; style-src 'unsafe-inline'; script-src 'none'"])
        case 3 where parts[0] == "run" && parts[2] == "explore":
            guard let run = open(parts[1]) else { return .error(404, "no such run") }
            return .html(ServePages.explore(name: run.name))
        case 3 where parts[0] == "run" && parts[2] == "gibbs":
            guard let run = open(parts[1]) else { return .error(404, "no such run") }
            return .html(ServePages.gibbs(name: run.name))
        case 4 where parts[0] == "api" && parts[1] == "run" && parts[3] == "metrics":
            guard let run = open(parts[2]) else { return .error(404, "no such run") }
            return .json(metricsJSON(run))
        case 4 where parts[0] == "api" && parts[1] == "run" && parts[3] == "codes":
            guard let run = open(parts[2]) else { return .error(404, "no such run") }
            do { return .json(try explorers.explorer(run).json) } catch { return .error(400, "\(error)") }
        case 4 where parts[0] == "api" && parts[1] == "run" && parts[3] == "decode":
            guard let run = open(parts[2]) else { return .error(404, "no such run") }
            return decode(run, request.query)
        case 4 where parts[0] == "api" && parts[1] == "run" && parts[3] == "gibbs":
            guard let run = open(parts[2]) else { return .error(404, "no such run") }
            return gibbsChain(run, request.query)
        case 4 where parts[0] == "run" && (parts[2] == "images" || parts[2] == "plots"):
            return file(run: parts[1], folder: String(parts[2]), name: parts[3])
        default:
            return .error(404, "not found")
        }
    }

    /// The image of code `z` (comma-separated numbers, one per latent dimension) as PNG.
    func decode(_ run: RunDirectory, _ query: [String: String]) -> ServeResponse {
        guard decodeLimiter.allow() else { return .error(429, "too many decode requests; try again in a moment") }
        let words = (query["z"] ?? "").split(separator: ",", omittingEmptySubsequences: false)
        guard !words.isEmpty, words.count <= 4096 else { return .error(400, "z= needs one number per latent dimension") }
        var z: [Double] = []
        for w in words {
            guard let v = Double(w.trimmingCharacters(in: .whitespaces)) else { return .error(400, "z= holds '\(w.prefix(20))', not a number") }
            z.append(v)
        }
        // `class=k` (or the older `label=k`) picks the class a conditional model decodes for.
        let classWord = query["class"] ?? query["label"]
        var label: Int?
        if let classWord {
            guard let k = Int(classWord) else { return .error(400, "class= needs a class number, got '\(classWord.prefix(20))'") }
            label = k
        }
        do {
            let png = try explorers.explorer(run).decodePNG(z, label: label)
            return ServeResponse(contentType: "image/png", body: png, headers: ["cache-control": "no-store"])
        } catch {
            return .error(400, "\(error)")
        }
    }

    /// Gibbs chains of an RBM or DBM run (`GibbsChain`): `k` steps (≤ 1000) of `n` chains (≤ 16) from `start=random`
    /// or `start=test`, shown at `frames` (≤ 10) evenly spaced steps; rate-limited like decoding.
    func gibbsChain(_ run: RunDirectory, _ query: [String: String]) -> ServeResponse {
        guard decodeLimiter.allow() else { return .error(429, "too many sampling requests; try again in a moment") }
        do {
            let request = try GibbsChain.Request(query: query)
            let chain = try gibbs.value(run)
            return .json(GibbsChain.json(try chain.run(request), request: request, name: run.name))
        } catch {
            return .error(400, "\(error)")
        }
    }

    /// The run named by a percent-encoded path segment, when it is a run folder inside the runs folder whose
    /// files (config, metrics, evaluation) are inside it too.
    func open(_ segment: Substring) -> RunDirectory? {
        guard let name = ServePath.name(segment), let path = ServePath.folder(root: runs, [name]),
              ServePath.file(root: runs, [name, "config.json"]) != nil else { return nil }
        for file in ["metrics.jsonl", "evaluation.json"] {
            var s = stat()
            if lstat(path + "/" + file, &s) == 0 && ServePath.file(root: runs, [name, file]) == nil { return nil }
        }
        return try? RunDirectory.open(path)
    }

    /// The runs of the runs folder that `open` accepts, oldest first.
    func listed() -> [RunDirectory] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: runs)) ?? []).filter(ServePath.isSafeName)
        return names.compactMap { open(Substring($0)) }.sorted { $0.config.created < $1.config.created }
    }

    /// A PNG from a run's images/ or an SVG from its plots/.
    func file(run: Substring, folder: String, name segment: Substring) -> ServeResponse {
        let type = folder == "images" ? (".png", "image/png") : (".svg", "image/svg+xml")
        guard let runName = ServePath.name(run), let name = ServePath.name(segment), name.hasSuffix(type.0),
              let path = ServePath.file(root: runs, [runName, folder, name]),
              let data = FileManager.default.contents(atPath: path) else { return .error(404, "not found") }
        // An SVG is a document that could hold a script: it gets none, and styles only of its own.
        return ServeResponse(contentType: type.1, body: data, headers: [
            "cache-control": "no-cache",
            "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
        ])
    }

    /// What a run page draws: the run's settings, status, every epoch record of metrics.jsonl (as `MetricsLog`
    /// reads them) and its pictures with their modification times.
    public func metricsJSON(_ run: RunDirectory) -> [String: Any] {
        let records = run.metrics.epochRecords()
        let overview = RunOverview(run)
        var images: [[String: Any]] = []
        for folder in ["images", "plots"] {
            let dir = run.path + "/" + folder
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter {
                ServePath.isSafeName($0) && ($0.hasSuffix(".png") || $0.hasSuffix(".svg"))
            }.sorted()
            for n in names {
                let modified = (try? FileManager.default.attributesOfItem(atPath: dir + "/" + n)[.modificationDate] as? Date) ?? nil
                images.append(["folder": folder, "file": n, "modified": (modified?.timeIntervalSince1970 ?? 0).rounded()])
            }
        }
        return ["name": run.name, "family": run.config.family, "data": run.config.data.source, "status": overview.status.rawValue,
                "epochs": overview.epochs, "epochs_done": overview.epochsDone, "metric": overview.metric,
                "records": records, "images": images, "command": run.config.command.joined(separator: " "),
                "views": ServeApp.views(run.config.family)]
    }

    /// The compare page's data: each run's main curve (the key `latent compare` draws) and every final metric
    /// (`RunComparison.metrics`) side by side.
    public func compareJSON(_ list: String) -> ServeResponse {
        let names = list.split(separator: ",").map(String.init)
        guard !names.isEmpty, names.count <= ServeApp.maxCompared else {
            return .error(400, "name 1 to \(ServeApp.maxCompared) runs: /compare?runs=a,b")
        }
        var opened: [RunDirectory] = []
        for n in names {
            guard let run = open(Substring(n)) else { return .error(404, "no run named \(n)") }
            opened.append(run)
        }
        let comparison = RunComparison(runs: opened)
        let metrics = opened.map(comparison.metrics)
        let hidden: Set<String> = ["seconds", "images_per_sec", "test_images", "samples"]
        let keys = Set(metrics.flatMap(\.keys)).subtracting(hidden).sorted()
        let curves: [[String: Any]] = opened.map { run in
            let key = ServeApp.mainCurveKeys.first { !run.metrics.series($0).x.isEmpty }
            let s: (x: [Double], y: [Double]) = key.map { run.metrics.series($0) } ?? ([], [])
            return ["name": run.name, "family": run.config.family, "key": key ?? NSNull(), "x": s.x, "y": s.y.map(ServeApp.jsonNumber)]
        }
        return .json(["runs": curves, "keys": keys,
                      "values": keys.map { k in metrics.map { m in m[k].map(ServeApp.jsonNumber) ?? NSNull() } }])
    }

    /// The pages a run of `family` has beside its own: "explore" (a continuous latent space), "gibbs" (Gibbs chains).
    static func views(_ family: String) -> [String] {
        guard let type = ModelRegistry.families.first(where: { $0.family == family }) else { return [] }
        return (type is any LatentSpaceModel.Type ? ["explore"] : []) + (type is any GibbsSamplingModel.Type ? ["gibbs"] : [])
    }

    /// The curve `latent compare` overlays for a run: the first of these it has.
    static let mainCurveKeys = ["val_loss", "loss", "g_loss", "val_pseudo_likelihood", "reconstruction_error"]

    /// JSON has no NaN or infinity: they become null.
    static func jsonNumber(_ v: Double) -> Any { v.isFinite ? v : NSNull() }
}

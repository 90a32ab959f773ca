import Foundation
@testable import Latent
@testable import LatentServe

/// A runs folder with small runs written the way the trainer writes them (config.json, metrics.jsonl, images/),
/// without training: the server only reads files.
struct ServeFixture {
    let tmp = TempFolder()
    var root: String { tmp.file("runs") }

    /// A run of `epochs` planned epochs with `done` epoch records and a sample grid per epoch.
    @discardableResult
    func run(_ name: String, family: String = "vae", epochs: Int = 5, done: Int = 2) throws -> RunDirectory {
        var pixels: [Float] = []
        for i in 0..<24 { for y in 0..<4 { for x in 0..<4 { pixels.append(y == i % 4 ? 0.9 : 0.1 * Float(x)) } } }
        let source = tmp.file("tiny.npy")
        if !FileManager.default.fileExists(atPath: source) { try NPY.write(Tensor(pixels, shape: [24, 4, 4]), to: source) }
        var o = DataOptions(source: source)
        o.validation = 4
        let data = try PreparedData.load(o)
        let config = try testConfig(family, data: data, [("epochs", "\(epochs)"), ("batch", "8"), ("latent", "2"), ("hidden", "4")])
        let run = try RunDirectory.create(root: root, name: name, config: config, explicitName: true)
        for e in 0..<done {
            try run.metrics.append(["epoch": e + 1, "loss": 100.0 / Double(e + 1), "val_loss": 110.0 / Double(e + 1) + 0.25,
                                    "seconds": 0.5, "images_per_sec": 1000.0])
            try PNGImage(width: 2, height: 2, channels: 1, pixels: [0, 64, 128, UInt8(e)])
                .write(to: run.image(String(format: "samples-epoch-%03d.png", e + 1)))
        }
        return run
    }

    /// A run trained for real (one epoch of a tiny `family` model), so it has a checkpoint to explore.
    func trained(_ name: String, family: String = "vae") throws -> RunDirectory {
        var pixels: [Float] = []
        for i in 0..<40 { for y in 0..<4 { for x in 0..<4 { pixels.append(y == i % 4 ? 0.9 : 0.1 + 0.02 * Float(x)) } } }
        let source = tmp.file("train-\(name).npy")
        try NPY.write(Tensor(pixels, shape: [40, 4, 4]), to: source)
        var o = DataOptions(source: source)
        o.validation = 8
        let data = try PreparedData.load(o)
        let config = try testConfig(family, data: data, [("epochs", "1"), ("batch", "8"), ("latent", "2"), ("hidden", "6"), ("image-every", "0")])
        let session = try TrainingSession.start(config: config, data: data, root: root, name: name, explicitName: true)
        session.quiet = true
        session.log = { _ in }
        try session.train()
        return session.run
    }

    func app(token: String? = nil, limiter: RateLimiter = RateLimiter(capacity: 10_000, perSecond: 10_000)) -> ServeApp {
        ServeApp(runs: root, token: token, limiter: limiter)
    }
}

extension ServeApp {
    /// A GET from the loopback address.
    func get(_ target: String, headers: [String: String] = [:]) -> ServeResponse {
        handle(ServeRequest(target: target, headers: ["host": "127.0.0.1:8080"].merging(headers) { $1 }))
    }
}

/// The JSON object of a response.
func jsonObject(_ r: ServeResponse) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: r.body)) as? [String: Any] ?? [:]
}

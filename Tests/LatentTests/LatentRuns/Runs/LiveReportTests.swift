import Foundation
import Testing
@testable import Latent
@testable import LatentRuns

/// report.html follows training epoch by epoch, so a run stopped or killed early shows what it reached.
@Suite struct LiveReportTests {
    let tmp = TempFolder()

    /// 48 tiny 6×6 images (a bright row per class) and a small VAE of `epochs` epochs.
    func session(_ name: String, epochs: Int, imageEvery: Int = 0) throws -> TrainingSession {
        var pixels: [Float] = []
        for i in 0..<48 { for y in 0..<6 { for x in 0..<6 { pixels.append(y == i % 6 ? 0.9 : 0.1 + 0.01 * Float(x)) } } }
        try NPY.write(Tensor(pixels, shape: [48, 6, 6]), to: tmp.file("rows.npy"))
        var o = DataOptions(source: tmp.file("rows.npy"))
        o.validation = 8
        let data = try PreparedData.load(o)
        let config = try testConfig("vae", data: data, [("epochs", "\(epochs)"), ("batch", "16"), ("image-every", "\(imageEvery)"),
                                                        ("latent", "2"), ("hidden", "8")])
        let s = try TrainingSession.start(config: config, data: data, root: tmp.file("runs"), name: name, explicitName: true)
        s.quiet = true
        s.log = { _ in }
        return s
    }

    /// The epochs listed in the metrics table of a report.
    func epochsListed(_ run: RunDirectory) throws -> [Int] {
        let html = try String(contentsOfFile: run.reportPath, encoding: .utf8)
        return (1...9).filter { html.contains("<tr><td>\($0)</td>") }
    }

    @Test func aRunStoppedAtEpochTwoOfFiveReportsEpochsOneAndTwo() throws {
        let s = try session("stopped", epochs: 5)
        let run = s.run
        s.stopRequested = { run.metrics.epochRecords().count >= 2 ? 15 : nil }
        #expect(throws: TrainingInterrupted.self) { try s.train() }
        #expect(try epochsListed(run) == [1, 2])
    }

    /// A run that dies while it draws an epoch's pictures (here: images/ is not a folder) has
    /// already written that epoch's report.
    @Test func theReportIsWrittenBeforeTheEpochsPictures() throws {
        let s = try session("dies-drawing", epochs: 5, imageEvery: 1)
        let run = s.run
        try FileManager.default.removeItem(atPath: run.images)
        try Data("not a folder".utf8).write(to: URL(fileURLWithPath: run.images))
        #expect(throws: (any Error).self) { try s.train() }
        #expect(try epochsListed(run) == [1])
    }
}

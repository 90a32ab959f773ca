import Foundation
import Testing
@testable import Latent
@testable import LatentRuns
#if TensorBoard
@testable import LatentTensorBoard
#endif

/// `train --tensorboard`: the event files a run writes, read back on the Swift side (the
/// reader from the `tensorboard` package checks them too: `make test-tensorboard`).
#if TensorBoard
@Suite struct TensorBoardRunTests {
    let tmp = TempFolder()

    /// 48 tiny 6×6 images, 8 of them for validation, and a small VAE; batches of 8 give 5 steps per epoch.
    func session(_ name: String, epochs: Int, tensorboard: Bool) throws -> TrainingSession {
        var pixels: [Float] = []
        for i in 0..<48 { for y in 0..<6 { for x in 0..<6 { pixels.append(y == i % 6 ? 0.9 : 0.1 + 0.01 * Float(x)) } } }
        try NPY.write(Tensor(pixels, shape: [48, 6, 6]), to: tmp.file("rows.npy"))
        var o = DataOptions(source: tmp.file("rows.npy"))
        o.validation = 8
        let data = try PreparedData.load(o)
        var options = [("epochs", "\(epochs)"), ("batch", "8"), ("latent", "2"), ("hidden", "8")]
        if tensorboard { options.append(("tensorboard", "")) }
        let s = try TrainingSession.start(config: try testConfig("vae", data: data, options), data: data, root: tmp.file("runs"),
                                          name: name, explicitName: true)
        s.quiet = true
        s.log = { _ in }
        return s
    }

    func events(_ run: RunDirectory) throws -> [[TensorBoardEvent]] {
        try EventFileReader.files(in: run.path + "/tensorboard").map(EventFileReader.events)
    }

    /// (tag, step, value) of every scalar.
    func scalars(_ events: [TensorBoardEvent]) -> [(tag: String, step: Int64, value: Float)] {
        events.flatMap { e in
            (e.summary?.value ?? []).compactMap { v in
                if case .simpleValue(let x)? = v.kind { return (v.tag, e.step, x) }
                return nil
            }
        }
    }

    @Test func aRunWritesScalarsImagesAndItsOptions() throws {
        let s = try session("tb", epochs: 2, tensorboard: true)
        try s.train()
        let run = s.run
        #expect(run.config.training.tensorboard == true)
        let config = try String(contentsOfFile: run.configPath, encoding: .utf8)
        #expect(config.contains("\"tensorboard\" : true"))
        let files = try events(run)
        try #require(files.count == 1)
        let events = files[0]
        #expect(events.first?.what == .fileVersion("brain.Event:2"))
        let all = scalars(events)
        // Batches of 8: every step written (fewer than 50 per epoch), global steps 1…2·per.
        let per = Int64((s.trainer.data.train.count + 7) / 8)
        let loss = all.filter { $0.tag == "step/loss" }
        #expect(loss.map(\.step) == Array(1...2 * per))
        // Every metric of metrics.jsonl at the epoch's last global step, its value as a Float.
        let records = run.metrics.epochRecords()
        #expect(records.count == 2)
        for (i, record) in records.enumerated() {
            for (key, value) in record where key != "epoch" {
                guard let d = value as? Double else { continue }
                let found = all.filter { $0.tag == "epoch/" + key && $0.step == per * Int64(i + 1) }
                #expect(found.map(\.value) == [Float(d)], "epoch/\(key) of epoch \(i + 1)")
            }
        }
        #expect(all.contains { $0.tag == "epoch/val_loss" })
        // The sample grid of each epoch (--image-every 1 by default) and the reconstructions, as PNGs.
        var images: [String: [Int64]] = [:]
        for e in events { for v in e.summary?.value ?? [] { if case .image(let img)? = v.kind {
            images[v.tag, default: []].append(e.step)
            #expect(img.encodedImageString.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))
            let png = try PNGHeader(img.encodedImageString, path: v.tag)
            #expect(Int32(png.width) == img.width && Int32(png.height) == img.height)
        } } }
        #expect(images == ["images/samples": [per, 2 * per], "images/reconstructions": [per, 2 * per]])
        let text = events.compactMap { $0.summary?.value.first { $0.tag == "options" } }
        guard case .tensor(let t)? = text.first?.kind else { Issue.record("no options text"); return }
        #expect(String(decoding: t.stringVal[0], as: UTF8.self).contains("\"tensorboard\" : true"))
    }

    /// The event files change nothing about training: the same metrics and checkpoint as without them.
    @Test func theEventFilesLeaveTrainingUnchanged() throws {
        let on = try session("on", epochs: 2, tensorboard: true)
        try on.train()
        let off = try session("off", epochs: 2, tensorboard: false)
        try off.train()
        let strip = { (r: [String: Any]) in r.filter { $0.key != "seconds" && $0.key != "images_per_sec" }.mapValues { "\($0)" } }
        #expect(on.run.metrics.epochRecords().map(strip) == off.run.metrics.epochRecords().map(strip))
        #expect(try Data(contentsOf: URL(fileURLWithPath: on.run.lastCheckpoint)) == Data(contentsOf: URL(fileURLWithPath: off.run.lastCheckpoint)))
        #expect(!FileManager.default.fileExists(atPath: off.run.path + "/tensorboard"))
        #expect(off.run.config.training.tensorboard == nil)
    }

    /// A stopped run resumed later keeps writing: a second file that starts with a START
    /// session log at the step it resumes from.
    @Test func aResumedRunAppendsANewFile() throws {
        let s = try session("resumed", epochs: 3, tensorboard: true)
        let run = s.run
        s.stopRequested = { run.metrics.epochRecords().count >= 1 ? 15 : nil }
        #expect(throws: TrainingInterrupted.self) { try s.train() }
        let r = try TrainingSession.resume("resumed", root: tmp.file("runs"))
        r.quiet = true
        r.log = { _ in }
        let per = Int64((r.trainer.data.train.count + 7) / 8)
        let resumedAt = per * Int64(r.startEpoch) + Int64(r.resumedSteps + 1)
        try r.train()
        let files = try events(run)
        try #require(files.count == 2)
        guard case .sessionLog(let log)? = files[1][1].what else { Issue.record("no START"); return }
        #expect(log.status == TensorBoardSessionLog.start && files[1][1].step == resumedAt)
        #expect(scalars(files[1]).filter { $0.tag == "epoch/loss" }.map(\.step) == [2 * per, 3 * per].filter { $0 > resumedAt })
    }
}
#else
/// A build without the trait TensorBoard refuses `--tensorboard` in one line, before any run folder exists.
@Suite struct TensorBoardRunTests {
    let tmp = TempFolder()

    @Test func aBuildWithoutTheWriterRefusesBeforeMakingARun() throws {
        try NPY.write(Tensor([Float](repeating: 0.5, count: 48 * 36), shape: [48, 6, 6]), to: tmp.file("flat.npy"))
        let data = try PreparedData.load(DataOptions(source: tmp.file("flat.npy")))
        let config = try testConfig("vae", data: data, [("epochs", "1"), ("latent", "2"), ("hidden", "8"), ("tensorboard", "")])
        #expect(throws: LatentError.self) {
            _ = try TrainingSession.start(config: config, data: data, root: tmp.file("runs"), name: "tb", explicitName: true)
        }
        #expect(!FileManager.default.fileExists(atPath: tmp.file("runs") + "/tb"))
    }
}
#endif

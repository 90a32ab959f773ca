import Foundation
import Testing
@testable import Latent
@testable import LatentNN

/// Data-parallel training over the thread-backed communicator against one process with the same global
/// batch: the same losses every epoch and the same weights, for a gradient family (vae, with its ε drawn
/// for the whole batch) and a CD-statistics family (rbm on dynamically binarized images), with 2 and 3 ranks
/// (3 does not divide the batch of 32: shards of 11, 11 and 10 rows), and a run resumed on another count.
@Suite struct DataParallelTrainingTests {
    let fixture = ExperimentFixture()

    /// The fixture's 160 images, binarized afresh for every batch (the draw the ranks must share).
    func data() throws -> PreparedData {
        _ = try fixture.data()
        var options = DataOptions(source: fixture.dataPath)
        options.validation = 20
        options.binarize = .dynamic
        return try PreparedData.load(options)
    }

    func config(_ family: String, _ data: PreparedData, epochs: Int = 8) throws -> RunConfig {
        try testConfig(family, data: data, [("epochs", "\(epochs)"), ("batch", "32"), ("lr", family == "rbm" ? "0.05" : "3e-3"),
                                            ("image-every", "0"), ("latent", "2"), ("hidden", "16")])
    }

    struct Outcome {
        let records: [[String: Any]]
        let model: [String: Tensor]
        let config: [String: Any]
        let folders: [String]
    }

    /// Trains (or resumes) one run on `ranks` threads, each with its session, as mpirun starts processes.
    func train(_ config: RunConfig, _ data: PreparedData, ranks: Int, root: String, resume: Int? = nil) throws -> Outcome {
        let group = ThreadCommunicator.group(size: ranks)
        let paths = try onThreads(ranks) { r -> String in
            let communicator: any Communicator = ranks == 1 ? SingleProcessCommunicator() : group[r]
            let session = try resume.map {
                try TrainingSession.resume("run", root: root, changes: ResumeChanges(arguments: ["--epochs=\($0)"], override: true),
                                           communicator: communicator)
            } ?? TrainingSession.start(config: config, data: data, root: root, name: "run", explicitName: true, communicator: communicator)
            session.quiet = true
            session.log = { _ in }
            try session.train()
            return session.run.path
        }
        let run = try RunDirectory.open(paths[0], root: root)
        let checkpoint = try TrainingCheckpoint.load(from: run.lastCheckpoint)
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: run.configPath))) as! [String: Any]
        return Outcome(records: run.metrics.epochRecords(), model: checkpoint.model, config: config,
                       folders: try FileManager.default.contentsOfDirectory(atPath: root))
    }

    /// The largest relative difference of the epochs' metrics and the largest absolute difference of the weights.
    func difference(_ a: Outcome, _ b: Outcome) -> (metrics: Double, weights: Float) {
        #expect(a.records.count == b.records.count)
        var metrics = 0.0
        for (ra, rb) in zip(a.records, b.records) {
            for (k, v) in ra where k != "seconds" && k != "images_per_sec" {
                guard let x = v as? Double else { continue }
                guard let y = rb[k] as? Double else { Issue.record("\(k) missing"); continue }
                metrics = max(metrics, abs(x - y) / max(abs(x), 1e-12))
            }
        }
        #expect(Set(a.model.keys) == Set(b.model.keys))
        var weights: Float = 0
        for (name, t) in a.model {
            guard let u = b.model[name] else { continue }
            #expect(t.shape == u.shape, "\(name)")
            guard t.shape == u.shape else { continue }
            weights = max(weights, (t - u).abs().maxValue())
        }
        return (metrics, weights)
    }

    @Test(arguments: ["vae", "rbm"])
    func ranksTrainAsOneProcess(family: String) throws {
        let data = try data()
        let config = try config(family, data)
        let single = try train(config, data, ranks: 1, root: TempFolder().path)
        #expect(single.records.count == 8)
        #expect(single.config["world_size"] == nil)
        for ranks in [2, 3] {
            let parallel = try train(config, data, ranks: ranks, root: TempFolder().path)
            let (metrics, weights) = difference(single, parallel)
            // Only the summation order differs: 40 steps later, losses agree to 1e-4 and weights to 1e-5.
            #expect(metrics < 1e-4, "\(family), \(ranks) ranks: metrics differ by \(metrics)")
            #expect(weights < 1e-5, "\(family), \(ranks) ranks: weights differ by \(weights)")
            #expect(parallel.config["world_size"] as? Int == ranks)
            #expect(parallel.folders == ["run"])
        }
    }

    @Test func aRunStoppedOnTwoRanksResumesOnThree() throws {
        let data = try data()
        let single = try train(config("vae", data), data, ranks: 1, root: TempFolder().path)
        let root = TempFolder().path
        _ = try train(config("vae", data, epochs: 4), data, ranks: 2, root: root)
        let resumed = try train(config("vae", data), data, ranks: 3, root: root, resume: 8)
        let (metrics, weights) = difference(single, resumed)
        #expect(metrics < 1e-4, "metrics differ by \(metrics)")
        #expect(weights < 1e-5, "weights differ by \(weights)")
        #expect(resumed.config["world_size"] as? Int == 3)
    }

    /// world_size names the latest session's processes: a run trained on two and finished on one records none.
    @Test func aRunStoppedOnTwoRanksResumesOnOne() throws {
        let data = try data()
        let single = try train(config("vae", data), data, ranks: 1, root: TempFolder().path)
        let root = TempFolder().path
        let first = try train(config("vae", data, epochs: 4), data, ranks: 2, root: root)
        #expect(first.config["world_size"] as? Int == 2)
        let resumed = try train(config("vae", data), data, ranks: 1, root: root, resume: 8)
        let (metrics, weights) = difference(single, resumed)
        #expect(metrics < 1e-4 && weights < 1e-5, "metrics differ by \(metrics), weights by \(weights)")
        #expect(resumed.config["world_size"] == nil)
    }
}

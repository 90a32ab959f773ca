import Foundation
import Testing
@testable import Latent
@testable import LatentRuns

/// Run folders that survive anything: names, locks, kills between any two
/// writes, signals mid-epoch, hand-edited files, runaway losses.
@Suite struct RunSafetyTests {
    let tmp = TempFolder()

    /// 80 tiny 8×8 images with six classes (bars at a class-dependent row); 16 held out.
    func data(validation: Int = 16, scale: DataOptions.Scale = .unit) throws -> PreparedData {
        var pixels: [Float] = [], labels: [Float] = []
        for i in 0..<80 {
            let row = i % 6
            labels.append(Float(row))
            for y in 0..<8 { for x in 0..<8 { pixels.append(y == row ? 0.9 : 0.1 + 0.01 * Float((x + i) % 5)) } }
        }
        try NPY.write(Tensor(pixels, shape: [80, 8, 8]), to: tmp.file("bars.npy"))
        try NPY.write(Tensor(labels), to: tmp.file("bars-labels.npy"))
        var o = DataOptions(source: tmp.file("bars.npy"))
        o.validation = validation
        o.scale = scale
        return try PreparedData.load(o)
    }

    func config(_ family: String, _ data: PreparedData, epochs: Int = 2) throws -> RunConfig {
        try testConfig(family, data: data, [("epochs", "\(epochs)"), ("batch", "16"), ("lr", "2e-3"), ("image-every", "0"), ("latent", "2"),
                                            ("hidden", family == "dbm" ? "12,8" : "16"), ("pretrain-epochs", "1"),
                                            ("channels", "4"), ("timesteps", "20"), ("sample-steps", "5")])
    }

    /// The data and configuration of a small run of `family`, in the pixel range the family expects.
    func setup(_ family: String, epochs: Int = 2) throws -> (RunConfig, PreparedData) {
        let d = try data(scale: try ModelRegistry.family(family).defaultScale)
        return (try config(family, d, epochs: epochs), d)
    }

    func quiet(_ s: TrainingSession, stop: @escaping () -> Int32? = { nil }) -> TrainingSession {
        s.quiet = true
        s.log = { _ in }
        s.stopRequested = stop
        return s
    }

    func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    // MARK: names and folders

    @Test(arguments: ["vae-mnist", "a", "run_2.b", String(repeating: "x", count: 100)])
    func goodNamesPass(_ name: String) throws { try RunName.validate(name) }

    @Test(arguments: [("", "empty"), ("../elsewhere", "'/'"), ("a/b", "'/'"), ("..", "'.'"), (".hidden", "starts with '.'"),
                      ("a..b", "'..'"), ("sp ace", "' '"), (String(repeating: "x", count: 101), "more than 100"), ("é", "contains")])
    func badNamesAreRefusedSayingWhy(_ name: String, _ why: String) {
        expectLatentError([why, "letters, digits"]) { try RunName.validate(name) }
        #expect(throws: LatentError.self) { _ = try RunDirectory.create(root: tmp.file("runs"), name: name, config: config("vae", data())) }
    }

    @Test func sanitizedNamesAreValid() throws {
        for text in ["vae-data/faces v2", "..", "", "../../x", String(repeating: "é", count: 300)] {
            try RunName.validate(RunName.sanitized(text))
        }
    }

    @Test func aChosenNameThatExistsIsRefusedWithAPointerToResume() throws {
        let c = try config("vae", data())
        _ = try RunDirectory.create(root: tmp.file("runs"), name: "mine", config: c, explicitName: true)
        expectLatentError(["already exists", "--resume mine"]) {
            _ = try RunDirectory.create(root: tmp.file("runs"), name: "mine", config: c, explicitName: true)
        }
        #expect(try RunDirectory.create(root: tmp.file("runs"), name: "mine", config: c).name == "mine-2")
    }

    @Test func aRunIsLockedWhileItTrains() throws {
        let c = try config("vae", data())
        let run = try RunDirectory.create(root: tmp.file("runs"), name: "locked", config: c)
        let lock = try RunLock(runPath: run.path)
        expectLatentError(["in use by process \(getpid())"]) { _ = try RunLock(runPath: run.path) }
        lock.release()
        _ = try RunLock(runPath: run.path)
    }

    @Test func staleTemporariesAreRemovedOnResume() throws {
        let d = try data()
        let session = quiet(try TrainingSession.start(config: config("vae", d, epochs: 1), data: d, root: tmp.file("runs"), name: "t", explicitName: true))
        try session.train()
        let stale = session.run.checkpoints + "/.last.safetensors.4242.tmp"
        try Data("half".utf8).write(to: URL(fileURLWithPath: stale))
        _ = try TrainingSession.resume("t", root: tmp.file("runs"))
        #expect(!FileManager.default.fileExists(atPath: stale))
    }

    // MARK: hand-edited and hostile run files

    @Test func aHandEditedConfigIsRefusedNamingTheField() throws {
        let run = try RunDirectory.create(root: tmp.file("runs"), name: "edited", config: config("vae", data()))
        var text = try String(contentsOfFile: run.configPath, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"batchSize\" : 16", with: "\"batchSize\" : 0")
        try text.write(toFile: run.configPath, atomically: true, encoding: .utf8)
        expectLatentError([run.configPath, "'training'", "--batch", "got 0"]) { _ = try RunDirectory.open(run.path) }
        // A model option out of range, and one that does nothing with the others, are refused too.
        try text.replacingOccurrences(of: "\"batchSize\" : 0", with: "\"batchSize\" : 16").replacingOccurrences(of: "\"beta\" : 1", with: "\"beta\" : -1")
            .write(toFile: run.configPath, atomically: true, encoding: .utf8)
        expectLatentError([run.configPath, "'model'", "--beta", "got -1"]) { _ = try RunDirectory.open(run.path) }
        try text.replacingOccurrences(of: "\"batchSize\" : 0", with: "\"batchSize\" : 16").replacingOccurrences(of: "\"beta\" : 1", with: "\"beta\" : 1, \"components\" : 3")
            .write(toFile: run.configPath, atomically: true, encoding: .utf8)
        expectLatentError([run.configPath, "--components 3 does nothing without --prior"]) { _ = try RunDirectory.open(run.path) }
        try "{\"family\": 3}".write(toFile: run.configPath, atomically: true, encoding: .utf8)
        expectLatentError([run.configPath, "field 'family'"]) { _ = try RunDirectory.open(run.path) }
    }

    @Test func checkpointMetadataIsRangeChecked() throws {
        let path = tmp.file("c.safetensors")
        let good = TrainingCheckpoint(model: ["w": Tensor([1, 2])], optimizer: [:], epoch: 3, rng: RandomGenerator(seed: 1), family: "vae")
        try good.save(to: path)
        #expect(try TrainingCheckpoint.load(from: path, family: "vae", epochs: 5).epoch == 3)
        expectLatentError(["'family'", "'vae'", "'rbm'"]) { _ = try TrainingCheckpoint.load(from: path, family: "rbm") }
        expectLatentError(["'epoch'", "more than the run's 2"]) { _ = try TrainingCheckpoint.load(from: path, epochs: 2) }
        for (key, value, fragment) in [("epoch", String(Int.min), "'epoch'"), ("epoch", "1e9", "'epoch'"), ("rng", "0,0,0,0", "'rng'"),
                                       ("rng", "zz", "'rng'"), ("progress", "{\"steps\": -1}", "'progress'"), ("loss_scale", "nan", "'loss_scale'")] {
            var meta = ["family": "vae", "epoch": "3", "rng": TrainingCheckpoint.encode(RandomGenerator(seed: 1))]
            meta[key] = value
            try Safetensors.save(["model.w": Tensor([1, 2])], metadata: meta, to: URL(fileURLWithPath: path))
            expectLatentError([path, fragment]) { _ = try TrainingCheckpoint.load(from: path) }
        }
    }

    @Test func metricsAreTrimmedToTheCheckpointAndATornLineDropped() throws {
        let log = MetricsLog(path: tmp.file("m.jsonl"))
        for e in 1...3 { try log.append(["epoch": e, "loss": Double(e)]) }
        try log.append(["epoch": 3, "step": 5, "status": "diverged", "loss": 9.0])
        let handle = FileHandle(forWritingAtPath: log.path)!
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"epoch\": 4, \"lo".utf8))
        try handle.close()
        try log.truncate(afterEpoch: 2)
        #expect(log.records().map { $0["epoch"] as! Int } == [1, 2])
        let text = try String(contentsOfFile: log.path, encoding: .utf8)
        #expect(text.hasSuffix("}\n") && !text.contains("\"lo\n"))
    }

    // MARK: resume tells the truth

    @Test func resumeRefusesDifferencesUnlessOverriddenAndRecordsThem() throws {
        let d = try data()
        try quiet(try TrainingSession.start(config: config("vae", d, epochs: 1), data: d, root: tmp.file("runs"), name: "r", explicitName: true)).train()
        // --batch 16 is the run's own: not a difference.
        var changes = ResumeChanges(arguments: ["--epochs", "2", "--lr", "0.01", "--batch", "16"])
        expectLatentError(["--lr 0.01", "the run has 0.002", "--override"]) { _ = try TrainingSession.resume("r", root: tmp.file("runs"), changes: changes) }
        let refused = ResumeChanges(arguments: ["--hidden", "32", "--latent", "3"], override: true)
        expectLatentError(["--hidden, --latent", "new run"]) { _ = try TrainingSession.resume("r", root: tmp.file("runs"), changes: refused) }
        expectLatentError(["has no option --data"]) {
            _ = try TrainingSession.resume("r", root: tmp.file("runs"), changes: ResumeChanges(arguments: ["--data", "mnist"]))
        }
        expectLatentError(["--epochs"]) { _ = try TrainingSession.resume("r", root: tmp.file("runs"), changes: ResumeChanges(arguments: ["--epochs", "0"])) }
        changes.override = true
        try quiet(try TrainingSession.resume("r", root: tmp.file("runs"), changes: changes)).train()
        let config = try RunDirectory.open("r", root: tmp.file("runs")).config
        #expect((config.model as? VAEOptions)?.optimizer.learningRate == 0.01 && config.training.epochs == 2)
        #expect(config.changes == [RunChange(afterEpoch: 1, option: "--lr", old: "0.002", new: "0.01")])
    }

    // MARK: kills and signals

    /// Every family: stopped by a signal inside epoch 2 (or, for P-PCA, which
    /// fits at the end of a pass, dropping that epoch), resumed, and finished:
    /// the final checkpoint is byte-identical to an uninterrupted run's, and
    /// metrics.jsonl holds each epoch once.
    @Test(arguments: ModelRegistry.families.map { $0.family })
    func aStoppedAndResumedRunIsBitIdentical(_ family: String) throws {
        let (c, d) = try setup(family)
        let root = tmp.file("runs-\(family)")
        let straight = quiet(try TrainingSession.start(config: c, data: d, root: root, name: "straight", explicitName: true))
        try straight.train()
        var steps = 0
        let stopped = quiet(try TrainingSession.start(config: c, data: d, root: root, name: "stopped", explicitName: true)) {
            steps += 1
            return steps == 6 ? SIGINT : nil   // epoch 2, step 2 of 4
        }
        do {
            try stopped.train()
            Issue.record("the stop request was ignored")
        } catch let stop as TrainingInterrupted {
            #expect(stop.exitCode == 130)
            #expect(stop.description.contains("--resume stopped"))
        }
        let resumed = quiet(try TrainingSession.resume("stopped", root: root))
        #expect(resumed.startEpoch == 1)
        try resumed.train()
        let x = try TrainingCheckpoint.load(from: straight.run.lastCheckpoint), y = try TrainingCheckpoint.load(from: resumed.run.lastCheckpoint)
        let differing = (x.model.keys.filter { x.model[$0]!.scalars != y.model[$0]?.scalars }.map { "model." + $0 }
            + x.optimizer.keys.filter { x.optimizer[$0]!.scalars != y.optimizer[$0]?.scalars }.map { "optimizer." + $0 }).sorted()
        let meta = try Safetensors.metadata(from: URL(fileURLWithPath: straight.run.lastCheckpoint)), meta2 = try Safetensors.metadata(from: URL(fileURLWithPath: resumed.run.lastCheckpoint))
        #expect(differing.isEmpty && meta == meta2, "\(family): resumed checkpoint differs in \(differing) \(meta.filter { meta2[$0.key] != $0.value }.keys.sorted())")
        #expect(try bytes(straight.run.lastCheckpoint) == bytes(resumed.run.lastCheckpoint), "\(family): resumed checkpoint differs")
        #expect(resumed.run.metrics.records().compactMap { $0["epoch"] as? Int } == [1, 2])
        let a = straight.run.metrics.epochRecords().map { $0.filter { $0.key != "seconds" && $0.key != "images_per_sec" } as NSDictionary }
        let b = resumed.run.metrics.epochRecords().map { $0.filter { $0.key != "seconds" && $0.key != "images_per_sec" } as NSDictionary }
        #expect(a == b, "\(family): metrics differ")
    }

    @Test func aCheckpointFromBeforeRandomStatesWereSavedStillResumes() throws {
        let (c, d) = try setup("gan", epochs: 1)
        let session = quiet(try TrainingSession.start(config: c, data: d, root: tmp.file("runs"), name: "old", explicitName: true))
        try session.train()
        var checkpoint = try TrainingCheckpoint.load(from: session.run.lastCheckpoint)
        #expect(!checkpoint.randomStates.isEmpty)
        checkpoint.randomStates = [:]   // as Latent 0.1.0 wrote it
        try checkpoint.save(to: session.run.lastCheckpoint)
        let more = ResumeChanges(arguments: ["--epochs", "2"])
        try quiet(try TrainingSession.resume("old", root: tmp.file("runs"), changes: more)).train()
        #expect(session.run.metrics.epochRecords().count == 2)
    }

    @Test func aKillBetweenCheckpointAndMetricsLosesNoEpoch() throws {
        let d = try data()
        let session = quiet(try TrainingSession.start(config: config("vae", d, epochs: 2), data: d, root: tmp.file("runs"), name: "k", explicitName: true))
        try session.train()
        // As if killed after epoch 2's checkpoint was renamed into place but before its metrics line was written.
        let lines = try String(contentsOfFile: session.run.metricsPath, encoding: .utf8).split(separator: "\n")
        try (lines[0] + "\n").write(toFile: session.run.metricsPath, atomically: true, encoding: .utf8)
        let more = ResumeChanges(arguments: ["--epochs", "3"])
        try quiet(try TrainingSession.resume("k", root: tmp.file("runs"), changes: more)).train()
        #expect(session.run.metrics.records().compactMap { $0["epoch"] as? Int } == [1, 2, 3])
    }

    // MARK: divergence

    @Test func aLossThatExplodesWithoutBecomingNaNStopsTheRun() throws {
        let d = try data(validation: 0)
        var c = try config("vae", d, epochs: 3)
        c.family = ScriptedLossModel.family
        let run = try RunDirectory.create(root: tmp.file("runs"), name: "boom", config: c)
        let model = ScriptedLossModel(losses: [300, 280, 290, 270, 260, 250, 255, 240, 3.7e18])
        var trainer = Trainer(run: run, data: d, model: model)
        trainer.quiet = true
        trainer.log = { _ in }
        trainer.stopRequested = { nil }
        var rng = RandomGenerator(seed: 1)
        expectLatentError(["grew to 3.7e+18", "epoch 3, step 1", "checkpoint of epoch 2 is kept", "--divergence-factor"]) {
            try trainer.train(rng: &rng)
        }
        #expect(run.metrics.records().contains { ($0["status"] as? String) == "diverged" })
    }

    @Test func divergenceInTheFirstEpochSaysNoCheckpointExists() throws {
        let d = try data(validation: 0)
        var c = try config("vae", d, epochs: 1)
        c.family = ScriptedLossModel.family
        let run = try RunDirectory.create(root: tmp.file("runs"), name: "early", config: c)
        var trainer = Trainer(run: run, data: d, model: ScriptedLossModel(losses: [5, .nan]))
        trainer.quiet = true
        trainer.stopRequested = { nil }
        var rng = RandomGenerator(seed: 1)
        expectLatentError(["became nan", "No checkpoint was written yet"]) { try trainer.train(rng: &rng) }
    }
}

/// A model whose training loss follows a script: for testing the trainer's guards.
final class ScriptedLossModel: TrainableModel {
    struct Options: FamilyOptions {}
    static let family = "scripted"
    static let summary = "A loss that follows a script."
    static let defaultOptions = Options()
    static var optionSpecs: [OptionSpec<Options>] { [] }
    var losses: [Double]
    var step = 0
    init(losses: [Double]) { self.losses = losses }
    required init(options: Options, context: ModelContext, rng: inout RandomGenerator) throws { losses = [1] }
    static func migrate(_ legacy: LegacyOptions) throws -> Options { Options() }
    func trainStep(_ batch: Tensor, labels: [Int], epoch: Int, rng: inout RandomGenerator) throws -> [(String, Double)] {
        defer { step += 1 }
        return [("loss", losses[Swift.min(step, losses.count - 1)])]
    }
    func validate(_ images: Tensor, labels: [Int], rng: inout RandomGenerator) -> [(String, Double)] { [] }
    func modelState() -> [String: Tensor] { ["step": Tensor([Float(step)])] }
    func loadModelState(_ state: [String: Tensor]) throws {}
    func optimizerState() -> [String: Tensor] { [:] }
    func loadOptimizerState(_ state: [String: Tensor]) throws {}
    var charts: [(file: String, title: String, yLabel: String, keys: [String])] { [] }
}

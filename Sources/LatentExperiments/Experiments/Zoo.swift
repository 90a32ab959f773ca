import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LatentTensor
import LatentData
import LatentOutput
import LatentEvaluation
import LatentModels
import LatentRuns

/// What `Zoo.run` compares: `latent zoo`'s options.
///
/// Every family trains on the same data with the same budget: by default the
/// same number of epochs, so every model sees the same number of training
/// images (a budget that does not depend on how busy the machine is, so the
/// comparison can be repeated); `budget: .cpuMinutes(m)` gives each family the
/// same CPU time instead (each then stops where its time runs out, mid-epoch if
/// need be). Either way the CPU time each one took is measured and reported.
///
/// ```swift
/// var options = ZooOptions(data: DataOptions(source: "mnist"))
/// options.families = ["vae", "iwae", "gan"]
/// options.budget = .epochs(10)
/// let zoo = try Zoo.run(options, root: "runs")
/// print(zoo.table)
/// ```
public struct ZooOptions: Sendable {
    /// The families `latent zoo` compares when none are named. "iwae" is a `vae` trained with `--iw-samples`.
    public static let defaultFamilies = ["ddpm", "dcgan", "gan", "vae", "iwae", "aae", "avb"]

    /// How much training each family gets.
    public enum Budget: Sendable, Equatable {
        /// The same number of epochs (so the same training images seen) for every family.
        case epochs(Int)
        /// The same CPU time (user + system, of this process) for every family.
        case cpuMinutes(Double)

        /// One line naming the budget, for the table's heading.
        public var description: String {
            switch self {
            case .epochs(let e): return "matched by training images seen: \(e) epoch\(e == 1 ? "" : "s") of the same training images for every family"
            case .cpuMinutes(let m): return "matched by CPU time: \(String(format: "%g", m)) CPU-minutes of training for every family"
            }
        }
    }

    /// The data set, prepared for each family in its own pixel range (`defaultScale`).
    public var data: DataOptions
    /// Families by name (`ZooOptions.defaultFamilies`), each trained once.
    public var families: [String] = ZooOptions.defaultFamilies
    public var budget: Budget = .epochs(5)
    /// With a CPU budget: the most epochs a family may take (its run's `--epochs`).
    public var maxEpochs = 1_000
    /// "iwae": the K of its K-sample bound (`--iw-samples`).
    public var iwSamples = 5
    /// The zoo's name: its folder under the runs folder and the prefix of its runs (`<name>-<family>`); nil: "zoo-<data>".
    public var name: String?
    /// Use a finished run of a family instead of training one: `<name>-<family>` if it exists, else the newest
    /// finished run of that family on the same data.
    public var reuse = false
    /// Options of `latent train`, given to every family that takes them (the others ignore them).
    public var words: [String] = []
    /// Options for one family only, by family name ("iwae" included), after `words`.
    public var familyWords: [String: [String]] = [:]
    /// Evaluations along training (FID at each, for "CPU-minutes to reach FID ≤ X"); the last is at the end.
    public var points = 3
    /// Generated images for FID, KID and precision/recall.
    public var samples = 2_000
    /// Test images for FID/KID and the likelihoods (the fixed subset `latent evaluate --test-limit` uses); nil: all.
    public var testLimit: Int? = 1_000
    /// Importance samples per image for the test NLL of vae, iwae and avb (ddpm's bound uses its own 50 timesteps).
    public var nllSamples = 100
    /// "CPU-minutes to reach FID ≤ X"; nil: the worst final FID among the families.
    public var fidTarget: Double?
    /// The feature network's run; nil: the newest classifier (with labels) or autoencoder on the data, else one trained first.
    public var features: String?
    /// Epochs of a feature network the zoo trains itself.
    public var featureEpochs = 5
    public var seed: UInt64 = 2

    public init(data: DataOptions) { self.data = data }
}

/// One family of a zoo: its run, what training cost and the scores from its evaluation.json.
public struct ZooEntry: Sendable, Codable, Equatable {
    /// The zoo's name for it ("iwae") and the family that trained it ("vae").
    public var label: String
    public var family: String
    public var run: String
    public var reused: Bool
    /// What the family was asked for ("iwae: vae with --iw-samples 5").
    public var note: String
    public var epochs: Double
    public var imagesSeen: Int?
    /// Process CPU-seconds (user + system, getrusage) spent training; nil for a run trained outside a zoo.
    public var cpuSeconds: Double?
    public var fid: Double?
    /// FID of the same network before training (built from the run's config and seed, the same samples and
    /// feature network): how much training bought. Nil when not measured.
    public var fidAtStart: Double?
    public var kid: Double?
    public var kidStandardDeviation: Double?
    public var precision: Double?
    public var recall: Double?
    /// The likelihood column: "is_nll" (nats per image), "bits_per_dim" (ddpm's bound), or nil with `likelihoodReason`.
    public var likelihoodName: String?
    public var likelihood: Double?
    public var likelihoodReason: String?
    /// FID along training: CPU-seconds and images seen when it was measured.
    public var curve: [Point]
    /// CPU-minutes until the first point with FID ≤ the zoo's target (nil: not reached or not measured).
    public var cpuMinutesToTarget: Double?

    public struct Point: Sendable, Codable, Equatable {
        public var cpuSeconds: Double
        public var imagesSeen: Int
        public var fid: Double
    }

    /// Training images per CPU-second.
    public var imagesPerCPUSecond: Double? {
        guard let cpuSeconds, let imagesSeen, cpuSeconds > 0 else { return nil }
        return Double(imagesSeen) / cpuSeconds
    }
}

/// The zoo's table and files (see `Zoo.run`).
public struct ZooResult: Sendable {
    public var name: String
    public var data: String
    public var budget: ZooOptions.Budget
    public var entries: [ZooEntry]
    public var featureRun: String
    public var featureFamily: String
    /// The real-vs-real FID floor (mean, sd) in the feature network's space.
    public var fidFloor: (mean: Double, sd: Double)?
    public var fidTarget: Double?
    /// Real test images of the feature network FID/KID compared against, and test images of the likelihoods (nil: none).
    public var realImages: Int?
    public var likelihoodImages: Int?
    public var samples: Int

    /// The markdown table with its heading lines.
    public var table: String {
        func f(_ v: Double?, _ format: String = "%.3g") -> String { v.map { String(format: format, $0) } ?? "—" }
        var lines = ["## \(name): \(data)", "",
                     "Budget \(budget.description). FID, KID and precision/recall of \(samples) samples in the feature space of "
                     + "\(featureRun) (\(featureFamily)) against \(realImages.map { "\($0)" } ?? "its") test images"
                     + (fidFloor.map { String(format: "; real-vs-real FID floor %.3g ± %.2g", $0.mean, $0.sd) } ?? "")
                     + (likelihoodImages.map { ". Test NLL on \($0) test images" } ?? "")
                     + ". CPU = process CPU-seconds of training (getrusage), not wall time.",
                     ""]
        let target = fidTarget.map { String(format: "CPU-min to FID ≤ %.3g", $0) } ?? "CPU-min to FID ≤ X"
        lines.append("| family | run | epochs | images seen | CPU-s | img/CPU-s | FID at start | FID | KID | precision | recall | test NLL | \(target) |")
        lines.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for e in entries {
            let nll: String
            if let v = e.likelihood, let name = e.likelihoodName {
                nll = name == "bits_per_dim" ? String(format: "%.3f bits/dim (bound)", v) : String(format: "%.2f nats", v)
            } else {
                nll = "— (\(e.likelihoodReason ?? "none"))"
            }
            let kid = e.kid.map { k in String(format: "%.3g", k) + (e.kidStandardDeviation.map { String(format: " ± %.1g", $0) } ?? "") } ?? "—"
            let reached = e.cpuMinutesToTarget.map { String(format: "%.2f", $0) } ?? (e.curve.isEmpty ? "— (no FID curve)" : "— (not reached)")
            lines.append("| \(e.label) | \(e.run) | \(f(e.epochs, "%.2f")) | \(e.imagesSeen.map(String.init) ?? "—") | "
                         + "\(e.cpuSeconds.map { String(format: "%.1f", $0) } ?? "— (not trained by a zoo)") | \(f(e.imagesPerCPUSecond, "%.1f")) | "
                         + "\(f(e.fidAtStart, "%.1f")) | \(f(e.fid, "%.2f")) | \(kid) | \(f(e.precision, "%.3f")) | \(f(e.recall, "%.3f")) | \(nll) | \(reached) |")
        }
        let notes = entries.map(\.note).filter { !$0.isEmpty }
        if !notes.isEmpty { lines += [""] + notes.map { "- " + $0 } }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes zoo.md (the table), zoo.json (every entry) into `folder`; the grid is written by `Zoo.run`.
    @discardableResult
    public func write(to folder: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let md = folder + "/zoo.md", json = folder + "/zoo.json"
        try AtomicFile.write(Data(table.utf8), to: URL(fileURLWithPath: md))
        struct File: Encodable {
            let name: String, data: String, budget: String, featureRun: String, featureFamily: String
            let fidFloor: Double?, fidFloorSD: Double?, fidTarget: Double?, realImages: Int?, likelihoodImages: Int?, samples: Int
            let entries: [ZooEntry]
        }
        let file = File(name: name, data: data, budget: budget.description, featureRun: featureRun, featureFamily: featureFamily,
                        fidFloor: fidFloor?.mean, fidFloorSD: fidFloor?.sd, fidTarget: fidTarget, realImages: realImages,
                        likelihoodImages: likelihoodImages,
                        samples: samples, entries: entries)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(file), to: URL(fileURLWithPath: json))
        return [md, json]
    }
}

/// The CPU time of this process so far: user + system seconds of all its threads (getrusage), which,
/// unlike wall time, does not grow when other processes share the machine.
public enum ProcessCPUTime {
    public static var seconds: Double {
        var usage = rusage()
        #if canImport(Glibc)
        _ = getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        #else
        _ = getrusage(RUSAGE_SELF, &usage)
        #endif
        func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return s(usage.ru_utime) + s(usage.ru_stime)
    }
}

/// `latent zoo`: the model families the course compares, trained (or picked)
/// on the same data with matched budgets and scored by the same evaluation as
/// `latent evaluate`: FID and KID (with the real-vs-real floor) and
/// precision/recall in one feature network's space, the test NLL where a family
/// has one (importance-sampled for vae, iwae and avb; the bound in bits/dim for
/// ddpm), the CPU time of training and images per CPU-second, and FID at a few
/// points along training for "CPU-minutes to reach FID ≤ X".
///
/// Writes `<root>/<name>/zoo.md`, `zoo.json` and `samples.png` (a labelled row of
/// samples per family); each run keeps its scores in evaluation.json and its
/// training cost in zoo-cost.json.
///
/// ```swift
/// var options = ZooOptions(data: DataOptions(source: "mnist"))
/// options.budget = .cpuMinutes(5)
/// let zoo = try Zoo.run(options, root: "runs")
/// print(zoo.table)   // a row per family
/// ```
public enum Zoo {
    /// The file in each run folder holding what its training cost (CPU-seconds, images seen, the FID curve).
    public static let costFile = "zoo-cost.json"

    struct Cost: Codable {
        var cpuSeconds: Double
        var imagesSeen: Int
        var epochs: Double
        var budget: String
        var curve: [ZooEntry.Point]
    }

    /// The family and `latent train` words of a zoo label ("iwae" → vae with --iw-samples K).
    public static func family(_ label: String, options: ZooOptions) throws -> (type: any TrainableModel.Type, words: [String], note: String) {
        if label == "iwae" {
            return (VAEModel.self, ["--iw-samples", "\(options.iwSamples)"],
                    "iwae: vae trained on the \(options.iwSamples)-sample importance-weighted bound (--iw-samples \(options.iwSamples))")
        }
        let type = try ModelRegistry.family(label)
        guard type is any SamplingModel.Type else {
            throw LatentError.invalidArgument("\(label) does not generate images, so a zoo cannot score it; families: \(ZooOptions.defaultFamilies.joined(separator: ", "))")
        }
        return (type, [], "")
    }

    /// Trains (or picks) every family, evaluates each, writes the zoo's files and returns its table.
    public static func run(_ options: ZooOptions, root: String, log: @escaping (String) -> Void = { print($0) },
                           stopRequested: @escaping () -> Int32? = { StopRequest.pending }) throws -> ZooResult {
        guard !options.families.isEmpty else { throw LatentError.invalidArgument("name at least one family for the zoo") }
        guard options.points >= 1 else { throw LatentError.invalidArgument("a zoo needs at least one evaluation point, got \(options.points)") }
        let families = try options.families.map { try family($0, options: options) }
        var prepared: [DataOptions.Scale: PreparedData] = [:]
        func data(_ scale: DataOptions.Scale) throws -> PreparedData {
            if let d = prepared[scale] { return d }
            var o = options.data
            o.scale = scale
            let d = try PreparedData.load(o)
            prepared[scale] = d
            return d
        }
        let first = try data(families[0].type.defaultScale)
        let name = RunName.sanitized(options.name ?? "zoo-\(first.name)")
        let features = try featureNetwork(options, data: first, root: root, name: name, log: log)
        log("feature network: \(features.name) (\(features.config.family))")

        var entries: [ZooEntry] = []
        var grids: [(String, Tensor)] = []
        for (label, (type, familyWords, note)) in zip(options.families, families) {
            let prepared = try data(type.defaultScale)
            let runName = "\(name)-\(label)"
            var reused = false
            var run: RunDirectory
            if options.reuse, let existing = reusable(label, runName: runName, type: type, options: options, data: prepared, root: root) {
                run = existing
                reused = true
                log("== \(label): reusing \(run.name)")
            } else {
                let words = filtered(options.words, for: type) + familyWords + (options.familyWords[label] ?? [])
                run = try train(type, words: words, data: prepared, runName: runName, features: features, options: options,
                                root: root, log: log, stopRequested: stopRequested)
            }
            var entry = try evaluate(run, label: label, features: features, options: options)
            entry.reused = reused
            entry.note = note
            entries.append(entry)
            // Ten samples from the sampler FID scored (a diffusion model's `--sample-steps` DDIM, not its full chain).
            let trained = try TrainedRun(run)
            var rng = RandomGenerator(seed: options.seed)
            if let sampler = trained.model as? any SamplingModel { grids.append((label, trained.pictures(sampler.sample(10, rng: &rng)))) }
        }
        let target = options.fidTarget ?? entries.compactMap(\.fid).max()
        for i in entries.indices {
            entries[i].cpuMinutesToTarget = target.flatMap { t in entries[i].curve.first { $0.fid <= t }.map { $0.cpuSeconds / 60 } }
        }
        let scores = try entries.map { RunEvaluation.scores(try RunDirectory.open($0.run, root: root)) }
        let floor = scores[0]["fid_real_vs_real"]
        let likelihoodImages = scores.lazy.compactMap { $0.values.first { $0.kind == .likelihood }?.images }.first
        let result = ZooResult(name: name, data: first.name, budget: options.budget, entries: entries, featureRun: features.name,
                               featureFamily: features.config.family, fidFloor: floor.map { ($0.value, $0.standardDeviation ?? 0) },
                               fidTarget: target, realImages: scores[0]["fid"]?.images, likelihoodImages: likelihoodImages,
                               samples: options.samples)
        let folder = root + "/" + name
        try result.write(to: folder)
        try ImageGrid.stackedRows(grids.map(\.1), captions: grids.map(\.0)).write(to: folder + "/samples.png")
        return result
    }

    /// The options of `words` that `type` takes (each "--flag value" or "--flag=value" pair), so one list serves every family.
    static func filtered(_ words: [String], for type: any TrainableModel.Type) -> [String] {
        let names = Set(type.settingNames)
        var out: [String] = [], i = 0
        while i < words.count {
            let word = words[i]
            let flag = String(word.drop { $0 == "-" }.prefix { $0 != "=" })
            let inline = word.contains("=")
            let hasValue = !inline && i + 1 < words.count && !(words[i + 1].hasPrefix("--"))
            if word.hasPrefix("--") && names.contains(flag) { out += [word] + (hasValue ? [words[i + 1]] : []) }
            i += hasValue ? 2 : 1
        }
        return out
    }

    /// The named feature run, else the newest classifier (data with labels) or autoencoder on the data, else a
    /// classifier (or, without labels, a conv-ae) trained now as `<name>-features`.
    static func featureNetwork(_ options: ZooOptions, data: PreparedData, root: String, name: String,
                               log: @escaping (String) -> Void) throws -> RunDirectory {
        if let named = options.features { return try RunDirectory.open(named, root: root) }
        let candidates = RunDirectory.list(root: root).filter {
            $0.config.data.source == data.options.source && $0.config.imageShape == data.imageShape
                && FileManager.default.fileExists(atPath: $0.lastCheckpoint)
        }
        for family in SampleQualityEvaluation.featureFamilies where family != ClassifierModel.family || data.train.hasLabels {
            if let newest = candidates.last(where: { $0.config.family == family }) { return newest }
        }
        let type: any TrainableModel.Type = data.train.hasLabels ? ClassifierModel.self : ConvAutoencoderModel.self
        var o = options.data
        o.scale = type.defaultScale
        let prepared = try PreparedData.load(o)
        let words = ["--epochs", "\(options.featureEpochs)"] + filtered(options.words, for: type) + (options.familyWords[type.family] ?? [])
        let config = try type.runConfig(words, data: prepared, command: ["latent", "zoo"])
        log("== feature network: training \(type.family) for \(options.featureEpochs) epochs")
        let session = try TrainingSession.start(config: config, data: prepared, root: root, name: name + "-features", explicitName: false)
        session.quiet = true
        session.log = log
        try session.train()
        return session.run
    }

    /// `<name>-<label>` when it is finished, else the newest finished run of the family (for vae: with the same
    /// --iw-samples) on the same data.
    static func reusable(_ label: String, runName: String, type: any TrainableModel.Type, options: ZooOptions, data: PreparedData,
                         root: String) -> RunDirectory? {
        func finished(_ run: RunDirectory) -> Bool {
            guard FileManager.default.fileExists(atPath: run.lastCheckpoint) else { return false }
            if FileManager.default.fileExists(atPath: run.path + "/" + costFile) { return true }
            let last = run.metrics.epochRecords().last?["epoch"] as? Int
            return last == run.config.training.epochs
        }
        if let own = try? RunDirectory.open(runName, root: root), finished(own) { return own }
        let k = label == "iwae" ? options.iwSamples : 1
        return RunDirectory.list(root: root).last {
            $0.config.family == type.family && $0.config.data.source == data.options.source && $0.config.imageShape == data.imageShape
                && ($0.config.model as? VAEOptions).map { ($0.iwSamples ?? 1) == k } ?? true && finished($0)
        }
    }

    /// Trains one family in `options.points` segments, measuring FID after each and the CPU time of training alone.
    static func train(_ type: any TrainableModel.Type, words: [String], data: PreparedData, runName: String, features: RunDirectory,
                      options: ZooOptions, root: String, log: @escaping (String) -> Void,
                      stopRequested: @escaping () -> Int32?) throws -> RunDirectory {
        let epochs: Int
        switch options.budget {
        case .epochs(let e): epochs = e
        case .cpuMinutes: epochs = options.maxEpochs
        }
        let config = try type.runConfig(words + ["--epochs", "\(epochs)"], data: data, command: ["latent", "zoo"] + words)
        var cpu = 0.0
        var curve: [ZooEntry.Point] = []
        var run: RunDirectory?
        log("== \(runName): \(type.family), \(options.budget.description)")
        // Where each segment ends: an epoch count, or a share of the CPU budget.
        let segments: [Double]
        switch options.budget {
        case .epochs(let e):
            segments = Array(Set((1...options.points).map { Int((Double(e) * Double($0) / Double(options.points)).rounded(.up)) })).sorted().map(Double.init)
        case .cpuMinutes(let m):
            segments = (1...options.points).map { m * 60 * Double($0) / Double(options.points) }
        }
        for (index, end) in segments.enumerated() {
            let session: TrainingSession
            if case .epochs = options.budget {
                if let run {
                    session = try TrainingSession.resume(run.path, root: root, changes: ResumeChanges(arguments: ["--epochs", "\(Int(end))"]))
                } else {
                    var c = config
                    c.training.epochs = Int(end)
                    session = try TrainingSession.start(config: c, data: data, root: root, name: runName, explicitName: true)
                }
                session.stopRequested = stopRequested
            } else {
                session = try run.map { try TrainingSession.resume($0.path, root: root) }
                    ?? TrainingSession.start(config: config, data: data, root: root, name: runName, explicitName: true)
                let before = cpu, start = ProcessCPUTime.seconds
                session.stopRequested = { stopRequested() ?? (before + ProcessCPUTime.seconds - start >= end ? budgetSignal : nil) }
            }
            session.quiet = true
            session.log = log
            run = session.run
            let start = ProcessCPUTime.seconds
            do {
                try session.train()
            } catch let stop as TrainingInterrupted where stop.signal == budgetSignal && stopRequested() == nil {
                // This segment's share of the CPU budget is spent: the checkpoint holds the model where it stopped.
            }
            cpu += ProcessCPUTime.seconds - start
            let seen = try imagesSeen(session.run, trainingImages: data.train.count)
            if index < segments.count - 1 {
                guard let sampler = try TrainedRun(session.run).model as? any SamplingModel else { continue }
                let r = try SampleQualityEvaluation.evaluate(session.run, model: sampler, features: features, options: .init(
                    fid: true, samples: options.samples, floorDraws: 1, testLimit: options.testLimit, seed: options.seed))
                if let fid = r.fid { curve.append(.init(cpuSeconds: cpu, imagesSeen: seen.images, fid: fid)) }
                log(String(format: "   %@: %.1f CPU-s, %d images seen, FID %.3g", session.run.name, cpu, seen.images, r.fid ?? .nan))
            } else {
                try write(Cost(cpuSeconds: cpu, imagesSeen: seen.images, epochs: seen.epochs, budget: options.budget.description, curve: curve),
                          into: session.run)
                log(String(format: "   %@: %.1f CPU-s, %d images seen (%.2f epochs)", session.run.name, cpu, seen.images, seen.epochs))
            }
        }
        guard let run else { throw LatentError.invalidArgument("no run was trained for \(type.family)") }
        return run
    }

    /// The signal number a spent CPU budget stops training with (SIGXCPU).
    static let budgetSignal: Int32 = 24

    /// Epochs (with the fraction of a stopped one) and training images the run's last checkpoint has seen.
    static func imagesSeen(_ run: RunDirectory, trainingImages: Int) throws -> (images: Int, epochs: Double) {
        let checkpoint = try TrainingCheckpoint.load(from: run.lastCheckpoint, family: run.config.family)
        let partial = checkpoint.progress?.seen ?? 0
        return (checkpoint.epoch * trainingImages + partial, Double(checkpoint.epoch) + Double(partial) / Double(Swift.max(trainingImages, 1)))
    }

    static func write(_ cost: Cost, into run: RunDirectory) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(cost), to: URL(fileURLWithPath: run.path + "/" + costFile))
    }

    /// The same evaluation as `latent evaluate --fid --kid --pr` and `latent evaluate --nll-samples K`, recorded in
    /// the run's evaluation.json; the entry's numbers are read back from that file.
    static func evaluate(_ run: RunDirectory, label: String, features: RunDirectory, options: ZooOptions) throws -> ZooEntry {
        let trained = try TrainedRun(run)
        guard let sampler = trained.model as? any SamplingModel else {
            throw LatentError.invalidArgument("\(run.name) (\(run.config.family)) does not generate images")
        }
        _ = try SampleQualityEvaluation.evaluate(run, model: sampler, features: features, options: .init(
            fid: true, kid: true, precisionRecall: true, samples: options.samples,
            kidSubsetSize: Swift.min(1_000, options.samples), testLimit: options.testLimit, seed: options.seed))
        // The same network at initialisation (the run's seed), scored with the same samples and features.
        var initRNG = RandomGenerator(seed: run.config.training.seed)
        let untrained = try run.config.buildModel(rng: &initRNG) as? any SamplingModel
        let start = try untrained.map {
            try SampleQualityEvaluation.score(run, model: $0, features: features, options: .init(
                fid: true, samples: options.samples, testLimit: options.testLimit, seed: options.seed, progress: false))
        }
        var reason: String?
        if let scorer = trained.model as? any LikelihoodModel {
            let k = run.config.family == DDPMModel.family ? 0 : options.nllSamples
            _ = try LikelihoodEvaluation.evaluate(run, model: scorer, options: .init(nllSamples: k, testLimit: options.testLimit, seed: options.seed))
        } else {
            reason = run.config.family == AAEModel.family
                ? "deterministic encoder and an adversarial prior: no density"
                : "implicit model: samples without a density"
        }
        let scores = RunEvaluation.scores(run)
        let likelihoodName = ["test_is_nll", "test_bits_per_dim"].first { scores[$0] != nil }
        if reason == nil && likelihoodName == nil { reason = "no importance-sampled NLL (--nll-samples 0)" }
        let cost = (try? Data(contentsOf: URL(fileURLWithPath: run.path + "/" + costFile))).flatMap { try? JSONDecoder().decode(Cost.self, from: $0) }
        let epochs = cost?.epochs ?? Double(run.metrics.epochRecords().last?["epoch"] as? Int ?? trained.epoch)
        var curve = cost?.curve ?? []
        if let cost, let fid = scores["fid"]?.value { curve.append(.init(cpuSeconds: cost.cpuSeconds, imagesSeen: cost.imagesSeen, fid: fid)) }
        return ZooEntry(label: label, family: run.config.family, run: run.name, reused: false, note: "", epochs: epochs,
                        imagesSeen: cost?.imagesSeen, cpuSeconds: cost?.cpuSeconds,
                        fid: scores["fid"]?.value, fidAtStart: start?.fid, kid: scores["kid"]?.value, kidStandardDeviation: scores["kid"]?.standardDeviation,
                        precision: scores["precision"]?.value, recall: scores["recall"]?.value,
                        likelihoodName: likelihoodName.map { String($0.dropFirst(5)) }, likelihood: likelihoodName.flatMap { scores[$0]?.value },
                        likelihoodReason: reason, curve: curve, cpuMinutesToTarget: nil)
    }
}

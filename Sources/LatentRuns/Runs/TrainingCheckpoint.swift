import Foundation
import LatentTensor
import LatentData

/// What `--resume` needs: the model's and the optimizer's tensors, how far
/// training got, and every random generator's state, in one safetensors file
/// written atomically (tensors prefixed `model.` and `optimizer.`, the rest in
/// the metadata). A checkpoint written between epochs has `progress == nil`;
/// one written when a run is stopped mid-epoch (Ctrl-C) holds the position in
/// the epoch, so a resumed run continues with exactly the batches it would
/// have seen.
///
/// ```swift
/// let c = try TrainingCheckpoint.load(from: run.lastCheckpoint, family: "vae", epochs: 10)
/// print(c.epoch, c.progress?.steps ?? 0)
/// ```
public struct TrainingCheckpoint {
    public var model: [String: Tensor]
    public var optimizer: [String: Tensor]
    /// Epochs fully done.
    public var epoch: Int
    /// The training generator's state at the moment of saving.
    public var rng: RandomGenerator
    public var family: String
    /// Where in epoch `epoch + 1` training stopped, when it stopped mid-epoch.
    public var progress: EpochProgress?
    /// Generators owned by layers (Dropout), by name.
    public var randomStates: [String: RandomGenerator] = [:]
    /// The per-epoch metrics record of epoch `epoch`, so that a run killed
    /// between saving this file and appending its metrics line loses nothing.
    public var record: [String: Any]?
    /// The loss magnitude divergence is measured against (see `TrainingOptions.divergenceFactor`).
    public var lossScale: Double?

    public init(model: [String: Tensor], optimizer: [String: Tensor], epoch: Int, rng: RandomGenerator, family: String) {
        self.model = model
        self.optimizer = optimizer
        self.epoch = epoch
        self.rng = rng
        self.family = family
    }

    /// The most epochs a checkpoint may claim (a config allows as many).
    public static let maxEpochs = 1_000_000

    public func save(to path: String) throws {
        var tensors: [String: Tensor] = [:]
        for (k, v) in model { tensors["model." + k] = v }
        for (k, v) in optimizer { tensors["optimizer." + k] = v }
        var metadata = ["family": family, "epoch": String(epoch), "rng": Self.encode(rng),
                        "latent_version": LatentVersion.string]
        if let progress { metadata["progress"] = try Self.json(progress.dictionary) }
        if !randomStates.isEmpty { metadata["random_states"] = try Self.json(randomStates.mapValues(Self.encode)) }
        if let record { metadata["record"] = try Self.json(record.mapValues(MetricsLog.jsonSafe)) }
        if let lossScale { metadata["loss_scale"] = String(lossScale) }
        do {
            try Safetensors.save(tensors, metadata: metadata, to: URL(fileURLWithPath: path))
        } catch let error as LatentError {
            throw error
        } catch {
            throw LatentError.invalidFile(path: path, reason: "cannot write the checkpoint: \(UserFacingError.fileReason(error as NSError))")
        }
    }

    /// Reads and range-checks a checkpoint. With `family`, a checkpoint of
    /// another family is refused; with `epochs`, one that claims more epochs
    /// than the run has is refused.
    public static func load(from path: String, family expectedFamily: String? = nil, epochs: Int? = nil) throws -> TrainingCheckpoint {
        let url = URL(fileURLWithPath: path)
        guard FileManager.default.fileExists(atPath: path) else {
            throw LatentError.invalidFile(path: path, reason: "no checkpoint (was the run stopped before its first epoch ended?)")
        }
        let (tensors, meta) = try Safetensors.loadWithMetadata(from: url)
        func refuse(_ field: String, _ why: String) -> LatentError {
            .invalidFile(path: path, reason: "checkpoint metadata '\(field)' \(why)")
        }
        guard let family = meta["family"], let epochText = meta["epoch"], let rngText = meta["rng"] else {
            throw LatentError.invalidFile(path: path, reason: "not a Latent training checkpoint (metadata lacks epoch, family or rng)")
        }
        if let expectedFamily, family != expectedFamily {
            throw refuse("family", "is '\(family.prefix(40))', but the run trains '\(expectedFamily)'")
        }
        guard let epoch = Int(epochText), (0...maxEpochs).contains(epoch) else {
            throw refuse("epoch", "is '\(epochText.prefix(40))', expected an integer in 0…\(maxEpochs)")
        }
        if let epochs, epoch > epochs {
            throw refuse("epoch", "is \(epoch), more than the run's \(epochs) epochs")
        }
        var checkpoint = TrainingCheckpoint(model: [:], optimizer: [:], epoch: epoch,
                                            rng: try decodeGenerator(rngText, field: "rng", path: path), family: family)
        if let text = meta["progress"] {
            checkpoint.progress = try EpochProgress(try object(text, field: "progress", path: path), path: path)
        }
        if let text = meta["random_states"] {
            for (name, value) in try object(text, field: "random_states", path: path) {
                guard let words = value as? String else { throw refuse("random_states", "holds a non-string state for '\(name)'") }
                checkpoint.randomStates[name] = try decodeGenerator(words, field: "random_states.\(name)", path: path)
            }
        }
        if let text = meta["record"] { checkpoint.record = try object(text, field: "record", path: path) }
        if let text = meta["loss_scale"] {
            guard let v = Double(text), v.isFinite, v > 0 else { throw refuse("loss_scale", "is '\(text.prefix(40))', expected a finite number > 0") }
            checkpoint.lossScale = v
        }
        for (k, v) in tensors {
            if k.hasPrefix("model.") { checkpoint.model[String(k.dropFirst(6))] = v }
            else if k.hasPrefix("optimizer.") { checkpoint.optimizer[String(k.dropFirst(10))] = v }
        }
        return checkpoint
    }

    static func encode(_ g: RandomGenerator) -> String {
        [g.s0, g.s1, g.s2, g.s3].map { String($0, radix: 16) }.joined(separator: ",")
    }

    static func decodeGenerator(_ text: String, field: String, path: String) throws -> RandomGenerator {
        let words = text.split(separator: ",", omittingEmptySubsequences: false).map { UInt64($0, radix: 16) }
        guard words.count == 4, words.allSatisfy({ $0 != nil }), words.contains(where: { $0 != 0 }) else {
            throw LatentError.invalidFile(path: path, reason: "checkpoint metadata '\(field)' is not a random-generator state (four hex words, not all zero)")
        }
        var rng = RandomGenerator(seed: 0)
        (rng.s0, rng.s1, rng.s2, rng.s3) = (words[0]!, words[1]!, words[2]!, words[3]!)
        return rng
    }

    static func json(_ object: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    static func object(_ text: String, field: String, path: String) throws -> [String: Any] {
        guard let o = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else {
            throw LatentError.invalidFile(path: path, reason: "checkpoint metadata '\(field)' is not a JSON object")
        }
        return o
    }
}

/// How far into an epoch training got: enough to continue it exactly.
public struct EpochProgress: Sendable {
    /// Mini-batches of the epoch already done.
    public var steps: Int
    /// Images seen in those batches.
    public var seen: Int
    /// Running sums (value × batch size) of the step metrics, in the order the model reports them.
    public var sums: [(String, Double)]
    /// The generator as it was when the epoch began (it shuffles the batches).
    public var epochStart: RandomGenerator
    /// In the first epoch: the sum and count of |loss| so far, from which the divergence guard's scale is set.
    public var lossMagnitude: (sum: Double, count: Int)

    public init(steps: Int, seen: Int, sums: [(String, Double)], epochStart: RandomGenerator, lossMagnitude: (sum: Double, count: Int) = (0, 0)) {
        self.steps = steps
        self.seen = seen
        self.sums = sums
        self.epochStart = epochStart
        self.lossMagnitude = lossMagnitude
    }

    var dictionary: [String: Any] {
        ["steps": steps, "seen": seen, "keys": sums.map(\.0), "sums": sums.map { String($0.1.bitPattern, radix: 16) },   // exact, unlike a decimal

         "epoch_start": TrainingCheckpoint.encode(epochStart),
         "magnitude_sum": String(lossMagnitude.sum.bitPattern, radix: 16), "magnitude_count": lossMagnitude.count]
    }

    init(_ d: [String: Any], path: String) throws {
        func refuse(_ why: String) -> LatentError { .invalidFile(path: path, reason: "checkpoint metadata 'progress' \(why)") }
        guard let steps = d["steps"] as? Int, steps >= 1, steps <= 1 << 40,
              let seen = d["seen"] as? Int, seen >= steps, seen <= 1 << 50 else {
            throw refuse("has no valid 'steps' and 'seen' counts")
        }
        guard let keys = d["keys"] as? [String], let words = d["sums"] as? [String], keys.count == words.count,
              case let values = words.compactMap({ UInt64($0, radix: 16).map(Double.init(bitPattern:)) }),
              values.count == keys.count, values.allSatisfy(\.isFinite) else {
            throw refuse("has no valid running sums")
        }
        guard let start = d["epoch_start"] as? String else { throw refuse("lacks 'epoch_start'") }
        guard let sumText = d["magnitude_sum"] as? String, let bits = UInt64(sumText, radix: 16), Double(bitPattern: bits).isFinite,
              Double(bitPattern: bits) >= 0, let count = d["magnitude_count"] as? Int, count >= 0, count <= steps else {
            throw refuse("has no valid loss magnitude")
        }
        self.init(steps: steps, seen: seen, sums: Array(zip(keys, values)),
                  epochStart: try TrainingCheckpoint.decodeGenerator(start, field: "progress.epoch_start", path: path),
                  lossMagnitude: (Double(bitPattern: bits), count))
    }
}

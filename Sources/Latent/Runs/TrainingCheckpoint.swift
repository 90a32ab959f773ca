import Foundation

/// What `--resume` needs: the model's and the optimizer's tensors, the epoch
/// finished and the random generator's state, in one safetensors file
/// written atomically (tensors prefixed `model.` and `optimizer.`, the rest in
/// the metadata).
public struct TrainingCheckpoint {
    public var model: [String: Tensor]
    public var optimizer: [String: Tensor]
    public var epoch: Int
    public var rng: RandomGenerator
    public var family: String

    public init(model: [String: Tensor], optimizer: [String: Tensor], epoch: Int, rng: RandomGenerator, family: String) {
        self.model = model
        self.optimizer = optimizer
        self.epoch = epoch
        self.rng = rng
        self.family = family
    }

    public func save(to path: String) throws {
        var tensors: [String: Tensor] = [:]
        for (k, v) in model { tensors["model." + k] = v }
        for (k, v) in optimizer { tensors["optimizer." + k] = v }
        let state = [rng.s0, rng.s1, rng.s2, rng.s3].map { String($0, radix: 16) }.joined(separator: ",")
        try Safetensors.save(tensors, metadata: ["family": family, "epoch": String(epoch), "rng": state,
                                                 "latent_version": LatentVersion.string],
                             to: URL(fileURLWithPath: path))
    }

    public static func load(from path: String) throws -> TrainingCheckpoint {
        let url = URL(fileURLWithPath: path)
        guard FileManager.default.fileExists(atPath: path) else {
            throw LatentError.invalidFile(path: path, reason: "no checkpoint (was the run stopped before its first epoch ended?)")
        }
        let tensors = try Safetensors.load(from: url)
        let meta = try Safetensors.metadata(from: url)
        guard let epochText = meta["epoch"], let epoch = Int(epochText), let family = meta["family"],
              let rngText = meta["rng"] else {
            throw LatentError.invalidFile(path: path, reason: "not a Latent training checkpoint (metadata lacks epoch, family or rng)")
        }
        let words = rngText.split(separator: ",").compactMap { UInt64($0, radix: 16) }
        guard words.count == 4 else { throw LatentError.invalidFile(path: path, reason: "corrupt random-generator state '\(rngText)'") }
        var rng = RandomGenerator(seed: 0)
        (rng.s0, rng.s1, rng.s2, rng.s3) = (words[0], words[1], words[2], words[3])
        var model: [String: Tensor] = [:], optimizer: [String: Tensor] = [:]
        for (k, v) in tensors {
            if k.hasPrefix("model.") { model[String(k.dropFirst(6))] = v }
            else if k.hasPrefix("optimizer.") { optimizer[String(k.dropFirst(10))] = v }
        }
        return TrainingCheckpoint(model: model, optimizer: optimizer, epoch: epoch, rng: rng, family: family)
    }
}

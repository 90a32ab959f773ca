import Foundation
import LatentData
import LatentExperiments
import LatentModels
import LatentRuns
import LatentTensor

/// The Gibbs page's sampler for an RBM or DBM run: chains of block Gibbs steps run on demand, from random binary
/// images (each pixel on with its training frequency) or from test images, with the visible probabilities shown
/// at evenly spaced steps. Each shown frame continues from a binary draw of the previous one, so the frames are one
/// chain; a DBM's hidden layers restart from mean-field at each frame.
///
/// ```swift
/// let gibbs = try GibbsChain(run: RunDirectory.open("runs/rbm-mnist"))
/// let frames = try gibbs.run(GibbsChain.Request(steps: 100, count: 8, frames: 5, start: .test, seed: 1))
/// // frames[0].step == 0 (the start), frames[5].step == 100; each holds 8 PNG images
/// ```
public final class GibbsChain: @unchecked Sendable {
    public enum Start: String, Sendable { case random, test }

    /// One request, bounded: at most `maxSteps` steps, `maxCount` chains and `maxFrames` frames after the start.
    public struct Request: Sendable, Equatable {
        public var steps: Int
        public var count: Int
        public var frames: Int
        public var start: Start
        public var seed: UInt64

        public init(steps: Int = 100, count: Int = 8, frames: Int = 5, start: Start = .random, seed: UInt64 = 0) {
            self.steps = steps
            self.count = count
            self.frames = frames
            self.start = start
            self.seed = seed
        }

        /// From `k`, `n`, `frames`, `start` and `seed` of a query; out-of-range values are refused in one line.
        public init(query: [String: String]) throws {
            self.init()
            func number(_ key: String, _ range: ClosedRange<Int>) throws -> Int? {
                guard let word = query[key] else { return nil }
                guard let v = Int(word), range.contains(v) else {
                    throw LatentError.invalidArgument("\(key)= needs a whole number from \(range.lowerBound) to \(range.upperBound), got '\(word.prefix(20))'")
                }
                return v
            }
            steps = try number("k", 1...GibbsChain.maxSteps) ?? steps
            count = try number("n", 1...GibbsChain.maxCount) ?? count
            frames = try number("frames", 1...GibbsChain.maxFrames) ?? frames
            seed = UInt64(try number("seed", 0...Int(Int32.max)) ?? 0)
            if let word = query["start"] {
                guard let s = Start(rawValue: word) else { throw LatentError.invalidArgument("start= is random or test, got '\(word.prefix(20))'") }
                start = s
            }
            frames = Swift.min(frames, steps)
        }
    }

    /// The chain after `step` Gibbs steps: one PNG per chain.
    public struct Frame: Sendable {
        public let step: Int
        public let images: [Data]
    }

    public static let maxSteps = 1_000
    public static let maxCount = 16
    public static let maxFrames = 10

    public let name: String
    let trained: TrainedRun
    let model: any GibbsSamplingModel
    let lock = NSLock()

    public init(run: RunDirectory) throws {
        let trained = try TrainedRun(run)
        guard let model = trained.model as? any GibbsSamplingModel else {
            let families = ModelRegistry.families.filter { $0 is any GibbsSamplingModel.Type }.map { $0.family }
            throw LatentError.invalidArgument("\(run.name) (\(run.config.family)) is not sampled by Gibbs steps; \(families.joined(separator: ", ")) are")
        }
        self.trained = trained
        self.model = model
        name = run.name
    }

    /// Runs `request.count` chains for `request.steps` steps and returns the start and `request.frames` frames.
    public func run(_ request: Request) throws -> [Frame] {
        precondition((1...GibbsChain.maxSteps).contains(request.steps) && (1...GibbsChain.maxCount).contains(request.count))
        var rng = RandomGenerator(seed: request.seed)
        let width = trained.imageShape.reduce(1, *)
        var state: Tensor?
        if request.start == .test {
            let test = try trained.testImages(limit: request.count)
            state = test.images.reshaped([test.count, width])
        }
        lock.lock()
        defer { lock.unlock() }
        // The random start is what the model itself starts from: a chain of 0 steps returns it.
        var frames: [Frame] = []
        let shown = Swift.min(request.frames, request.steps)
        var done = 0
        if state == nil {
            var first = rng
            state = model.sample(request.count, gibbsSteps: 0, from: nil, rng: &first)
            rng = first
        }
        frames.append(Frame(step: 0, images: try pngs(state!)))
        for i in 1...shown {
            let target = request.steps * i / shown
            let probabilities = model.sample(state!.shape[0], gibbsSteps: target - done, from: state, rng: &rng)
            done = target
            frames.append(Frame(step: done, images: try pngs(probabilities)))
            state = Tensor.bernoulli(probabilities.clamped(min: 0, max: 1), rng: &rng)
        }
        return frames
    }

    func pngs(_ rows: Tensor) throws -> [Data] {
        let pictures = trained.pictures(rows)
        return try (0..<pictures.shape[0]).map { try PNGImage(tensor: pictures.rows($0..<$0 + 1).reshaped(trained.imageShape)).encoded() }
    }

    /// What the Gibbs page draws: each frame's step and its images as data URLs.
    public static func json(_ frames: [Frame], request: Request, name: String) -> [String: Any] {
        ["name": name, "k": request.steps, "n": request.count, "start": request.start.rawValue, "seed": request.seed,
         "frames": frames.map { f in ["step": f.step, "images": f.images.map { "data:image/png;base64," + $0.base64EncodedString() }] }]
    }
}

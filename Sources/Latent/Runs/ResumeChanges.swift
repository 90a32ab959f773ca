/// What a `--resume` asks to change. A resumed run keeps its settings: more
/// epochs are always fine; a training-loop setting that differs from the
/// run's (learning rate, batch size, …) is refused with the list of
/// differences unless `override` is set, and then recorded in config.json as
/// a `RunChange`; anything that would change the model or the data
/// (`refused`) is refused outright.
///
/// ```swift
/// var changes = ResumeChanges()
/// changes.epochs = 20
/// changes.learningRate = 1e-4
/// changes.override = true
/// let session = try TrainingSession.resume("vae-mnist", root: "runs", changes: changes)
/// ```
public struct ResumeChanges: Sendable {
    public var epochs: Int?
    public var learningRate: Float?
    public var batchSize: Int?
    public var clipNorm: Float?
    public var imageEvery: Int?
    public var divergenceFactor: Float?
    /// Apply the differing training-loop settings instead of refusing them.
    public var override = false
    /// Options given that would change the model, the data or the random
    /// stream (as typed, e.g. "--hidden"): never applied to an existing run.
    public var refused: [String] = []

    public init() {}

    /// The settings that differ from `training`, as (flag, run's value, new value).
    func differences(from training: TrainingOptions) -> [(flag: String, old: String, new: String)] {
        var d: [(String, String, String)] = []
        func check<T: Equatable>(_ flag: String, _ new: T?, _ old: T, _ show: (T) -> String) {
            if let new, new != old { d.append((flag, show(old), show(new))) }
        }
        check("--lr", learningRate, training.learningRate) { "\($0)" }
        check("--batch", batchSize, training.batchSize) { "\($0)" }
        check("--image-every", imageEvery, training.imageEvery) { "\($0)" }
        if let clipNorm, clipNorm != training.clipNorm { d.append(("--clip-norm", training.clipNorm.map { "\($0)" } ?? "none", "\(clipNorm)")) }
        let factor = training.divergenceFactor ?? TrainingOptions.defaultDivergenceFactor
        check("--divergence-factor", divergenceFactor, factor) { "\($0)" }
        return d
    }

    func apply(to training: inout TrainingOptions) {
        if let learningRate { training.learningRate = learningRate }
        if let batchSize { training.batchSize = batchSize }
        if let imageEvery { training.imageEvery = imageEvery }
        if let clipNorm { training.clipNorm = clipNorm }
        if let divergenceFactor { training.divergenceFactor = divergenceFactor }
    }
}

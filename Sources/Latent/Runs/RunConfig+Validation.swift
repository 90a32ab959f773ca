/// Range checks for a configuration read back from config.json: a file edited
/// by hand (batch size 0, a negative epoch count, a NaN learning rate) is
/// refused in one line before anything runs with it.
extension RunConfig {
    /// Throws a `LatentError` naming `path` and the first field out of range.
    ///
    /// ```swift
    /// try config.validate(path: "runs/a/config.json")
    /// ```
    public func validate(path: String) throws {
        func refuse(_ field: String, _ value: Any, _ expected: String) -> LatentError {
            .invalidFile(path: path, reason: "field '\(field)' is \(value), expected \(expected)")
        }
        let t = training
        guard (1...1_000_000).contains(t.epochs) else { throw refuse("training.epochs", t.epochs, "1…1000000") }
        guard (1...1_000_000).contains(t.batchSize) else { throw refuse("training.batchSize", t.batchSize, "1…1000000") }
        guard t.learningRate.isFinite, t.learningRate > 0 else { throw refuse("training.learningRate", t.learningRate, "a finite number > 0") }
        guard t.momentum.isFinite, t.momentum >= 0, t.momentum < 1 else { throw refuse("training.momentum", t.momentum, "a number in [0, 1)") }
        if let c = t.clipNorm { guard c.isFinite, c > 0 else { throw refuse("training.clipNorm", c, "a finite number > 0") } }
        guard t.imageEvery >= 0 else { throw refuse("training.imageEvery", t.imageEvery, "≥ 0") }
        if let f = t.divergenceFactor { guard f.isFinite, f == 0 || f > 1 else { throw refuse("training.divergenceFactor", f, "0 (off) or a number > 1") } }
        if let v = data.validation { guard v >= 0 else { throw refuse("data.validation", v, "≥ 0") } }
        if let l = data.limit { guard l >= 1 else { throw refuse("data.limit", l, "≥ 1") } }
        if let l = data.testLimit { guard l >= 1 else { throw refuse("data.testLimit", l, "≥ 1") } }
        if let m = data.maxBytes { guard m >= 1 else { throw refuse("data.maxBytes", m, "≥ 1") } }
        guard imageShape.count == 3, imageShape.allSatisfy({ (1...65_536).contains($0) }) else {
            throw refuse("imageShape", imageShape, "[channels, height, width], each 1…65536")
        }
    }
}

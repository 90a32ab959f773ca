import LatentTensor
import LatentModels

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
        // The loop's and the family's options, checked as if typed on the command line.
        do {
            try OptionParser(specs: TrainingOptions.specs, owner: "training").check(training)
        } catch LatentError.invalidArgument(let message) {
            throw LatentError.invalidFile(path: path, reason: "in 'training': " + message)
        }
        do {
            try ModelRegistry.family(family).check(model)
        } catch LatentError.invalidArgument(let message) {
            throw LatentError.invalidFile(path: path, reason: "in 'model': " + message)
        }
        if let v = data.validation { guard v >= 0 else { throw refuse("data.validation", v, "≥ 0") } }
        if let l = data.limit { guard l >= 1 else { throw refuse("data.limit", l, "≥ 1") } }
        if let l = data.testLimit { guard l >= 1 else { throw refuse("data.testLimit", l, "≥ 1") } }
        if let m = data.maxBytes { guard m >= 1 else { throw refuse("data.maxBytes", m, "≥ 1") } }
        guard imageShape.count == 3, imageShape.allSatisfy({ (1...65_536).contains($0) }) else {
            throw refuse("imageShape", imageShape, "[channels, height, width], each 1…65536")
        }
    }
}

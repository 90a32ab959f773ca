import LatentTensor
import LatentModels

/// What a `--resume` asks to change, as command-line words. A resumed run
/// keeps its settings: more epochs are always fine; a setting that may change
/// between epochs (learning rate, batch size, clipping, …: the options marked
/// `resumable`) is refused with the list of differences unless `override` is
/// set, and then recorded in config.json as a `RunChange`; any other option
/// (one that would change the model, the data or the random stream) is refused outright.
///
/// ```swift
/// let changes = ResumeChanges(arguments: ["--epochs", "20", "--lr", "1e-4"], override: true)
/// let session = try TrainingSession.resume("vae-mnist", root: "runs", changes: changes)
/// ```
public struct ResumeChanges: Sendable {
    /// Options of the run's family and training loop, as typed ("--epochs", "20").
    public var arguments: [String]
    /// Apply the differing settings instead of refusing them.
    public var override: Bool

    public init(arguments: [String] = [], override: Bool = false) {
        self.arguments = arguments
        self.override = override
    }
}

/// A run's settings with a resume's changes applied.
struct ResumePlan {
    var training: TrainingOptions
    var model: any FamilyOptions
    /// Settings that differ from the run's, except epochs: (flag, old, new).
    var differences: [(flag: String, old: String, new: String)]
}

extension TrainableModel {
    /// Applies `arguments` to a run's settings: only resumable options may be given.
    static func resumePlan(_ config: RunConfig, arguments: [String], runName: String) throws -> ResumePlan {
        let original = TrainingSettings(training: config.training, model: try typed(config.model))
        let parser = OptionParser(specs: settingSpecs, owner: "resume \(runName)")
        var settings = original
        let given = try parser.parse(arguments, into: &settings)
        let refused = given.filter { !(parser.spec($0)?.resumable ?? false) }.map { "--" + $0 }
        guard refused.isEmpty else {
            throw LatentError.invalidArgument("""
                \(refused.joined(separator: ", ")) would change the model, the data or the random stream of \
                \(runName); a resumed run keeps them. Start a new run (`latent train … --name NEW`) to change them.
                """)
        }
        let differences = parser.differences(from: original, to: settings).filter { $0.name != "epochs" }
        return ResumePlan(training: settings.training, model: settings.model,
                          differences: differences.map { ("--" + $0.name, $0.old, $0.new) })
    }
}

import LatentData
import LatentModels

/// What every family gets from its `optionSpecs` and the training loop's:
/// both in one list, parsing of command-line words, help, and a run's
/// configuration (the family-only steps are in `TrainableModel+Options`).
extension TrainableModel {
    /// The loop's defaults (with the family's epochs) and the family's options.
    public static var defaultSettings: TrainingSettings<Options> {
        TrainingSettings(training: TrainingOptions(epochs: defaultEpochs), model: defaultOptions)
    }

    /// The training loop's options followed by the family's.
    public static var settingSpecs: [OptionSpec<TrainingSettings<Options>>] {
        TrainingOptions.specs.map { $0.lifted(\TrainingSettings<Options>.training) }
            + optionSpecs.map { $0.lifted(\TrainingSettings<Options>.model) }
    }

    /// Parses the training loop's and the family's options of `latent train <family>`.
    ///
    /// ```swift
    /// let (settings, typed) = try VAEModel.parseSettings(["--epochs", "3", "--latent", "2"])
    /// ```
    public static func parseSettings(_ words: [String], owner: String? = nil) throws -> (settings: TrainingSettings<Options>, typed: [String]) {
        var settings = defaultSettings
        let typed = try OptionParser(specs: settingSpecs, owner: owner ?? "train \(family)").parse(words, into: &settings)
        return (settings, typed)
    }

    /// Help lines of the training loop's options and of the family's.
    public static var optionsHelp: String {
        let defaults = defaultSettings
        return "Training loop:\n" + OptionParser(specs: TrainingOptions.specs, owner: family).helpText(defaults: defaults.training)
            + "\n\n\(family) options:\n" + OptionParser(specs: optionSpecs, owner: family).helpText(defaults: defaults.model)
    }
}

extension TrainableModel {
    /// The configuration of a new run of this family from `latent train` words and loaded data.
    ///
    /// ```swift
    /// let config = try VAEModel.runConfig(["--epochs", "2", "--latent", "2"], data: prepared, command: ["latent", "train", "vae"])
    /// ```
    public static func runConfig(_ words: [String], data: PreparedData, command: [String]) throws -> RunConfig {
        let settings = try parseSettings(words).settings
        return RunConfig(family: family, command: command, data: data, training: settings.training, model: settings.model)
    }
}

extension TrainableModel {
    /// The seed `words` set (the loop's default when they do not).
    public static func runConfigSeed(_ words: [String]) throws -> UInt64 { try parseSettings(words).settings.training.seed }
}

extension TrainableModel {
    /// The names of every option `latent train <family>` takes: the loop's, then the family's.
    public static var settingNames: [String] { settingSpecs.map(\.name) }
}

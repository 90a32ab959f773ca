/// What every family gets from its `optionSpecs`: the training loop's options
/// and its own in one list, parsing of command-line words, checks of stored
/// options, and the type-erased steps that run folders need.
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

    /// Checks options read from a file (or built in code) as if they had been typed.
    public static func check(_ options: any FamilyOptions) throws {
        try OptionParser(specs: optionSpecs, owner: family).check(typed(options))
    }

    static func typed(_ options: any FamilyOptions) throws -> Options {
        guard let o = options as? Options else {
            throw LatentError.invalidArgument("\(family) takes \(Options.self), not \(type(of: options))")
        }
        return o
    }

    /// Decodes the family's options (the `model` of config.json).
    static func decodeOptions(from decoder: any Swift.Decoder) throws -> any FamilyOptions { try Options(from: decoder) }

    /// The legacy flat options converted to the family's.
    static func migrateErased(_ legacy: LegacyOptions) throws -> any FamilyOptions { try migrate(legacy) }

    /// A fresh model for a run's options.
    static func build(options: any FamilyOptions, context: ModelContext, rng: inout RandomGenerator) throws -> any TrainableModel {
        try Self(options: typed(options), context: context, rng: &rng)
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

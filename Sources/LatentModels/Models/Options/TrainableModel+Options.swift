import LatentTensor

/// What every family gets from its `optionSpecs` alone: checks of stored
/// options and the type-erased steps that run folders need (the training
/// loop's settings join them in `TrainableModel+Settings`, a layer up).
extension TrainableModel {
    /// Checks options read from a file (or built in code) as if they had been typed.
    public static func check(_ options: any FamilyOptions) throws {
        try OptionParser(specs: optionSpecs, owner: family).check(typed(options))
    }

    package static func typed(_ options: any FamilyOptions) throws -> Options {
        guard let o = options as? Options else {
            throw LatentError.invalidArgument("\(family) takes \(Options.self), not \(type(of: options))")
        }
        return o
    }

    /// Decodes the family's options (the `model` of config.json).
    package static func decodeOptions(from decoder: any Swift.Decoder) throws -> any FamilyOptions { try Options(from: decoder) }

    /// The legacy flat options converted to the family's.
    package static func migrateErased(_ legacy: LegacyOptions) throws -> any FamilyOptions { try migrate(legacy) }

    /// A fresh model for a run's options.
    package static func build(options: any FamilyOptions, context: ModelContext, rng: inout RandomGenerator) throws -> any TrainableModel {
        try Self(options: typed(options), context: context, rng: &rng)
    }
}

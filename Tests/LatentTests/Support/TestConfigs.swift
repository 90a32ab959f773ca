@testable import Latent

/// A run configuration of `family` from `latent train` options, keeping only
/// the options the family takes, so one list serves every family in a test.
///
/// ```swift
/// let config = try testConfig("rbm", data: d, [("epochs", "2"), ("latent", "2"), ("hidden", "16")])   // --latent dropped
/// ```
func testConfig(_ family: String, data: PreparedData, _ options: [(String, String)]) throws -> RunConfig {
    let type = try ModelRegistry.family(family)
    let names = Set(type.settingNames)
    let words = options.filter { names.contains($0.0) }.map { "--\($0.0)=\($0.1)" }
    return try type.runConfig(words, data: data, command: ["test"])
}

/// A fresh model built from `config`, cast to the family's class.
func buildModel<M: TrainableModel>(_ config: RunConfig, as type: M.Type, seed: UInt64 = 1) throws -> M {
    var rng = RandomGenerator(seed: seed)
    return try config.buildModel(rng: &rng) as! M
}

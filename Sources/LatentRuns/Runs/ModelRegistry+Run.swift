import LatentTensor
import LatentModels

/// Run folders sit a layer above the families, so loading a family from one lives here.
extension ModelRegistry {
    /// Rebuilds a run's model from its configuration and checkpoint.
    ///
    /// ```swift
    /// let (model, epoch) = try ModelRegistry.load(try RunDirectory.open("vae-1"))
    /// ```
    public static func load(_ run: RunDirectory, checkpoint: String? = nil) throws -> (model: any TrainableModel, epoch: Int) {
        var rng = RandomGenerator(seed: run.config.training.seed)
        let model = try run.config.buildModel(rng: &rng)
        let saved = try TrainingCheckpoint.load(from: checkpoint ?? run.lastCheckpoint)
        do {
            try model.loadModelState(saved.model)
        } catch {
            throw LatentError.invalidFile(path: checkpoint ?? run.lastCheckpoint, reason: "does not fit the run's model: \(error)")
        }
        return (model, saved.epoch)
    }
}

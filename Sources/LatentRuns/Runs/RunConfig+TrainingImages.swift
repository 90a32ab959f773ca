import LatentTensor
import LatentModels

extension RunConfig {
    /// A fresh model of the run's family whose `ModelContext` also knows the size of the training set it
    /// will see (`trainingImages`): how `TrainingSession` builds the model it trains.
    ///
    /// ```swift
    /// let model = try config.buildModel(rng: &rng, trainingImages: data.train.count)
    /// ```
    public func buildModel(rng: inout RandomGenerator, trainingImages: Int) throws -> any TrainableModel {
        var context = modelContext
        context.trainingImages = trainingImages
        return try ModelRegistry.family(family).build(options: model, context: context, rng: &rng)
    }
}

import ArgumentParser
import Foundation
import Latent

/// Opens a run and rebuilds its model from the last checkpoint.
func loadRun(_ target: RunArgument) throws -> (RunDirectory, any TrainableModel) {
    BLAS.configureFromEnvironment()
    let run = try target.open()
    let (model, _) = try ModelRegistry.load(run)
    return (run, model)
}

/// Images of a run's data in [0, 1] for display.
func display(_ t: Tensor, _ run: RunDirectory) -> Tensor {
    let images = t.reshaped([-1] + run.config.imageShape)
    return run.config.data.scale.toUnit(images)
}

/// The run's test images (prepared exactly as for training) and their labels.
func testImages(_ run: RunDirectory) throws -> (images: Tensor, labels: [Int]) {
    let data = try PreparedData.load(run.config.data)
    return (data.evaluationImages(data.test), data.test.labels)
}

import ArgumentParser
import Foundation
import Latent

/// Opens a run named on the command line and rebuilds its model from the last checkpoint.
/// `--threads` (else `LATENT_THREADS`, else the count the run's training measured best, else 1) sets the
/// compute threads first.
func openRun(_ target: RunArgument) throws -> TrainedRun {
    BLAS.configureFromEnvironment()
    let run = try target.open()
    if let threads = target.threads {
        BLAS.threads = threads
    } else if !BLAS.setsThreadCount(), let recorded = run.config.threads {
        BLAS.threads = recorded
    }
    return try TrainedRun(run)
}

/// Opens a run and rebuilds its model from the last checkpoint.
func loadRun(_ target: RunArgument) throws -> (RunDirectory, any TrainableModel) {
    let run = try openRun(target)
    return (run.directory, run.model)
}

/// The run's test images (prepared exactly as for training) and their labels.
func testImages(_ run: RunDirectory) throws -> (images: Tensor, labels: [Int]) {
    let test = TestImages(try PreparedData.load(run.config.data))
    return (test.images, test.labels)
}

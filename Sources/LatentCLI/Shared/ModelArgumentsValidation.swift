import ArgumentParser
import Latent

/// Every model hyperparameter checked at parse time (for `train` and `sweep`),
/// so that a wrong number stops the command before any data are loaded.
extension ModelArguments {
    func validate() throws {
        try Check.atLeast(latent, 1, "--latent")
        try Check.integers(hidden, "--hidden")
        try Check.positive(gaussianStd, "--gaussian-std")
        try Check.atLeast(components, 1, "--components")
        try Check.nonNegative(beta, "--beta")
        try Check.atLeast(warmup, 0, "--warmup")
        try Check.nonNegative(sparsity, "--sparsity")
        try Check.atLeast(cdK, 1, "--cd-k")
        try Check.nonNegative(weightDecay, "--weight-decay")
        try Check.atLeast(pretrainEpochs, 0, "--pretrain-epochs")
        try Check.inRange(labelSmoothing, 0, below: 1, "--label-smoothing")
        try Check.atLeast(dSteps, 1, "--d-steps")
        try Check.positive(dLr, "--d-lr")
        if let noise {
            do { _ = try InputNoise(noise) } catch { throw ValidationError(UserFacingError.message(for: error)) }
        }
    }
}

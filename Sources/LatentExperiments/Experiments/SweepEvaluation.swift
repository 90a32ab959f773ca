import Foundation
import LatentTensor
import LatentOutput
import LatentModels
import LatentRuns

/// What a sweep adds on the test set once its runs are trained (`latent sweep
/// --evaluate`): every run's likelihood scores on the same test images, and one
/// figure of the same test images reconstructed by every setting.
///
/// ```swift
/// let scores = try SweepEvaluation.likelihoods(results, options: .init(nllSamples: 100, testLimit: 1000))
/// try SweepEvaluation.writeReconstructions(results, count: 8, to: "runs/sweep-vae/reconstructions.png")
/// ```
public enum SweepEvaluation {
    /// Test metrics of each run whose model has a likelihood (others get none), by setting label.
    /// Each is also recorded in the run's evaluation.json.
    public static func likelihoods(_ results: [Sweep.Result], options: LikelihoodEvaluation.Options) throws -> [String: [(String, Double)]] {
        var scores: [String: [(String, Double)]] = [:]
        for (label, directory) in results {
            let run = try TrainedRun(directory)
            guard let model = run.model as? any LikelihoodModel else { continue }
            let result = try LikelihoodEvaluation.evaluate(directory, model: model, options: options)
            scores[label] = result.metrics.map { ("test_" + $0.name.replacingOccurrences(of: "test_", with: ""), $0.value) }
        }
        return scores
    }

    /// The first `count` test images and each setting's reconstruction of them, a
    /// column each with the setting as caption; nil when no run can reconstruct.
    @discardableResult
    public static func writeReconstructions(_ results: [Sweep.Result], count: Int, to path: String) throws -> String? {
        var columns: [Tensor] = [], captions: [String] = []
        for (label, directory) in results {
            let run = try TrainedRun(directory)
            guard run.model is any ReconstructingModel else { continue }
            let r = try run.reconstruct(ReconstructionOptions(count: count))
            if columns.isEmpty {
                columns.append(r.originals)
                captions.append("test images")
            }
            columns.append(r.reconstructions)
            captions.append(label)
        }
        guard !columns.isEmpty else { return nil }
        try ImageGrid.sideBySide(columns, captions: captions, columns: 2, scale: 2).write(to: path)
        return path
    }
}

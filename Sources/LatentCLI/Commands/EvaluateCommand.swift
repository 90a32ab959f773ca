import ArgumentParser
import Foundation
import Latent

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Score a trained model on the test split (nats per image).",
        discussion: "Example:\n  latent evaluate vae-fashion-mnist --nll-samples 1000 --limit 1000 --json")

    @OptionGroup var target: RunArgument
    @Option(help: "Importance samples per image for the NLL (0: skip).") var nllSamples = 0
    @Option(help: "Score only the first N test images.") var limit: Int?
    @Option(help: "Random seed.") var seed: UInt64 = 2
    @Flag(help: "RBM/DBM: estimate log Z by annealed importance sampling and report the test log-likelihood (or bound).") var ais = false
    @Flag(help: "Fréchet distance in the feature classifier's space.") var fid = false
    @Flag(help: "Kernel (polynomial MMD) distance in the feature classifier's space.") var kid = false
    @Flag(name: .customLong("is"), help: "Inception-style score from the feature classifier.") var inceptionScore = false
    @Flag(name: .customLong("pr"), help: "Precision and recall of generated against real features (k = 3).") var precisionRecall = false
    @Option(help: "Generated images for --fid/--kid/--is/--pr.") var samples = 2_000
    @Option(help: "The feature classifier's run (default: the newest classifier run on the same data).") var classifier: String?
    @Flag(help: "Quality of the codes: linear-probe accuracy, k-means silhouette and adjusted Rand index.") var representation = false
    @Option(help: "AIS: parallel chains.") var aisChains = 100
    @Option(help: "AIS: intermediate distributions (0: Salakhutdinov & Murray's 14,500-step schedule).") var aisSteps = 0
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        try Check.atLeast(nllSamples, 0, "--nll-samples", maximum: 1_000_000)
        try Check.atLeast(limit, 1, "--limit", maximum: Int.max)
        try Check.atLeast(samples, 10, "--samples", maximum: 1_000_000)
        try Check.atLeast(aisChains, 2, "--ais-chains", maximum: 1_000_000)
        try Check.atLeast(aisSteps, 0, "--ais-steps")
    }

    func run() throws {
        let (run, model) = try loadRun(target)
        if ais { return try evaluateAIS(run, model) }
        if fid || kid || inceptionScore || precisionRecall { return try evaluateSamples(run, model) }
        if representation { return try evaluateRepresentation(run, model) }
        let scorer = try require(model, (any LikelihoodModel).self, family: run.config.family, command: "evaluate",
                                 supportedBy: "VAE, AE, PPCA, RBM, DBM and classifiers")
        var (test, labels) = try testImages(run)
        if let limit {
            let count = Swift.min(limit, test.shape[0])
            test = test.rows(0..<count)
            labels = Array(labels.prefix(count))
        }
        var rng = RandomGenerator(seed: seed)
        // In chunks, so a long importance-sampling run shows progress; every metric is a mean per image.
        let progress = Progress("evaluate", total: test.shape[0])
        progress.quiet = json
        var sums: [String: Double] = [:], order: [String] = []
        for indices in MiniBatches(count: test.shape[0], batchSize: nllSamples > 0 ? 100 : 2_000) {
            for (k, v) in scorer.likelihoodMetrics(test.gatherRows(indices), labels: indices.map { labels[$0] },
                                                   nllSamples: nllSamples, rng: &rng) {
                if sums[k] == nil { order.append(k) }
                sums[k, default: 0] += v * Double(indices.count)
            }
            progress.advance(by: indices.count)
        }
        progress.finish()
        let metrics = order.map { ($0, sums[$0]! / Double(test.shape[0])) }
        var record: [String: Any] = ["run": run.name, "test_images": test.shape[0]]
        if nllSamples > 0 { record["nll_samples"] = nllSamples }
        for (k, v) in metrics { record[k] = v }
        try RunEvaluation.merge(Dictionary(uniqueKeysWithValues: metrics.map { ("test_" + $0.0, $0.1) }), into: run)
        if json { return writeJSON(record) }
        print("\(run.name) on \(test.shape[0]) test images (nats per image):")
        for (k, v) in metrics { print("  " + k.padding(toLength: 16, withPad: " ", startingAt: 0) + String(format: "%.3f", v)) }
    }
}

extension EvaluateCommand {
    /// log Z by AIS (and exactly when the model is small), then the test log-likelihood.
    func evaluateAIS(_ run: RunDirectory, _ model: any TrainableModel) throws {
        let energy = try require(model, (any PartitionFunctionModel).self, family: run.config.family, command: "evaluate --ais",
                                 supportedBy: "RBM and DBM")
        let data = try PreparedData.load(run.config.data)
        var test = data.evaluationImages(data.test)
        if let limit { test = test.rows(0..<Swift.min(limit, test.shape[0])) }
        let betas = AIS.schedule(aisSteps == 0 ? .paper : .linear(aisSteps + 1))
        let progress = Progress("AIS", total: betas.count - 1, unit: "β")
        progress.quiet = json
        var rng = RandomGenerator(seed: seed)
        let estimate = energy.logPartition(baseData: data.train.flatImages, chains: aisChains, betas: betas, rng: &rng, progress: progress)
        progress.finish()
        let ll = energy.logLikelihood(test, logPartition: estimate.logPartition)
        let mean = ll.reduce(0, +) / Double(ll.count)
        var record: [String: Any] = ["run": run.name, "test_images": test.shape[0], "ais_chains": aisChains, "ais_steps": estimate.steps,
                                     "log_z": estimate.logPartition, "log_z_lower": estimate.lower, "log_z_upper": estimate.upper,
                                     energy.logLikelihoodName: mean]
        if let exact = energy.exactLogPartition() { record["log_z_exact"] = exact }
        try RunEvaluation.merge(["ais_log_z": estimate.logPartition, energy.logLikelihoodName: mean], into: run)
        if json { return writeJSON(record.mapValues { ($0 as? Double).map { $0.isFinite ? $0 as Any : "-inf" as Any } ?? $0 }) }
        print("\(run.name): AIS with \(aisChains) chains and \(estimate.steps) intermediate distributions")
        print(String(format: "  log Z = %.3f  (±3 s.e.: %.3f … %.3f)", estimate.logPartition, estimate.lower, estimate.upper))
        if let exact = record["log_z_exact"] as? Double { print(String(format: "  exact log Z = %.3f", exact)) }
        let what = energy.logLikelihoodName == "test_lower_bound" ? "variational lower bound on the test log-likelihood" : "average test log-likelihood"
        print(String(format: "  %@: %.2f nats per image (%d images)", what, mean, test.shape[0]))
    }
}

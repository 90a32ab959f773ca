import ArgumentParser
import Foundation
import Latent

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Score a trained model on the test split (likelihoods in nats per image).",
        discussion: """
        Every score is saved in the run's evaluation.json with the split and the number of images it used; \
        the scores of one evaluation (−ELBO and IS-NLL, FID and its floor) always share their images.
        Example:
          latent evaluate vae-fashion-mnist --nll-samples 1000 --test-limit 1000 --json
        """)

    @OptionGroup var target: RunArgument
    @Option(help: "Importance samples per image for the NLL (0: skip); for ddpm, the timesteps per image of its bound's importance-sampled sum (0: its default, 50).") var nllSamples = 0
    @Option(help: "Score at most N test images: a fixed random subset, the same for every run (default: all; --representation: 2,000).") var testLimit: Int?
    @Option(help: "--representation and --ais: use at most N training images (the probe's training set, the AIS base rates).") var limit: Int?
    @Option(help: "Random seed.") var seed: UInt64 = 2
    @Flag(help: "RBM/DBM: estimate log Z by annealed importance sampling and report the test log-likelihood (or bound).") var ais = false
    @Flag(help: "Fréchet distance in the feature network's space (a classifier, or an autoencoder's code for data without labels; see --features).") var fid = false
    @Flag(help: "Kernel (polynomial MMD) distance in the feature network's space.") var kid = false
    @Flag(name: .customLong("is"), help: "Inception-style score from a feature classifier's class probabilities (skipped, with a warning, when the feature network is an autoencoder).") var inceptionScore = false
    @Flag(name: .customLong("pr"), help: "Precision and recall of generated against real features (k = 3).") var precisionRecall = false
    @Option(help: "Generated images for --fid/--kid/--is/--pr.") var samples = 2_000
    @Option(name: [.customLong("features"), .customLong("classifier")],
            help: "The feature network's run for --fid/--kid/--is/--pr: a classifier, or an ae/conv-ae for data without labels (--classifier is the old name; default: the newest classifier on the same data, else the newest conv-ae, then ae).")
    var features: String?
    @Flag(help: "Quality of the codes: k-means and DBSCAN clusters with their silhouettes (with or without labels); with labels also linear-probe accuracy and each clustering's adjusted Rand index.") var representation = false
    @Option(help: "--representation: k of k-means (default: the number of classes with labels, 10 without).") var clusters: Int?
    @Option(help: "--representation: DBSCAN's radius (default: the knee of the sorted distances to each code's (min-points − 1)-th nearest neighbour).") var dbscanEps: Double?
    @Option(help: "--representation: DBSCAN's minimum points within eps (the code itself included) of a core point.") var dbscanMinPoints = 5
    @Flag(help: "MIG (mutual information gap, 20 bins) of the codes against the known factors of a `latent data synth shapes` set, per-factor gaps, and images/latent-traversal.png (each latent dimension from -3 to 3).") var disentanglement = false
    @Flag(help: "Conditional GAN, AC-GAN, conditional VAE: the classifier's accuracy on images generated for each class (per class and overall). InfoGAN: purity and adjusted Rand index of its categorical code against the classifier's classes. The classifier: --features, else the newest classifier on the same data.") var conditionalAccuracy = false
    @Option(help: "--conditional-accuracy: images generated per class (or per value of the categorical code).") var perClass = 100
    @Option(help: "AIS: parallel chains.") var aisChains = 100
    @Option(help: "AIS: intermediate distributions (0: Salakhutdinov & Murray's 14,500-step schedule).") var aisSteps = 0
    @Flag(help: "Print JSON.") var json = false

    var samplesWanted: Bool { fid || kid || inceptionScore || precisionRecall }

    func validate() throws {
        try Check.atLeast(nllSamples, 0, "--nll-samples", maximum: 1_000_000)
        try Check.atLeast(testLimit, 1, "--test-limit", maximum: Int.max)
        try Check.atLeast(limit, 1, "--limit", maximum: Int.max)
        try Check.atLeast(samples, 10, "--samples", maximum: 1_000_000)
        try Check.atLeast(perClass, 1, "--per-class", maximum: 100_000)
        if perClass != 100 && !conditionalAccuracy { throw ValidationError("--per-class sets --conditional-accuracy's images; add --conditional-accuracy") }
        try Check.atLeast(aisChains, 2, "--ais-chains", maximum: 1_000_000)
        try Check.atLeast(aisSteps, 0, "--ais-steps")
        try Check.atLeast(clusters, 2, "--clusters", maximum: 100_000)
        try Check.positive(dbscanEps, "--dbscan-eps")
        try Check.atLeast(dbscanMinPoints, 1, "--dbscan-min-points", maximum: 100_000)
        if (dbscanEps != nil || dbscanMinPoints != 5) && !representation { throw ValidationError("--dbscan-eps and --dbscan-min-points set --representation's DBSCAN; add --representation") }
        if clusters != nil && !representation { throw ValidationError("--clusters is k of --representation's k-means; add --representation") }
        if limit != nil && !(ais || representation) {
            throw ValidationError("--limit counts training images, which only --ais and --representation use; for fewer test images give --test-limit N")
        }
    }

    func run() throws {
        let (run, model) = try loadRun(target)
        if ais { return try evaluateAIS(run, model) }
        if conditionalAccuracy { return try evaluateConditionalAccuracy(run, model) }
        if samplesWanted { return try evaluateSamples(run, model) }
        if representation { return try evaluateRepresentation(run, model) }
        if disentanglement { return try evaluateDisentanglement(run, model) }
        if !(model is any LikelihoodModel) && model is any SamplingModel {
            throw CommandFailure("model '\(run.config.family)' has no likelihood to score (\(ModelRegistry.names { $0 is any LikelihoodModel.Type }) do); "
                                 + "score its samples with --fid, --kid or --pr")
        }
        let scorer = try require(model, (any LikelihoodModel).self, family: run.config.family, command: "evaluate",
                                 isCapable: { $0 is any LikelihoodModel.Type })
        let result = try LikelihoodEvaluation.evaluate(run, model: scorer, options: .init(
            nllSamples: nllSamples, testLimit: testLimit, seed: seed, progress: !json))
        if json {
            var record: [String: Any] = ["run": run.name, "split": "test", "test_images": result.images]
            if nllSamples > 0 { record["nll_samples"] = nllSamples }
            for m in result.metrics { record[m.name] = m.value }
            return writeJSON(record)
        }
        print("\(run.name) on \(result.images) test images, every metric on the same images (likelihood terms in nats per image; bits_per_dim per pixel):")
        for m in result.metrics { print("  " + m.name.padding(toLength: 16, withPad: " ", startingAt: 0) + String(format: "%.3f", m.value)) }
    }
}

/// A number JSON can hold: non-finite values as text.
func jsonNumber(_ v: Double) -> Any { v.isFinite ? v : (v > 0 ? "inf" : v < 0 ? "-inf" : "nan") }

extension EvaluateCommand {
    /// log Z by AIS (and exactly when the model is small), then the test log-likelihood.
    func evaluateAIS(_ run: RunDirectory, _ model: any TrainableModel) throws {
        let energy = try require(model, (any PartitionFunctionModel).self, family: run.config.family, command: "evaluate --ais",
                                 isCapable: { $0 is any PartitionFunctionModel.Type })
        let result = try AISEvaluation.evaluate(run, model: energy, options: .init(
            chains: aisChains, steps: aisSteps, trainLimit: limit, testLimit: testLimit, seed: seed, progress: !json))
        let e = result.estimate
        if json {
            var record: [String: Any] = ["run": run.name, "split": "test", "test_images": result.testImages, "base_rate_train_images": result.trainImages,
                                         "ais_chains": e.chains, "ais_steps": e.steps, "log_z": jsonNumber(e.logPartition),
                                         "log_z_lower": jsonNumber(e.lower), "log_z_upper": jsonNumber(e.upper),
                                         result.logLikelihoodName: jsonNumber(result.meanLogLikelihood)]
            if let exact = result.exactLogPartition { record["log_z_exact"] = exact }
            return writeJSON(record)
        }
        print("\(run.name): AIS with \(e.chains) chains and \(e.steps) intermediate distributions (base rates from \(result.trainImages) training images)")
        print(String(format: "  log Z = %.3f  (±3 s.e.: %.3f … %.3f)", e.logPartition, e.lower, e.upper))
        if let exact = result.exactLogPartition { print(String(format: "  exact log Z = %.3f", exact)) }
        let what = result.logLikelihoodName == "test_lower_bound" ? "variational lower bound on the test log-likelihood" : "average test log-likelihood"
        print(String(format: "  %@: %.2f nats per image (%d test images)", what, result.meanLogLikelihood, result.testImages))
    }
}

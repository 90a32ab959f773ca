import ArgumentParser
import Foundation
import Latent

struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Train one run per setting and overlay their validation curves.",
        discussion: """
        Any option of `latent train <model>` may vary. A single-valued option takes a comma list \
        (--lr 1e-2,1e-3); an option whose value is itself a list takes one alternative per repetition \
        (--hidden 512,256 --hidden 1024). Every combination is trained, one after another, into \
        runs/<sweep>-<setting>/; or --configs lists the settings to train. Runs write pictures only at the \
        end unless --image-every is given. The overlaid curves and a table of final values go to \
        runs/<sweep>/ (sweep.svg, sweep.md, sweep.json). With --resume, an interrupted sweep goes on: a \
        setting whose run already finished (or diverged) is skipped, an interrupted one resumed from its \
        last checkpoint, the others trained.

        On several processes (`mpirun -np N latent sweep …`, a latent built with `make build-mpi`) the \
        settings are dealt round-robin: setting i trains on rank i mod N, each as a run of one process with \
        cores ÷ processes-per-machine BLAS threads unless --threads, so every run is the serial \
        sweep's (bit for bit with the same --threads). Only rank 0 prints; it writes the overlay and the table once every rank is done.

        Examples:
          latent sweep vae --lr 1e-2,1e-3,1e-5 --epochs 10 --limit 10000
          latent sweep vae --prior standard,mog,vamp --optimizer adam,adamax --epochs 5
          latent sweep rbm --hidden 10,20,50 --lr 0.01,0.001 --epochs 10,30 --batch 10
          latent sweep rbm --configs "hidden=10,lr=0.01,epochs=10;hidden=50,lr=0.001,epochs=30"
          latent sweep gan --latent 10,20 --epochs 70 --batch 512 --table-epochs 1,10,70
          latent sweep vae,ae --latent 2,20 --epochs 10 --evaluate      the VAE against the AE of the same networks
          mpirun -np 4 latent sweep vae --lr 1e-2,1e-3 --latent 2,20      four settings at once
        """)

    @Argument(help: "The model family, or several with the same options separated by commas (vae,ae).") var model: String
    @Option(help: "Settings to train instead of all combinations: name=value pairs joined by commas, settings by semicolons (options given outside --configs apply to every setting).")
    var configs: String?
    @Option(help: "Name of the sweep.") var name: String?
    @Option(help: "Metrics to overlay, comma-separated (default: the model's main metric; GANs: g_loss,d_loss).") var metric: String?
    @Option(help: "Epochs whose values the table lists, comma-separated (default: the last).") var tableEpochs: String?
    @Flag(help: "After training, score every run on the same test images (−ELBO and its terms, IS-NLL; recorded in each run's evaluation.json) and draw the same test images reconstructed by every setting (reconstructions.png).")
    var evaluate = false
    @Option(help: "With --evaluate: importance samples per image for the IS-NLL (0: none).") var nllSamples = 100
    @Flag(help: "Continue this sweep (same --name and settings): skip the settings whose runs finished or diverged, resume the interrupted ones.")
    var resume = false

    @OptionGroup(title: "Data") var data: DataArguments
    @OptionGroup(title: "Session") var session: SessionArguments

    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("Options of `latent train <model>`, each with one value or several.", valueName: "hyperparameters"))
    var options: [String] = []

    func validate() throws {
        try Check.integers(tableEpochs, "--table-epochs")
        try Check.atLeast(nllSamples, 0, "--nll-samples", maximum: 100_000)
        if let metric, metric.split(separator: ",").isEmpty { throw ValidationError("--metric wants metric names separated by commas, got '\(metric)'") }
        do {
            _ = try plans()
        } catch let error as LatentError {
            throw ValidationError(UserFacingError.message(for: error))
        }
    }

    func families() throws -> [any TrainableModel.Type] {
        try model.split(separator: ",").map { try ModelRegistry.family($0.trimmingCharacters(in: .whitespaces)) }
    }

    func plans() throws -> [(family: any TrainableModel.Type, plan: SweepPlan)] {
        try Sweep.plans(families(), words: options, configs: configs)
    }

    func run() throws {
        try session.prepare()
        let plans = try plans()
        let family = plans[0].family
        // Every setting shares one data split: the seed of the first setting (a swept --seed varies the initialisation only).
        let seed = try family.runConfigSeed(plans[0].plan.settings[0].words)
        let prepared = try PreparedData.load(data.options(seed: seed, defaultScale: family.defaultScale))
        let sweepName = name ?? "sweep-\(plans.map { $0.family.family }.joined(separator: "-"))-\(prepared.name)"
        let results: [Sweep.Result]
        do {
            results = try Sweep.train(plans, data: prepared, root: session.location.runs, name: sweepName, threads: session.threads,
                                      resume: resume)
        } catch let stop as TrainingInterrupted {
            FileHandle.standardError.write(Data((stop.description + "\n").utf8))
            throw ExitCode(stop.exitCode)
        }
        guard !results.isEmpty else { return }      // under mpirun: a rank other than 0, which prints nothing
        let keys = (metric ?? (family.primaryMetric == "g_loss" ? "g_loss,d_loss" : family.primaryMetric))
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let epochsShown = try tableEpochs.map { try integerList($0, name: "--table-epochs") }
        let folder = session.location.runs + "/" + sweepName
        var tested: [String: [(String, Double)]] = [:]
        if evaluate {
            tested = try SweepEvaluation.likelihoods(results, options: LikelihoodEvaluation.Options(nllSamples: nllSamples, testLimit: prepared.options.testLimit))
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            if let path = try SweepEvaluation.writeReconstructions(results, count: 8, to: folder + "/reconstructions.png") { print("reconstructions: \(path)") }
        }
        print(try Sweep.summarize(results, folder: folder, title: "\(model) sweep", keys: keys, tableEpochs: epochsShown, tested: tested))
        print("curves: \(folder)/sweep.svg")
    }
}

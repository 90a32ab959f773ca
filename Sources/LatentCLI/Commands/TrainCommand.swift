import ArgumentParser
import Foundation
import Latent

/// `latent train <family>`: one subcommand per model family, each taking the
/// training loop's options and only its own (see `TrainFamilyCommand`).
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model; writes runs/<name>/ with config, metrics, checkpoints, images, plots and report.html.",
        discussion: """
        Families (`latent train <family> --help` lists the options of each):
        \(ModelRegistry.families.map { "  " + $0.family.padding(toLength: 12, withPad: " ", startingAt: 0) + $0.summary }.joined(separator: "\n"))

        Examples:
          latent train vae --data fashion-mnist --latent 20 --epochs 10
          latent train vae --data mnist --binarize dynamic --limit 5000 --epochs 3 --name quick
          latent train rbm --data ../shared/data/mnist --hidden 500 --lr 0.01 --batch 10 --pcd --epochs 30
          latent train dbm --data ../shared/data/mnist --hidden 500,1000 --binarize fixed --pretrain-epochs 10 --lr 0.001
          latent train gan --data fashion-mnist --latent 20 --batch 512 --lr 1e-3 --epochs 70
          latent train dcgan --data ../shared/data/mnist --batch 64 --lr 2e-4 --epochs 20
          latent resume quick --epochs 6          continue a run (also: latent train --resume quick --epochs 6)
        """,
        subcommands: trainSubcommands)

    static var trainSubcommands: [any ParsableCommand.Type] {
        [TrainFamilyCommand<VAEModel>.self, TrainFamilyCommand<ConvVAEModel>.self, TrainFamilyCommand<AutoencoderModel>.self,
         TrainFamilyCommand<ConvAutoencoderModel>.self, TrainFamilyCommand<PPCAModel>.self, TrainFamilyCommand<RBMModel>.self,
         TrainFamilyCommand<DBMModel>.self, TrainFamilyCommand<GANModel>.self, TrainFamilyCommand<DCGANModel>.self,
         TrainFamilyCommand<ClassifierModel>.self]
    }

    /// `latent train --resume RUN …` is `latent resume RUN …`: the words after
    /// `train` are rewritten before parsing, so scripts written for it keep working.
    static func rewritingResume(_ arguments: [String]) -> [String] {
        guard arguments.first == "train" else { return arguments }
        var rest = Array(arguments.dropFirst())
        if let i = rest.firstIndex(of: "--resume"), i + 1 < rest.count {
            let run = rest[i + 1]
            rest.removeSubrange(i...(i + 1))
            return ["resume", run] + rest
        }
        if let i = rest.firstIndex(where: { $0.hasPrefix("--resume=") }) {
            let run = String(rest[i].dropFirst("--resume=".count))
            rest.remove(at: i)
            return ["resume", run] + rest
        }
        return arguments
    }
}

/// Options of a training session that are not hyperparameters.
struct SessionArguments: ParsableArguments {
    @Flag(help: "Print the final metrics as JSON and no progress.")
    var json = false

    @Option(help: ArgumentHelp("Compute threads, 1 to 256 (default: $LATENT_THREADS, else 1). Recorded in config.json.",
                               discussion: "On a 2-core machine one thread was as fast as two for our models' small matrices; try the core count for large batches."))
    var threads: Int?

    @OptionGroup var location: RunsLocation

    func validate() throws {
        if let threads, !BLAS.threadRange.contains(threads) {
            throw ValidationError("--threads must be from \(BLAS.threadRange.lowerBound) to \(BLAS.threadRange.upperBound), got \(threads)")
        }
    }

    /// Sets the BLAS thread count (`--threads`, else `LATENT_THREADS`, else 1) and installs the Ctrl-C handler.
    func prepare() throws {
        BLAS.configureFromEnvironment()
        BLAS.threads = try threads ?? BLAS.threadCount(environment: ProcessInfo.processInfo.environment)
        StopRequest.install()
    }

    /// Trains; a stop request prints its line and exits with the signal's code.
    func train(_ session: TrainingSession) throws {
        session.quiet = json
        do {
            try session.train()
        } catch let stop as TrainingInterrupted {
            FileHandle.standardError.write(Data((stop.description + "\n").utf8))
            throw ExitCode(stop.exitCode)
        }
        let run = session.run
        if json {
            writeJSON(["run": run.path, "metrics": run.metrics.epochRecords().last ?? [:]])
        } else {
            print("report: \(run.reportPath)")
        }
    }
}

/// `latent train <family>`: data options and session options are parsed here;
/// the training loop's and the family's options come from the family's
/// `optionSpecs`, so an option the family does not take is refused by name.
struct TrainFamilyCommand<Model: TrainableModel>: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: Model.family, abstract: Model.summary,
                             discussion: Model.optionsHelp + "\n\nOptions are written --name value or --name=value.")
    }

    @OptionGroup(title: "Data") var data: DataArguments
    @OptionGroup(title: "Session") var session: SessionArguments

    @Option(help: "Name of the run folder (default: <model>-<data>, with a suffix if taken). A name you give must be new: letters, digits, '-', '_', '.'.")
    var name: String?

    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("The training loop's and the model's options, listed below.", valueName: "hyperparameters"))
    var options: [String] = []

    mutating func validate() throws {
        if let name { try RunName.validate(name) }
        do {
            _ = try Model.parseSettings(options)
        } catch let error as LatentError {
            throw ValidationError(UserFacingError.message(for: error))
        }
    }

    func run() throws {
        try session.prepare()
        let settings = try Model.parseSettings(options).settings
        let prepared = try PreparedData.load(data.options(seed: settings.training.seed, defaultScale: Model.defaultScale))
        var config = RunConfig(family: Model.family, command: CommandLine.arguments, data: prepared,
                               training: settings.training, model: settings.model)
        config.threads = BLAS.threads
        let started = try TrainingSession.start(config: config, data: prepared, root: session.location.runs,
                                                name: name ?? RunName.sanitized("\(Model.family)-\(prepared.name)"),
                                                explicitName: name != nil)
        if !session.json {
            print("run \(started.run.path): \(Model.family) on \(prepared.description)")
            print("  \(prepared.train.count) training, \(prepared.validation.count) validation, \(prepared.test.count) test images of shape \(prepared.imageShape)")
        }
        try session.train(started)
    }
}

/// `latent resume RUN`: continue a run from its last checkpoint.
struct ResumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Continue a run from its last checkpoint (bit-identical to a run that was never stopped).",
        discussion: """
        A resumed run keeps its settings. More --epochs are always fine. Options that may change between epochs
        (--lr, --batch, --clip-norm, --d-lr, --image-every, --divergence-factor) are applied only with --override,
        from the next epoch on, and recorded in config.json; options that would change the model or the data are refused.

        Examples:
          latent resume vae-mnist --epochs 20
          latent resume vae-mnist --epochs 20 --lr 1e-4 --override
        """)

    @Argument(help: "The run: its name under the runs folder, or a path.")
    var runName: String

    @Flag(help: "Apply the changed options given (see above) from the next epoch on, recorded in config.json.")
    var override = false

    @OptionGroup(title: "Session") var session: SessionArguments

    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("More --epochs, or changed options (with --override).", valueName: "hyperparameters"))
    var options: [String] = []

    func run() throws {
        try session.prepare()
        let resumed = try TrainingSession.resume(runName, root: session.location.runs,
                                                 changes: ResumeChanges(arguments: options, override: override))
        if !session.json {
            let position = resumed.resumedSteps > 0 ? "inside epoch \(resumed.startEpoch + 1) (step \(resumed.resumedSteps))" : "after epoch \(resumed.startEpoch)"
            print("resuming \(resumed.run.path) \(position) of \(resumed.run.config.training.epochs)")
        }
        try session.train(resumed)
    }
}

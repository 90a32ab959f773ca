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
        One subcommand per model family (below); `latent train <family> --help` lists the training loop's \
        options and the family's own, with their defaults. An option the family does not take is refused.

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

    /// One `TrainFamilyCommand` per family of `ModelRegistry`.
    static var trainSubcommands: [any ParsableCommand.Type] { ModelRegistry.families.map { command(for: $0) } }

    static func command<Model: TrainableModel>(for family: Model.Type) -> any ParsableCommand.Type { TrainFamilyCommand<Model>.self }

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
        config.threads = session.automaticThreads ? nil : BLAS.threads   // automatic: recorded once measured
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

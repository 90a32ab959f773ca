import ArgumentParser
import Foundation
import Latent

/// `latent resume RUN`: continue a run from its last checkpoint.
struct ResumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Continue a run from its last checkpoint (bit-identical to a run that was never stopped).",
        discussion: """
        A resumed run keeps its settings. More --epochs are always fine. Options that may change between epochs \
        (--lr, --batch, --clip-norm, --d-lr, --image-every, --divergence-factor) are applied only with --override, \
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

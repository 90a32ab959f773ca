import ArgumentParser
import Foundation
import Latent

@main
struct LatentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "latent",
        abstract: "Train, sample, inspect and evaluate deep generative models on the CPU.",
        discussion: """
        Examples:
          latent train vae --data fashion-mnist --epochs 10
          latent sample vae-fashion-mnist --n 100
          latent data info ../shared/data/mnist
          latent runs
        """,
        version: LatentVersion.string,   // `latent --version`; the same string every run records in config.json
        subcommands: [TrainCommand.self, ResumeCommand.self, SampleCommand.self, ReconstructCommand.self, InpaintCommand.self,
                      InterpolateCommand.self, DenoiseCommand.self, LatentMapCommand.self, ProjectCommand.self, FiltersCommand.self, EvaluateCommand.self,
                      LatentHistogramsCommand.self, AnomalyCommand.self, RobustnessCommand.self, TraverseCommand.self,
                      SweepCommand.self, CompareCommand.self, ZooCommand.self, ELBOExplorerCommand.self, DataCommand.self, RunsCommand.self, ReportCommand.self,
                      BenchCommand.self, DoctorCommand.self])

    /// Parses the command line, then runs the command. Usage errors keep the
    /// argument parser's output and exit codes; any failure while running is
    /// one line on standard error ("Error: cannot write …: no space left on device")
    /// and exit code 1.
    static func main() {
        prepareProcess()
        var command: any ParsableCommand
        do {
            command = try parseAsRoot(TrainCommand.rewritingResume(Array(CommandLine.arguments.dropFirst())))
        } catch {
            exit(withError: error)
        }
        do {
            try command.run()
        } catch let error where isArgumentParserError(error) {
            exit(withError: error)   // `--help` runs a help command that throws; ValidationError, CleanExit, ExitCode
        } catch {
            FileHandle.standardError.write(Data(("Error: " + UserFacingError.message(for: error) + "\n").utf8))
            Communicators.abortJob(exitCode: EXIT_FAILURE)    // under mpirun: the other ranks must not wait for this one
            Foundation.exit(EXIT_FAILURE)
        }
    }

    /// Start-up, before anything computes: validates the environment settings,
    /// makes OpenBLAS use the best kernel for this CPU (re-executing once if
    /// needed, see `BLASLaunch`) and flushes denormals on this thread and
    /// OpenBLAS's workers unless `LATENT_DENORMALS=keep`; Ctrl-C and SIGTERM stop any command (a training
    /// loop saves first, see `StopRequest`), even when the parent started this process with them blocked.
    static func prepareProcess() {
        StopRequest.install()
        let environment = ProcessInfo.processInfo.environment
        let warn = { (line: String) in FileHandle.standardError.write(Data(("warning: " + line + "\n").utf8)) }
        do {
            _ = try BLAS.threadCount(environment: environment)
            let flush = try DenormalMode.wantsFlushing(environment: environment)
            try BLASLaunch.applyAtLaunch(warn: warn)
            BLASWorkerSpin.apply(environment: environment)   // idle BLAS workers sleep after 2^18 cycles, not 2^28
            if flush { DenormalMode.enable() }
        } catch {
            FileHandle.standardError.write(Data(("Error: " + UserFacingError.message(for: error) + "\n").utf8))
            Foundation.exit(EXIT_FAILURE)
        }
    }

    /// Errors the argument parser defines and prints itself (usage, help, exit codes).
    static func isArgumentParserError(_ error: any Error) -> Bool {
        error is ValidationError || error is CleanExit || error is ExitCode
            || String(reflecting: type(of: error)).hasPrefix("ArgumentParser.")
    }
}

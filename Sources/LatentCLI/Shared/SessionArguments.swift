import ArgumentParser
import Foundation
import Latent

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
        // Standard output carries the one JSON object; warnings and progress lines go to standard error.
        if json { session.log = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) } }
        do {
            try session.train()
        } catch let stop as TrainingInterrupted {
            FileHandle.standardError.write(Data((stop.description + "\n").utf8))
            throw ExitCode(stop.exitCode)
        }
        let run = session.run
        guard session.rank == 0 else { return }      // under mpirun, rank 0 alone speaks for the run
        if json {
            writeJSON(["run": run.path, "metrics": run.metrics.epochRecords().last ?? [:]])
        } else {
            print("report: \(run.reportPath)")
        }
    }
}

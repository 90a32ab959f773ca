import ArgumentParser
import Foundation
import Latent

/// Options of a training session that are not hyperparameters.
struct SessionArguments: ParsableArguments {
    @Flag(help: "Print the final metrics as JSON and no progress.")
    var json = false

    @Option(help: ArgumentHelp("Compute threads, 1 to 256 (default: $LATENT_THREADS, else for train and resume what measures best, for sweep and zoo 1). Recorded in config.json.",
                               discussion: "Without --threads or LATENT_THREADS a new run times its first steps at 1 thread, half the physical cores and all of them (alternating, a few steps each) and keeps the fewest threads within 5 % of the fastest: a large MLP batch takes the cores, a small convolutional batch or a busy machine stays at 1. A resumed run keeps the count it recorded."))
    var threads: Int?

    @OptionGroup var location: RunsLocation

    func validate() throws {
        if let threads, !BLAS.threadRange.contains(threads) {
            throw ValidationError("--threads must be from \(BLAS.threadRange.lowerBound) to \(BLAS.threadRange.upperBound), got \(threads)")
        }
    }

    /// Sets the BLAS thread count (`--threads`, else `LATENT_THREADS`, else 1 until `train` measures). The Ctrl-C
    /// handler is installed for every command at start (`LatentCommand.prepareProcess`).
    func prepare() throws {
        BLAS.configureFromEnvironment()
        BLAS.threads = try threads ?? BLAS.threadCount(environment: ProcessInfo.processInfo.environment)
    }

    /// Neither --threads nor LATENT_THREADS: the thread count is measured (or taken from the resumed run).
    var automaticThreads: Bool {
        threads == nil && !BLAS.setsThreadCount()
    }

    /// With automatic threads on one process: the count a resumed run recorded, else a `ThreadTuner` over
    /// the first steps (1, half and all of this process's physical cores).
    func chooseThreads(for session: TrainingSession) {
        guard automaticThreads, session.worldSize == 1 else { return }
        if let recorded = session.run.config.threads, BLAS.threadRange.contains(recorded) {
            BLAS.threads = recorded
            return
        }
        session.threadTuner = ThreadTuner(candidates: ThreadTuner.candidates(physicalCores: CPUTopology.current.physicalCores))
    }

    /// Trains; a stop request prints its line and exits with the signal's code.
    func train(_ session: TrainingSession) throws {
        session.quiet = json
        chooseThreads(for: session)
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

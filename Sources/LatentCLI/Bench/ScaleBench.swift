import ArgumentParser
import Foundation
import Latent

struct ScaleBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scale",
        abstract: "Data-parallel step time of W1 and W5 on this many processes, the gradient bytes and the allreduce's share of a step.",
        discussion: """
        Run plain, it measures one process: the step time of W1 (MLP VAE, batch 128) and W5 (DCGAN, batch 64), \
        the bytes of gradients per step and one allreduce of that many floats (no time on one process). Run under \
        `mpirun -np N` (a latent built with `make build-mpi`), every rank trains its share of each global batch as \
        `latent train` does and rank 0 prints the job's images per second, the allreduce on its own and the time \
        per step spent in allreduce (waiting for the slowest rank included) with its share of the step. \
        Figures are medians of --repeats blocks of --steps steps, after 3 untimed steps. docs/SCALING.md projects \
        them to N machines.

        Examples:
          latent bench scale --steps 40 --repeats 5
          mpirun -np 2 --bind-to none latent bench scale --steps 40 --repeats 5
        """)

    @Option(help: "Workloads to measure, comma-separated: w1, w5.") var workloads = "w1,w5"
    @Option(help: "Timed steps per repeat.") var steps = 40
    @Option(help: "Repeats; the median is shown, the best in brackets.") var repeats = 5
    @Option(help: "BLAS threads per process (default: the cores ÷ the processes on this machine, or $LATENT_THREADS).") var threads: Int?
    @Flag(help: "Print one JSON object instead of a table.") var json = false

    func validate() throws {
        try Check.atLeast(steps, 1, "--steps")
        try Check.atLeast(repeats, 1, "--repeats")
        if let threads, !BLAS.threadRange.contains(threads) {
            throw ValidationError("--threads must be from \(BLAS.threadRange.lowerBound) to \(BLAS.threadRange.upperBound), got \(threads)")
        }
        _ = try chosen()
    }

    func chosen() throws -> [ScalingBenchmark.Workload] {
        try workloads.split(separator: ",").map { word in
            let name = word.trimmingCharacters(in: .whitespaces).lowercased()
            guard let w = ScalingBenchmark.Workload(rawValue: name) else {
                throw ValidationError("--workloads: unknown workload '\(name)'; choose from w1, w5")
            }
            return w
        }
    }

    func run() throws {
        let world = try Communicators.world()
        BLAS.configureFromEnvironment()
        BLAS.threads = try threads ?? Communicators.threadsPerProcess(size: world.size)
            ?? BLAS.threadCount(environment: ProcessInfo.processInfo.environment)
        let train = try DatasetLocations.loadFashionMNIST(.train).flatImages
        let speaks = world.rank == 0
        if speaks && !json {
            print("scale: \(world.size) process\(world.size == 1 ? "" : "es") × \(BLAS.threads) BLAS thread\(BLAS.threads == 1 ? "" : "s")"
                  + " (\(Communicators.mpiLibrary ?? "no MPI in this build")); medians of \(repeats) × \(steps) steps, best in brackets")
            print("workload       batch  step ms           images/s   gradients MB  allreduce ms alone   in allreduce ms/step  share")
        }
        var rows: [[String: Any]] = []
        for workload in try chosen() {
            let r = ScalingBenchmark.run(workload, images: train, communicator: world, steps: steps, repeats: repeats)
            guard speaks else { continue }
            let row: [String: Any] = [
                "workload": workload.rawValue, "processes": r.processes, "threads_per_process": r.threadsPerProcess,
                "global_batch": r.globalBatch, "step_ms_median": r.stepSeconds.median * 1000, "step_ms_best": r.stepSeconds.best * 1000,
                "images_per_sec": r.imagesPerSecond, "gradient_bytes": r.gradientBytes,
                "allreduce_ms_median": r.allreduceSeconds.median * 1000, "allreduce_ms_best": r.allreduceSeconds.best * 1000,
                "allreduce_ms_per_step": r.allreduceSecondsPerStep * 1000, "allreduce_share": r.allreduceShare]
            rows.append(row)
            if !json {
                print(workload.title.padding(toLength: 14, withPad: " ", startingAt: 0)
                      + String(format: " %5d  %6.2f [%6.2f]  %9.0f  %12.2f  %7.3f [%7.3f]   %10.3f            %5.1f%%",
                               r.globalBatch, r.stepSeconds.median * 1000, r.stepSeconds.best * 1000, r.imagesPerSecond,
                               Double(r.gradientBytes) / 1e6, r.allreduceSeconds.median * 1000, r.allreduceSeconds.best * 1000,
                               r.allreduceSecondsPerStep * 1000, r.allreduceShare * 100))
            }
        }
        if speaks && json { printJSON(["processes": world.size, "threads_per_process": BLAS.threads, "rows": rows]) }
    }
}

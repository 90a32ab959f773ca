import ArgumentParser
import Foundation
import Latent

struct GemmBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gemm",
        abstract: "W7: float32 matrix products (GFLOP/s) against numpy and torch.",
        discussion: "Example:\n  latent bench gemm --threads 1 --python /path/to/venv/bin/python")

    @OptionGroup var options: BenchOptions

    func run() throws {
        let counts = try options.threadCounts()
        options.printSystemSummary()
        let (runner, reason) = ReferenceRunner.locate(python: options.python, reference: options.reference)
        if runner == nil && !options.json { print("numpy and torch skipped — \(reason)") }
        var reference: [String: Any] = [:]
        if let runner {
            reference = try runner.run("gemm.py", ["--threads", counts.map(String.init).joined(separator: ",")], threads: counts.max()!)
        }
        let refRows = (reference["results"] as? [[String: Any]]) ?? []
        var rows: [[String: Any]] = []
        if !options.json {
            print("W7 sgemm, GFLOP/s (median of 7 trials; best in brackets)")
            print("shape                     thr   Latent          numpy           torch           Latent/numpy")
        }
        for threads in counts {
            BLAS.threads = threads
            for s in GemmBenchmark.shapes {
                let r = GemmBenchmark.run(m: s.m, k: s.k, n: s.n)
                let ref = refRows.first { ($0["shape"] as? String) == r.shape }
                let numpy = (ref?["numpy_gflops_\(threads)t"] as? [String: Any])?["median"] as? Double
                let torch = (ref?["torch_gflops_\(threads)t"] as? [String: Any])?["median"] as? Double
                rows.append(["shape": r.shape, "threads": threads, "latent_median": r.gflops.median, "latent_best": r.gflops.best,
                             "numpy_median": numpy ?? NSNull(), "torch_median": torch ?? NSNull(),
                             "ratio_vs_numpy": numpy.map { r.gflops.median / $0 } ?? NSNull()])
                if !options.json {
                    func cell(_ v: Double?) -> String { v.map { String(format: "%7.1f", $0) } ?? "      —" }
                    print("\(r.shape.padding(toLength: 25, withPad: " ", startingAt: 0)) \(threads)   "
                          + "\(cell(r.gflops.median)) [\(cell(r.gflops.best))]  \(cell(numpy))         \(cell(torch))         \(ratioText(r.gflops.median, numpy))")
                }
            }
        }
        if options.json { printJSON(["workload": "W7", "rows": rows]) }
    }
}

import ArgumentParser
import Foundation
import Latent

/// Options every benchmark shares.
struct BenchOptions: ParsableArguments {
    @Option(help: "Comma-separated thread counts to measure.")
    var threads: String = "1,2"

    @Option(help: "Python with torch and scikit-learn for the reference runs (default: $LATENT_PYTHON; none: Latent only).")
    var python: String?

    @Option(help: "Python with jax and optax for the JAX peers (default: $LATENT_JAX_PYTHON, else --python).")
    var jaxPython: String?

    @Option(help: "Which peers to run, comma-separated: \(PeerCatalog.ids.joined(separator: ", ")) (default: every one the workload has and the Pythons can import).")
    var peers: String?

    @Option(help: "Folder of the reference scripts (default: $LATENT_REFERENCE or ../shared/benchmarks/reference).")
    var reference: String?

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    func validate() throws {
        _ = try threadCounts()
        _ = try peerIDs()
    }

    func threadCounts() throws -> [Int] {
        let values = try integerList(threads, name: "--threads")
        if let bad = values.first(where: { !BLAS.threadRange.contains($0) }) {
            throw ValidationError("--threads values must be from \(BLAS.threadRange.lowerBound) to \(BLAS.threadRange.upperBound), got \(bad)")
        }
        return values
    }

    /// The peers `--peers` names, or nil for all.
    func peerIDs() throws -> Set<String>? {
        guard let peers else { return nil }
        let ids = peers.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        if let bad = ids.first(where: { !PeerCatalog.ids.contains($0) }) {
            throw ValidationError("--peers: unknown peer '\(bad)'; peers are \(PeerCatalog.ids.joined(separator: ", "))")
        }
        return Set(ids)
    }

    /// Prints `latent doctor`'s one-line summary (and its warnings) once per process, above the first table.
    func printSystemSummary() {
        guard !json, !BenchOptions.printedSummary else { return }
        BenchOptions.printedSummary = true
        let report = SystemReport.current()
        // A narrower kernel was already warned about on standard error at launch; the table's record names it once.
        let narrower = BLASKernelChoice.isNarrower(report.kernel, than: report.bestKernel)
        print("system: \(report.summary(threadsText: "threads \(threads)"))" + (narrower ? " (narrower than this CPU's best, \(report.bestKernel))" : ""))
        for warning in report.warnings where !warning.contains("logical CPUs") && !warning.contains("BLAS kernel") { print("warning: \(warning)") }
    }

    nonisolated(unsafe) static var printedSummary = false
}

func printJSON(_ object: Any) {
    if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted]) {
        print(String(decoding: data, as: UTF8.self))
    }
}

func ratioText(_ a: Double, _ b: Double?) -> String {
    guard let b, b > 0 else { return "—" }
    return String(format: "%.2f×", a / b)
}

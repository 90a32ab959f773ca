import ArgumentParser
import Foundation
import Latent

struct InpaintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inpaint",
        abstract: "Remove rows of unseen test images and let the model restore them.",
        discussion: "Example:\n  latent inpaint rbm-mnist --rows 10:16 --n 16")

    @OptionGroup var target: RunArgument
    @Option(help: "Removed rows, start:end (end excluded), anywhere in the image; 0:0 removes nothing (calibration: the restoration must equal the input).") var rows = "10:16"
    @Option(help: "Gibbs steps of the restoring chain, known pixels clamped.") var gibbsSteps = InpaintingOptions.defaultGibbsSteps
    @Option(help: "Number of test images (at least 100 with --sweep).") var n = 16
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Flag(help: "Print JSON.") var json = false
    @Option(help: "Output PNG (default: the run's images/inpaint-<start>-<end>.png).") var output: String?
    @Flag(help: "Plot the error against the number of removed rows, at the top, middle and bottom (plots/inpaint-sweep.svg).") var sweep = false

    /// `--rows` as a range; its end is checked against the image's height once the run is open.
    static func parseRows(_ text: String) throws -> Range<Int> {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let start = parts[0], let end = parts[1], start >= 0, start <= end else {
            throw ValidationError("--rows wants start:end with 0 ≤ start ≤ end (end excluded), e.g. 10:16; got '\(text)'")
        }
        return start..<end
    }

    func validate() throws {
        _ = try Self.parseRows(rows)
        try Check.atLeast(n, 1, "--n")
        try Check.atLeast(gibbsSteps, 1, "--gibbs-steps", maximum: 1_000_000)
    }

    func run() throws {
        let run = try openRun(target)
        if sweep {
            let result = try run.inpaintingSweep(InpaintingSweepOptions(count: Swift.max(n, 100), seed: seed, showsProgress: !json, gibbsSteps: gibbsSteps))
            let path = try result.write()
            if json {
                let points = result.points.map { ["place": $0.place.rawValue, "rows": $0.rows, "error": $0.error] as [String: Any] }
                return writeJSON(["run": run.name, "images": result.count, "results": points])
            }
            return print(path)
        }
        let result = try run.inpaint(InpaintingOptions(rows: try Self.parseRows(rows), count: n, seed: seed, gibbsSteps: gibbsSteps))
        let path = try result.write(to: output)
        if json {
            return writeJSON(["run": run.name, "images": result.count, "rows": "\(result.rows.lowerBound):\(result.rows.upperBound)",
                              "mse_removed": result.meanSquaredError, "grid": path])
        }
        print(path)
        print(String(format: "mean squared error on the removed rows: %.5f", result.meanSquaredError))
    }
}

import ArgumentParser
import Foundation
import Latent

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Runs side by side: one table of every metric (Markdown and HTML), sample grids, curves overlaid.",
        discussion: """
        Metrics are each run's last epoch and everything `latent evaluate` saved for it.

        Example:
          latent compare prior-mog dcgan-mnist rbm-pcd1 --output runs/compare-mnist
        """)

    @Argument(help: "Two or more runs.") var names: [String]
    @OptionGroup var location: RunsLocation
    @Option(help: "Output folder (default: runs/compare-<first>-<last>).") var output: String?

    func validate() throws {
        guard names.count >= 2 else { throw ValidationError("name at least two runs, got \(names.count)") }
    }

    func run() throws {
        let runs = try names.map { try RunDirectory.open($0, root: location.runs) }
        let folder = output ?? location.runs + "/compare-\(runs.first!.name)-\(runs.last!.name)"
        let files = try RunComparison(runs: runs).write(to: folder)
        print(try String(contentsOfFile: files[0], encoding: .utf8))
        for f in files { print(f) }
    }
}

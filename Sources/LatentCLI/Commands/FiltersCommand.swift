import ArgumentParser
import Foundation
import Latent

struct FiltersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "filters",
        abstract: "Show the weights of a layer as images, each stretched to its own range.",
        discussion: "Example:\n  latent filters rbm-mnist --layer 1 --n 100")

    @OptionGroup var target: RunArgument
    @Option(help: "Layer (1 = next to the pixels).") var layer = 1
    @Option(help: "How many filters to show.") var n = 100
    @Option(help: "Output PNG (default: the run's images/filters-layer<k>.png).") var output: String?

    func validate() throws {
        try Check.atLeast(layer, 1, "--layer")
        try Check.atLeast(n, 1, "--n")
    }

    func run() throws {
        print(try openRun(target).filters(FilterOptions(layer: layer, count: n)).write(to: output))
    }
}

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
        let (run, model) = try loadRun(target)
        let f = try require(model, (any FilterModel).self, family: run.config.family, command: "filters",
                            supportedBy: "RBM, DBM, VAE and AE")
        guard layer >= 1, layer <= f.filterLayers else {
            throw CommandFailure("--layer must be between 1 and \(f.filterLayers) for this model, got \(layer)")
        }
        let weights = try f.filters(layer: layer)
        let shown = weights.rows(0..<Swift.min(n, weights.shape[0]))
        let path = output ?? run.image("filters-layer\(layer).png")
        try ImageGrid.filters(shown, imageShape: run.config.imageShape, scale: 2).write(to: path)
        print(path)
    }
}

import ArgumentParser
import Foundation
import Latent

struct LatentHistogramsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "latent-histograms",
        abstract: "Histogram of each latent dimension over test images, with the prior's N(0, 1) density for VAEs.",
        discussion: """
        One small chart per dimension of the codes (posterior means of VAE, AE and PPCA, hidden probabilities \
        of an RBM, mean-field activations of a DBM), for the first --dimensions dimensions (16 by default; all \
        when the code is shorter), written to plots/latent-histograms.svg. Where the prior is N(0, I) (VAEs with \
        the standard prior, PPCA) its density is drawn dashed over each histogram: a dimension squeezed to a \
        spike at 0 is one the model does not use.

        Example:
          latent latent-histograms vae-mnist --n 2000 --dimensions 32
        """)

    @OptionGroup var target: RunArgument
    @Option(help: "Number of test images whose codes are counted.") var n = 2_000
    @Option(help: "Draw the first N dimensions of the code (all when it has fewer).") var dimensions = 16
    @Option(help: "Bins per histogram.") var bins = 30
    @Option(help: "Output SVG (default: the run's plots/latent-histograms.svg).") var output: String?

    func validate() throws {
        try Check.atLeast(n, 1, "--n")
        try Check.atLeast(dimensions, 1, "--dimensions", maximum: 256)
        try Check.atLeast(bins, 1, "--bins", maximum: 1_000)
    }

    func run() throws {
        print(try openRun(target).latentHistograms(LatentHistogramsOptions(count: n, dimensions: dimensions, bins: bins)).write(to: output))
    }
}

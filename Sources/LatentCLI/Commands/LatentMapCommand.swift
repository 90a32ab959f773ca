import ArgumentParser
import Foundation
import Latent

struct LatentMapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "latent-map",
        abstract: "Posterior means of test (or training) images reduced to 2-D by PCA, coloured by class.",
        discussion: """
        With --compare, the second run's map is drawn beside the first (e.g. AE against VAE).
        With --split train, the codes are those of training images prepared as for training: a fixed \
        random subset of --n of them (the same for every run on the data set), written to \
        plots/latent-map-train.svg so the test map is kept.

        Examples:
          latent latent-map vae-mnist --compare ae-mnist --n 2000
          latent latent-map vae-mnist --compare ae-mnist --split train
        """)

    @OptionGroup var target: RunArgument
    @Option(help: "A second run to draw beside the first.") var compare: String?
    @Option(help: "Number of images (t-SNE: at most a few thousand, it is exact and O(N²)).") var n = 2_000
    @Option(help: "Images to encode: test (the first N test images) or train (a fixed random subset of N training images, prepared as for training).") var split = "test"
    @Option(help: "Reduction to 2-D: pca or tsne.") var method = "pca"
    @Option(help: "t-SNE perplexity.") var perplexity: Double = 30
    @Option(help: "Output SVG (default: the run's plots/latent-map.svg; latent-map-tsne… with t-SNE, …-train.svg with --split train, …-compare.svg with --compare).") var output: String?

    func validate() throws {
        guard LatentMapOptions.Method(rawValue: method) != nil else { throw ValidationError("--method must be pca or tsne, got '\(method)'") }
        guard LatentMapOptions.Split(rawValue: split) != nil else { throw ValidationError("--split must be train or test, got '\(split)'") }
        // t-SNE holds N×N distances and affinities: a few thousand points is what it is for.
        try Check.atLeast(n, method == "tsne" ? 4 : 1, "--n" + (method == "tsne" ? " (with --method tsne)" : ""),
                          maximum: method == "tsne" ? 20_000 : Check.largestCount)
        try Check.positive(perplexity, "--perplexity")
        guard perplexity <= 10_000 else { throw ValidationError("--perplexity must be at most 10000, got \(perplexity)") }
    }

    func run() throws {
        let options = LatentMapOptions(count: n, method: LatentMapOptions.Method(rawValue: method) ?? .pca, perplexity: perplexity,
                                       split: LatentMapOptions.Split(rawValue: split) ?? .test)
        let runs = try [openRun(target)] + (compare.map { [try TrainedRun.open($0, root: target.location.runs)] } ?? [])
        print(try LatentMap.write(runs.map { try $0.latentMap(options) }, to: output))
    }
}

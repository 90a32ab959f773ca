import ArgumentParser
import Foundation
import Latent

struct DenoiseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "denoise",
        abstract: "Corrupt test images, let the model reconstruct them, and score the result against the clean images.",
        discussion: """
        Writes a figure with a row each of corrupted inputs, reconstructions and clean originals (images/denoise.png) \
        and the error against the noise level for the input and the reconstruction (plots/denoise.svg), and prints the table. \
        Made for denoising autoencoders (train ae --noise gaussian:0.3); any model that reconstructs works.

        Examples:
          latent train ae --data mnist --noise gaussian:0.3 --name dae
          latent denoise dae
          latent denoise dae --noise mask:0.5 --levels 0,0.25,0.5,0.75
        """)

    @OptionGroup var target: RunArgument
    @Option(help: "Corruption of the figure: gaussian:STD or mask:P (default: the run's training noise, else gaussian:0.3).") var noise: String?
    @Option(help: "Levels of the same kind for the table, comma-separated (default 0,0.1,0.2,0.3,0.5,0.7).") var levels: String?
    @Option(help: "Test images in the figure.") var n = 8
    @Option(help: "Test images scored at each level.") var scored = 1_000
    @Option(help: "Random seed of the noise.") var seed: UInt64 = 1
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        try Check.atLeast(n, 1, "--n", maximum: 1_000)
        try Check.atLeast(scored, 1, "--scored")
        if let levels { _ = try floatList(levels, name: "--levels") }
    }

    func run() throws {
        let options = DenoisingOptions(noise: noise, levels: try levels.map { try floatList($0, name: "--levels") }, count: n,
                                       scored: scored, seed: seed)
        let result = try openRun(target).denoise(options)
        let (figure, plot) = try result.write()
        if json {
            return writeJSON(["noise": result.noise, "images": result.scored, "figure": figure, "plot": plot,
                              "levels": result.points.map { ["level": Double($0.level), "mse_input": $0.noisyError, "mse_reconstruction": $0.restoredError] }])
        }
        print(figure)
        print(plot)
        print("mean squared error per pixel against the clean image, \(result.scored) test images:")
        print("level      input    reconstruction")
        for p in result.points { print(String(format: "%-8g %8.5f %12.5f", p.level, p.noisyError, p.restoredError)) }
    }
}

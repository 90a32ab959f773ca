import ArgumentParser
import Foundation
import Latent

struct InterpolateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "interpolate",
        abstract: "Walk in a straight line through latent space and decode every step.",
        discussion: """
        Between two test images (--from, --to: their indices), or between random latent draws, one row per pair.

        Examples:
          latent interpolate vae-fashion-mnist --steps 20
          latent interpolate vae-fashion-mnist --from 0 --to 1
          latent interpolate vae-fashion-mnist --from 0 --to 1 --draw
        """)

    @OptionGroup var target: RunArgument
    @Option(help: "Images per row, both ends included.") var steps = 20
    @Option(help: "Rows of random pairs (ignored with --from/--to).") var pairs = 5
    @Option(help: "Index of the first test image.") var from: Int?
    @Option(help: "Index of the second test image.") var to: Int?
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Conditional models: the class to decode with (default with --from: that image's class).") var `class`: Int?
    @Option(help: "Output PNG (default: the run's images/interpolate.png).") var output: String?
    @Flag(help: "Draw every step's pixels x ~ p(x|z) from the model's likelihood instead of showing the mean image (VAE, AE, P-PCA; images/interpolate-drawn.png).") var draw = false

    func validate() throws {
        try Check.atLeast(steps, 2, "--steps", maximum: 10_000)
        try Check.atLeast(pairs, 1, "--pairs", maximum: 10_000)
        try Check.atLeast(from, 0, "--from", maximum: Int.max)
        try Check.atLeast(to, 0, "--to", maximum: Int.max)
        try Check.atLeast(`class`, 0, "--class")
        if (from == nil) != (to == nil) { throw ValidationError("give both --from and --to, or neither") }
    }

    func run() throws {
        let options = InterpolationOptions(steps: steps, pairs: pairs, from: from, to: to, seed: seed, classLabel: `class`, draw: draw)
        print(try openRun(target).interpolate(options).write(to: output))
    }
}

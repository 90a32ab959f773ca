import ArgumentParser
import Foundation
import Latent

struct ProjectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "project",
        abstract: "Place generated images in the data's own 2-D PCA plane, numbered, with a grid of the same numbers.",
        discussion: """
        The plane is fitted to the training images; test images form the coloured background.
        Comparing two models (e.g. a VAE and PPCA) this way shows where each puts its samples.
        Writes the run's plots/project.svg and images/project-samples.png.

        Example:
          latent project vae-mnist --n 20
        """)

    @OptionGroup var target: RunArgument
    @Option(help: "Generated images to place.") var n = 20
    @Option(help: "Test images in the background.") var background = 2_000
    @Option(help: "Random seed.") var seed: UInt64 = 1

    func validate() throws {
        try Check.atLeast(n, 1, "--n", maximum: 100_000)
        try Check.atLeast(background, 1, "--background")
    }

    func run() throws {
        let written = try openRun(target).project(ProjectionOptions(count: n, background: background, seed: seed)).write()
        print(written.plot)
        print(written.grid)
    }
}

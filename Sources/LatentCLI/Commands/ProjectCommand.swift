import ArgumentParser
import Foundation
import Latent

struct ProjectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "project",
        abstract: "Place generated images in the data's own 2-D PCA plane, numbered, with a grid of the same numbers.",
        discussion: """
        The plane is fitted to the training images; test images form the coloured background. \
        By default it places random samples: writes the run's plots/project.svg and images/project-samples.png.

        With --walk it places the --n images of a straight latent walk between two random codes z, z' \
        (ends included), numbered and joined in order, for the run and every --compare run (VAE, AE, \
        P-PCA, GAN; same image shape) in one plane fitted to the first run's training images: writes \
        the first run's plots/project-walk.svg and images/project-walk.png (one row of images per run; \
        project-walk-compare.* with --compare).

        Examples:
          latent project vae-mnist --n 20
          latent project vae-faces --walk --compare ppca-faces --n 20
        """)

    @OptionGroup var target: RunArgument
    @Option(help: "Generated images to place (with --walk: images along the walk, ends included).") var n = 20
    @Option(help: "Test images in the background.") var background = 2_000
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Flag(help: "Place a straight latent walk between two random codes instead of random samples.") var walk = false
    @Option(parsing: .upToNextOption, help: "With --walk: other runs whose walks are drawn in the same plane (they take every word up to the next option, so name the run first).") var compare: [String] = []
    @Option(help: "With --walk, conditional models: the class to decode with.") var `class`: Int?

    func validate() throws {
        try Check.atLeast(n, walk ? 2 : 1, "--n" + (walk ? " (with --walk)" : ""), maximum: 100_000)
        try Check.atLeast(background, 1, "--background")
        try Check.atLeast(`class`, 0, "--class")
        guard walk || (compare.isEmpty && `class` == nil) else { throw ValidationError("--compare and --class need --walk") }
    }

    func run() throws {
        let run = try openRun(target)
        if walk {
            let others = try compare.map { try TrainedRun.open($0, root: target.location.runs) }
            let options = LatentWalkOptions(count: n, background: background, seed: seed, classLabel: `class`)
            let written = try run.latentWalk(options, compare: others).write()
            print(written.plot)
            print(written.strips)
        } else {
            let written = try run.project(ProjectionOptions(count: n, background: background, seed: seed)).write()
            print(written.plot)
            print(written.grid)
        }
    }
}

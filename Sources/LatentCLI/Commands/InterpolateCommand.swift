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
        """)

    @OptionGroup var target: RunArgument
    @Option(help: "Images per row, both ends included.") var steps = 20
    @Option(help: "Rows of random pairs (ignored with --from/--to).") var pairs = 5
    @Option(help: "Index of the first test image.") var from: Int?
    @Option(help: "Index of the second test image.") var to: Int?
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Conditional models: the class to decode with.") var `class`: Int?
    @Option(help: "Output PNG (default: the run's images/interpolate.png).") var output: String?

    func validate() throws {
        try Check.atLeast(steps, 2, "--steps", maximum: 10_000)
        try Check.atLeast(pairs, 1, "--pairs", maximum: 10_000)
        try Check.atLeast(from, 0, "--from", maximum: Int.max)
        try Check.atLeast(to, 0, "--to", maximum: Int.max)
        try Check.atLeast(`class`, 0, "--class")
        if (from == nil) != (to == nil) { throw ValidationError("give both --from and --to, or neither") }
    }

    func run() throws {
        let (run, model) = try loadRun(target)
        let latentModel = try require(model, (any LatentSpaceModel).self, family: run.config.family, command: "interpolate",
                                      supportedBy: "VAE, AE, GAN and DCGAN")
        var rng = RandomGenerator(seed: seed)
        let ends: (Tensor, Tensor)
        var decodeClass = `class`
        if from != nil || to != nil {
            guard let from, let to else { throw CommandFailure("give both --from and --to") }
            let test = try testImages(run)
            guard from < test.images.shape[0], to < test.images.shape[0] else {
                throw CommandFailure("--from and --to must be test indices below \(test.images.shape[0]), got \(from) and \(to)")
            }
            let codes = try latentModel.encode(test.images.gatherRows([from, to]), labels: [test.labels[from], test.labels[to]])
            ends = (codes.rows(0..<1), codes.rows(1..<2))
            if decodeClass == nil { decodeClass = test.labels[from] }
        } else {
            let a = Tensor.normal([pairs, latentModel.latentSize], rng: &rng)
            let b = Tensor.normal([pairs, latentModel.latentSize], rng: &rng)
            ends = (a, b)
        }
        let rows = ends.0.shape[0]
        var codes: [Tensor] = []
        for r in 0..<rows {
            let a = ends.0.rows(r..<(r + 1)), b = ends.1.rows(r..<(r + 1))
            for s in 0..<steps {
                let t = Float(s) / Float(steps - 1)
                codes.append(a * (1 - t) + b * t)
            }
        }
        let all = Tensor.concatenate(codes, axis: 0)
        let images = display(try latentModel.decode(all, labels: decodeClass.map { Array(repeating: $0, count: all.shape[0]) }), run)
        let path = output ?? run.image("interpolate.png")
        try ImageGrid(images: images, columns: steps).render().write(to: path)
        print(path)
    }
}

import ArgumentParser
import Foundation
import Latent

struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Draw new images from a trained model as a grid (10×10 for 100).",
        discussion: "Example:\n  latent sample vae-fashion-mnist --n 100 --seed 3")

    @OptionGroup var target: RunArgument
    @Option(help: "Number of images.") var n = 100
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Output PNG (default: the run's images/sample-<n>.png).") var output: String?
    @Option(help: "Also save the samples as a float32 .npy array [N, C, H, W].") var npy: String?
    @Option(help: "Conditional models: draw only this class.") var `class`: Int?
    @Option(help: "RBM/DBM: Gibbs steps, comma-separated; one grid per value.") var gibbsSteps: String?
    @Flag(help: "RBM/DBM: start the chains at test images instead of random noise.") var fromData = false

    func validate() throws {
        try Check.atLeast(n, 1, "--n", maximum: 1_000_000)
        try Check.atLeast(`class`, 0, "--class")
        try Check.integers(gibbsSteps, "--gibbs-steps")
    }

    func run() throws {
        let (run, model) = try loadRun(target)
        let sampler = try require(model, (any SamplingModel).self, family: run.config.family, command: "sample",
                                  supportedBy: "VAE, AE, PPCA, GAN, DCGAN, RBM and DBM")
        var rng = RandomGenerator(seed: seed)
        if let gibbsSteps {
            let gibbs = try require(model, (any GibbsSamplingModel).self, family: run.config.family, command: "sample --gibbs-steps",
                                    supportedBy: "RBM and DBM")
            var start: Tensor?
            if fromData {
                let test = try testImages(run).images
                start = test.rows(0..<Swift.min(n, test.shape[0]))
            }
            for steps in try integerList(gibbsSteps, name: "--gibbs-steps") {
                var chainRng = RandomGenerator(seed: seed)   // the same starting noise for every length
                var grid = ImageGrid(images: display(gibbs.sample(start?.shape[0] ?? n, gibbsSteps: steps, from: start, rng: &chainRng), run))
                grid.title = "\(steps) Gibbs steps from \(fromData ? "test images" : "noise")"
                let path = run.image("sample-gibbs-\(steps)\(fromData ? "-from-data" : "").png")
                try grid.render().write(to: path)
                print(path)
            }
            return
        }
        let drawn: Tensor
        if let chosen = `class` {
            guard let conditional = sampler as? any ConditionalSamplingModel, let classes = conditional.conditionalClasses else {
                throw CommandFailure("--class needs a conditional model (train with --conditional)")
            }
            guard chosen < classes else { throw CommandFailure("--class must be below \(classes) (the model's classes are 0 to \(classes - 1)), got \(chosen)") }
            drawn = conditional.sample(n, classes: Array(repeating: chosen, count: n), rng: &rng)
        } else {
            drawn = sampler.sample(n, rng: &rng)
        }
        let images = display(drawn, run)
        let path = output ?? run.image(`class`.map { "sample-\(n)-class\($0).png" } ?? "sample-\(n).png")
        try ImageGrid(images: images).render().write(to: path)
        if let npy { try NPY.write(images, to: npy); print(npy) }
        print(path)
    }
}

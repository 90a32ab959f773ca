import ArgumentParser
import Foundation
import Latent

struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Draw new images from a trained model as a grid (10×10 for 100).",
        discussion: "Examples:\n  latent sample vae-fashion-mnist --n 100 --seed 3\n  latent sample gan-fashion-mnist --n 16 --beside-real")

    @OptionGroup var target: RunArgument
    @Option(help: "Number of images.") var n = 100
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Output PNG (default: the run's images/sample-<n>.png).") var output: String?
    @Option(help: "Also save the samples as a float32 .npy array [N, C, H, W].") var npy: String?
    @Option(help: "Conditional models: draw only this class.") var `class`: Int?
    @Option(help: "RBM/DBM: Gibbs steps, comma-separated; one grid per value (images/sample-gibbs-<k>.png).") var gibbsSteps: String?
    @Flag(help: "RBM/DBM: start the chains at test images instead of random noise.") var fromData = false
    @Flag(help: "Show as many real test images beside the samples (images/sample-<n>-beside-real.png).") var besideReal = false

    func validate() throws {
        try Check.atLeast(n, 1, "--n", maximum: 1_000_000)
        try Check.atLeast(`class`, 0, "--class")
        try Check.integers(gibbsSteps, "--gibbs-steps")
    }

    func run() throws {
        let options = SamplingOptions(count: n, seed: seed, classLabel: `class`,
                                      gibbsSteps: try gibbsSteps.map { try integerList($0, name: "--gibbs-steps") } ?? [],
                                      fromData: fromData, besideReal: besideReal)
        for path in try openRun(target).sample(options).write(to: output, npy: npy) { print(path) }
    }
}

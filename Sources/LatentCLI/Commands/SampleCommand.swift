import ArgumentParser
import Foundation
import Latent

struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Draw new images from a trained model as a grid (10×10 for 100).",
        discussion: "Examples:\n  latent sample vae-fashion-mnist --n 100 --seed 3\n  latent sample gan-fashion-mnist --n 16 --beside-real\n  latent sample vae-mnist --n 64 --draw\n  latent sample ddpm-mnist --n 64 --steps 50\n  latent sample ddpm-mnist --n 64 --steps 50 --eta 1")

    @OptionGroup var target: RunArgument
    @Option(help: "Number of images.") var n = 100
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Output PNG (default: the run's images/sample-<n>.png).") var output: String?
    @Option(help: "Also save the samples as a float32 .npy array [N, C, H, W].") var npy: String?
    @Option(help: "Conditional models: draw only this class.") var `class`: Int?
    @Option(help: "RBM/DBM: Gibbs steps, comma-separated; one grid per value (images/sample-gibbs-<k>.png).") var gibbsSteps: String?
    @Flag(help: "RBM/DBM: start the chains at test images instead of random noise.") var fromData = false
    @Flag(help: "Show as many real test images beside the samples (images/sample-<n>-beside-real.png).") var besideReal = false
    @Option(help: "Diffusion models (ddpm): this many deterministic DDIM steps instead of the full ancestral chain of T steps (images/sample-<n>-ddim<steps>.png). A bar shows the time left either way.") var steps: Int?
    @Option(help: "Diffusion models (ddpm) with --steps: DDIM's η, the noise added at each step (0, the default: deterministic; 1 with --steps T: the ancestral chain step for step). Other families refuse it (images/sample-<n>-ddim<steps>-eta<η>.png).") var eta: Float?
    @Flag(help: "Draw the pixels x ~ p(x|z) from the model's likelihood instead of showing the mean image: Bernoulli (binary), Gaussian with its σ, 256 gray levels; P-PCA: Gaussian with its fitted σ; RBM/DBM: binary visible states. GANs refuse it. Files end in -drawn (images/sample-<n>-drawn.png).") var draw = false

    func validate() throws {
        try Check.atLeast(n, 1, "--n", maximum: 1_000_000)
        try Check.atLeast(`class`, 0, "--class")
        try Check.atLeast(steps, 1, "--steps")
        if let eta, !(eta >= 0 && eta.isFinite) { throw ValidationError("--eta must be a number ≥ 0, got \(eta)") }
        try Check.integers(gibbsSteps, "--gibbs-steps")
    }

    func run() throws {
        let options = SamplingOptions(count: n, seed: seed, classLabel: `class`,
                                      gibbsSteps: try gibbsSteps.map { try integerList($0, name: "--gibbs-steps") } ?? [],
                                      fromData: fromData, besideReal: besideReal, draw: draw, steps: steps, eta: eta)
        for path in try openRun(target).sample(options).write(to: output, npy: npy) { print(path) }
    }
}

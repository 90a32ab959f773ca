import ArgumentParser
import Foundation
import Latent

struct ReconstructCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconstruct",
        abstract: "Unseen test images beside their reconstructions.",
        discussion: "Examples:\n  latent reconstruct vae-fashion-mnist --n 16\n  latent reconstruct vae-fashion-mnist --n 16 --draw")

    @OptionGroup var target: RunArgument
    @Option(help: "Number of test images.") var n = 16
    @Option(help: "Output PNG (default: the run's images/reconstruct-test.png).") var output: String?
    @Flag(help: "Also draw each reconstruction's pixels x ~ p(x|z) from the model's likelihood: Bernoulli (binary), Gaussian with its σ, 256 gray levels; P-PCA: Gaussian with its fitted σ; RBM/DBM: binary visible states after one Gibbs step. Shown as real, mean, drawn (images/reconstruct-test-drawn.png); the error stays the mean's. GANs refuse it.") var draw = false
    @Flag(help: "Print JSON.") var json = false

    func validate() throws { try Check.atLeast(n, 1, "--n") }

    func run() throws {
        let run = try openRun(target)
        let result = try run.reconstruct(ReconstructionOptions(count: n, draw: draw))
        let path = try result.write(to: output)
        if json { return writeJSON(["run": run.name, "images": result.count, "mse_per_pixel": result.meanSquaredError, "grid": path]) }
        print(path)
        print(String(format: "mean squared error per pixel: %.5f", result.meanSquaredError))
    }
}

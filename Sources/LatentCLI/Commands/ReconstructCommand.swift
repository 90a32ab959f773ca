import ArgumentParser
import Foundation
import Latent

struct ReconstructCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconstruct",
        abstract: "Unseen test images beside their reconstructions.",
        discussion: "Example:\n  latent reconstruct vae-fashion-mnist --n 16")

    @OptionGroup var target: RunArgument
    @Option(help: "Number of test images.") var n = 16
    @Option(help: "Output PNG (default: the run's images/reconstruct-test.png).") var output: String?
    @Flag(help: "Print JSON.") var json = false

    func validate() throws { try Check.atLeast(n, 1, "--n") }

    func run() throws {
        let (run, model) = try loadRun(target)
        let rec = try require(model, (any ReconstructingModel).self, family: run.config.family, command: "reconstruct",
                              supportedBy: "VAE, AE, PPCA, RBM and DBM")
        let test = try testImages(run)
        let count = Swift.min(n, test.images.shape[0])
        let real = test.images.rows(0..<count)
        var rng = RandomGenerator(seed: 1)
        let back = try rec.reconstruct(real, labels: Array(test.labels.prefix(count)), rng: &rng)
        let columns = Swift.max(1, Int(Double(real.shape[0]).squareRoot().rounded(.up)))
        let path = output ?? run.image("reconstruct-test.png")
        try ImageGrid.sideBySide([display(real, run), display(back, run)], captions: ["real", "reconstructed"],
                                 columns: columns, scale: 2).write(to: path)
        let mse = withoutGradient { Loss.meanSquaredError(back, real).item }
        if json { return writeJSON(["run": run.name, "images": real.shape[0], "mse_per_pixel": Double(mse), "grid": path]) }
        print(path)
        print(String(format: "mean squared error per pixel: %.5f", mse))
    }
}

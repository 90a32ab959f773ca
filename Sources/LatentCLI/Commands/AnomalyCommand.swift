import ArgumentParser
import Foundation
import Latent

struct AnomalyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anomaly",
        abstract: "Score the run's test images and another data set's by the model, and report how well each score tells them apart (AUROC).",
        discussion: """
        The run's test images are in-distribution, the other data set's test images out-of-distribution (the positive \
        class); both are scaled and binarized as the run's data and must have the same image shape. Each score is higher \
        for images the model finds less likely: the reconstruction error (models that reconstruct) and the negative \
        log-likelihood or its bound (VAE: -ELBO and the importance-sampled NLL; PPCA: the exact NLL; RBM: the free energy; \
        DBM: the negative variational bound). An AUROC of 1 separates the sets perfectly, 0.5 is chance. \
        Writes plots/anomaly-<score>.svg (the two histograms beside the ROC curve) and anomaly.json, adds \
        anomaly_auroc_<score> to evaluation.json and prints the table.

        Examples:
          latent train vae --data mnist --name vae-mnist
          latent anomaly vae-mnist --other fashion-mnist
          latent anomaly vae-mnist --other data/letters.npy --n 500 --samples 50
        """)

    @OptionGroup var target: RunArgument
    @Option(help: "The out-of-distribution data set: a registered name or a path, with images of the run's shape.") var other: String
    @Option(help: "Test images scored from each data set.") var n = 1_000
    @Option(help: "Draws from q(z|x) per image for a VAE's -ELBO and importance-sampled NLL.") var samples = 10
    @Option(help: "Random seed of those draws.") var seed: UInt64 = 1
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        try Check.atLeast(n, 1, "--n")
        try Check.atLeast(samples, 1, "--samples", maximum: 100_000)
    }

    func run() throws {
        let result = try openRun(target).anomaly(AnomalyOptions(other: other, images: n, samples: samples, seed: seed))
        let paths = try result.write()
        if json {
            return writeJSON(["data": result.data, "other": result.other, "in_images": result.inImages, "out_images": result.outImages,
                              "files": paths, "auroc": Dictionary(uniqueKeysWithValues: result.scores.map { ($0.name, $0.auroc) })])
        }
        paths.forEach { print($0) }
        print("AUROC (out-of-distribution = positive): \(result.inImages) test images of \(result.data) against \(result.outImages) of \(result.other)")
        print("score                  AUROC   mean in      mean out")
        for s in result.scores {
            let mean = { (v: [Double]) in v.reduce(0, +) / Double(v.count) }
            print(s.name.padding(toLength: 20, withPad: " ", startingAt: 0)
                  + String(format: " %7.3f %12.5g %12.5g", s.auroc, mean(s.inDistribution), mean(s.outOfDistribution)))
        }
    }
}

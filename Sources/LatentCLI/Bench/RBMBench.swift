import ArgumentParser
import Foundation
import Latent

struct RBMBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rbm",
        abstract: "W2: scikit-learn's BernoulliRBM setting (100 hidden, batch 10, PCD-1) on Fashion-MNIST against scikit-learn and JAX.",
        discussion: """
        Both sides do the same work per step: the PCD-1 update only (Latent's training loop also \
        monitors the reconstruction error; the benchmark leaves it out, as scikit-learn computes none). \
        The test pseudo-likelihood (scikit-learn's definition) is scored after training, untimed.
        Example:
          latent bench rbm --epochs 3 --threads 1 --python /path/to/venv/bin/python
        """)

    @OptionGroup var options: BenchOptions

    @Option(help: "Epochs over the 60,000 training images (one takes well under a second).")
    var epochs = 3

    func validate() throws { try Check.atLeast(epochs, 1, "--epochs", maximum: 10_000) }

    func run() throws {
        let train = try DatasetLocations.loadFashionMNIST(.train).flatImages
        let test = try DatasetLocations.loadFashionMNIST(.test).flatImages
        let arguments = ["--epochs", String(epochs)]
        let comparison = ThroughputComparison(
            options: options, workload: "W2",
            title: "Bernoulli RBM, 100 hidden, lr 0.01, batch 10, PCD-1, Fashion-MNIST, \(epochs) epoch\(epochs == 1 ? "" : "s")",
            peers: [PeerCatalog.sklearn("rbm_sklearn.py", arguments), PeerCatalog.jax("rbm_sklearn_jax.py", arguments)],
            quality: (name: "test pseudo-likelihood", key: "test_pseudo_likelihood_per_epoch"))
        try comparison.run {
            let r = RBMTrainingBenchmark.run(train: train, test: test, epochs: epochs)
            return .init(imagesPerSecond: r.imagesPerSecond, quality: r.testPseudoLikelihood)
        }
    }
}

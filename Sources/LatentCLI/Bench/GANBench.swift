import ArgumentParser
import Foundation
import Latent

/// W4 and W5 share everything but the networks and the reference scripts.
struct GANBenchRunner {
    let options: BenchOptions
    let convolutional: Bool
    let steps: Int

    func run() throws {
        let train = try DatasetLocations.loadFashionMNIST(.train).flatImages
        let peers = convolutional
            ? [PeerCatalog.torch("dcgan.py", ["--steps", String(steps)])]
            : [PeerCatalog.torch("gan_mlp.py", ["--epochs", "1", "--steps", String(steps)]),
               PeerCatalog.jax("gan_mlp_jax.py", ["--epochs", "1", "--steps", String(steps)])]
        let comparison = ThroughputComparison(
            options: options, workload: convolutional ? "W5" : "W4",
            title: "\(convolutional ? "DCGAN 28×28, batch 64" : "MLP GAN, batch 512"), Fashion-MNIST, \(steps) steps", peers: peers)
        try comparison.run { .init(imagesPerSecond: GANTrainingBenchmark.run(images: train, convolutional: convolutional, steps: steps).imagesPerSecond) }
    }
}

struct GANMLPBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gan-mlp",
        abstract: "W4: MLP GAN training steps on Fashion-MNIST (images/s) against PyTorch and JAX.",
        discussion: "Example:\n  latent bench gan-mlp --steps 40 --threads 1 --python /path/to/venv/bin/python")

    @OptionGroup var options: BenchOptions
    @Option(help: "Training steps (batch 512).") var steps = 40

    func validate() throws { try Check.atLeast(steps, 1, "--steps") }

    func run() throws { try GANBenchRunner(options: options, convolutional: false, steps: steps).run() }
}

struct DCGANBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dcgan",
        abstract: "W5: DCGAN training steps on Fashion-MNIST (images/s) against PyTorch.",
        discussion: "Example:\n  latent bench dcgan --steps 100 --threads 1 --python /path/to/venv/bin/python")

    @OptionGroup var options: BenchOptions
    @Option(help: "Timed training steps (batch 64), after 5 untimed ones.") var steps = 100

    func validate() throws { try Check.atLeast(steps, 1, "--steps") }

    func run() throws { try GANBenchRunner(options: options, convolutional: true, steps: steps).run() }
}

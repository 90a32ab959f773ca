import ArgumentParser
import Foundation
import Latent

/// W1 and W6 share everything but the body and the reference scripts.
struct VAEBenchRunner {
    let options: BenchOptions
    let body: VAEArchitecture.Body
    let steps: Int

    func run() throws {
        let train = try DatasetLocations.loadFashionMNIST(.train).flatImages
        let mlp = body == .mlp
        let arguments = ["--epochs", "1", "--steps", String(steps)]
        let peers = mlp
            ? [PeerCatalog.torch("vae_mlp.py", arguments + ["--nll-k", "0"]), PeerCatalog.torchCompiled("vae_mlp.py", arguments + ["--nll-k", "0"]),
               PeerCatalog.jax("vae_mlp_jax.py", arguments + ["--nll-k", "0"])]
            : [PeerCatalog.torch("conv_vae.py", arguments), PeerCatalog.jax("conv_vae_jax.py", arguments)]
        let comparison = ThroughputComparison(
            options: options, workload: mlp ? "W1" : "W6",
            title: "\(mlp ? "MLP" : "conv") VAE training, batch 128, Adam, Fashion-MNIST, \(steps == 0 ? "one epoch" : "\(steps) steps")",
            peers: peers, flopsPerImage: VAETrainingBenchmark.trainingFlopsPerImage(body: body))
        try comparison.run { .init(imagesPerSecond: try VAETrainingBenchmark.run(images: train, body: body, steps: steps).imagesPerSecond) }
    }
}

struct VAEMLPBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vae-mlp",
        abstract: "W1: MLP VAE training steps on Fashion-MNIST (images/s) against PyTorch (eager and compiled) and JAX.",
        discussion: "Also prints the share of the CPU's sgemm speed the training loop reaches (its roofline fraction).\nExample:\n  latent bench vae-mlp --steps 200 --threads 1,2 --python /path/to/venv/bin/python")

    @OptionGroup var options: BenchOptions

    @Option(help: "Training steps per measurement (batch 128); 0 = one whole epoch.")
    var steps = 200

    func validate() throws { try Check.atLeast(steps, 0, "--steps") }

    func run() throws { try VAEBenchRunner(options: options, body: .mlp, steps: steps).run() }
}

struct VAEConvBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vae-conv",
        abstract: "W6: convolutional VAE training steps on Fashion-MNIST (images/s) against PyTorch and JAX.",
        discussion: "Example:\n  latent bench vae-conv --steps 50 --threads 1 --python /path/to/venv/bin/python")

    @OptionGroup var options: BenchOptions

    @Option(help: "Training steps per measurement (batch 128); 0 = one whole epoch.")
    var steps = 50

    func validate() throws { try Check.atLeast(steps, 0, "--steps") }

    func run() throws { try VAEBenchRunner(options: options, body: .conv, steps: steps).run() }
}

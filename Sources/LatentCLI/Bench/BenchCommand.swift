import ArgumentParser
import Foundation
import Latent

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time Latent's workloads side by side with PyTorch, JAX and scikit-learn.",
        discussion: """
        Each workload runs in Latent and then in every peer's reference script of the same workload \
        that the given Pythons can run (PyTorch eager and compiled, JAX, scikit-learn), at each thread \
        count; the fastest peer is listed first, and each ratio is Latent ÷ peer (above 1: Latent is faster). \
        The first line names the CPU, the BLAS kernel in use and the thread settings.

        Example:
          latent bench vae-mlp --threads 1,2 --steps 200 --python /tmp/ref/bin/python --jax-python /tmp/jax/bin/python
        """,
        subcommands: [GemmBench.self, VAEMLPBench.self, VAEConvBench.self, RBMBench.self, GANMLPBench.self, DCGANBench.self, ScaleBench.self, AllBench.self])
}

struct AllBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "all", abstract: "Every benchmark in turn.",
        discussion: "Example:\n  LATENT_PYTHON=/path/to/venv/bin/python latent bench all")

    @OptionGroup var options: BenchOptions

    func run() throws {
        var gemm = GemmBench()
        gemm.options = options
        try gemm.run()
        try VAEBenchRunner(options: options, body: .mlp, steps: 200).run()
        try VAEBenchRunner(options: options, body: .conv, steps: 50).run()
        var rbm = RBMBench()
        rbm.options = options
        rbm.epochs = 3
        try rbm.run()
        try GANBenchRunner(options: options, convolutional: false, steps: 40).run()
        try GANBenchRunner(options: options, convolutional: true, steps: 100).run()
    }
}

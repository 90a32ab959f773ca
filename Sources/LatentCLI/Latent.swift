import ArgumentParser
import Latent

@main
struct LatentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "latent",
        abstract: "Train, sample, inspect and evaluate deep generative models on the CPU.",
        discussion: """
        Examples:
          latent demo                      train a small network on Fashion-MNIST
          latent bench all --python /tmp/ref/bin/python
        """,
        subcommands: [DemoCommand.self, BenchCommand.self])
}

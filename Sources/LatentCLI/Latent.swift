import ArgumentParser
import Latent

@main
struct LatentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "latent",
        abstract: "Train, sample, inspect and evaluate deep generative models on the CPU.",
        discussion: """
        Examples:
          latent train vae --data fashion-mnist --epochs 10
          latent sample vae-fashion-mnist --n 100
          latent data info ../shared/data/mnist
          latent runs
        """,
        subcommands: [TrainCommand.self, SampleCommand.self, ReconstructCommand.self, InpaintCommand.self,
                      InterpolateCommand.self, LatentMapCommand.self, ProjectCommand.self, FiltersCommand.self, EvaluateCommand.self,
                      SweepCommand.self, CompareCommand.self, ELBOExplorerCommand.self, DataCommand.self, RunsCommand.self, ReportCommand.self,
                      BenchCommand.self])
}

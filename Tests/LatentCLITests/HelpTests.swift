import Foundation
import Testing
@testable import Latent

/// `--help` of every command and `--version`, run on the built binary.
/// (scripts/help-check.sh runs the same walk on a debug build, where the
/// argument parser also checks each command's definition.)
@Suite struct HelpTests {
    /// Every command's `--help`, found by walking the help texts themselves, so
    /// a new subcommand is covered without listing it here.
    @Test func everySubcommandAnswersHelp() throws {
        var visited: [String] = []
        var queue: [[String]] = [[]]
        while let path = queue.first {
            queue.removeFirst()
            let result = try LatentBinary.run(path + ["--help"])
            let command = (["latent"] + path).joined(separator: " ")
            #expect(result.status == 0, "\(result)")
            #expect(result.output.contains("USAGE: \(command)"), "\(command) --help printed no usage line: \(result.output.prefix(300))")
            visited.append(path.joined(separator: " "))
            queue += LatentBinary.subcommands(inHelp: result.output).map { path + [$0] }
        }
        // The walk must reach the nested commands, or it tested little.
        for expected in ["train", "sample", "reconstruct", "evaluate", "inpaint", "interpolate", "latent-map", "filters",
                         "project", "sweep", "compare", "runs", "report", "elbo-explorer", "doctor",
                         "data", "data info", "data download", "bench", "bench gemm", "bench all"] {
            #expect(visited.contains(expected), "'latent \(expected) --help' was not reached; visited \(visited)")
        }
    }

    /// The walk reads names from a help text's SUBCOMMANDS section only.
    @Test func subcommandNamesComeFromTheSubcommandsSection() {
        let help = """
        OVERVIEW: something

        USAGE: latent data <subcommand>

        OPTIONS:
          -h, --help              Show help information.

        SUBCOMMANDS:
          info (default)          Show a data set's splits, shapes, value range and
                                  classes.
          download                Fetch MNIST.

          See 'latent help data <subcommand>' for detailed help.
        """
        #expect(LatentBinary.subcommands(inHelp: help) == ["info", "download"])
        #expect(LatentBinary.subcommands(inHelp: "USAGE: latent runs\n\nOPTIONS:\n  --json\n").isEmpty)
    }

    /// `latent --version` prints the library's version, the one every run records.
    @Test func versionIsTheLibrarysVersion() throws {
        let result = try LatentBinary.run(["--version"])
        #expect(result.status == 0, "\(result)")
        #expect(result.output == LatentVersion.string + "\n", "\(result)")
        #expect(result.error.isEmpty, "\(result)")
    }
}

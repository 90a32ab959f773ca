import ArgumentParser
import Foundation
import Latent

struct TraverseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "traverse",
        abstract: "InfoGAN: vary one code at a time with the noise fixed (images/code-traversal.png).",
        discussion: """
        A grid per continuous code, side by side: a row per value of the categorical code, a column per value \
        of the continuous code from −range to range (the other continuous codes at 0). Without continuous \
        codes: a row per categorical value, a fresh z per column.

        Examples:
          latent traverse infogan-mnist
          latent traverse infogan-mnist --code 1 --steps 11
        """)

    @OptionGroup var target: RunArgument
    @Option(help: "Columns: values of the continuous code from −range to range, both ends included.") var steps = 9
    @Option(help: "The continuous code runs from −range to range (training drew it from U(−1, 1)).") var range: Float = 2
    @Option(help: "Vary only this continuous code (1 = the first; default: every code, one grid each).") var code: Int?
    @Option(help: "Random seed of the fixed noise z.") var seed: UInt64 = 1
    @Option(help: "Output PNG (default: the run's images/code-traversal.png).") var output: String?

    func validate() throws {
        try Check.atLeast(steps, 2, "--steps", maximum: 1_000)
        try Check.atLeast(code, 1, "--code", maximum: 1_000)
        try Check.positive(Double(range), "--range")
    }

    func run() throws {
        let options = CodeTraversalOptions(steps: steps, range: range, code: code.map { $0 - 1 }, seed: seed)
        print(try openRun(target).traverse(options).write(to: output))
    }
}

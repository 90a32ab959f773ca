import ArgumentParser
import Foundation
import Latent

struct ELBOExplorerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "elbo-explorer",
        abstract: "A 1-D VAE whose true log p(x), by numerical integration, is drawn against its ELBO.",
        discussion: """
        Model: z ~ N(0, 1), x | z ~ N(θ z, 1), q(z | x) = N(φ x, s²); data x ~ N(0, --data-std²).
        Draws (a) the mean log p(x) against θ with the ELBO for each φ in --phis (s² = --encoder-variance),
        and (b) both while θ, φ and s² train by gradient ascent on the ELBO.

        Example:
          latent elbo-explorer --phis 0.1,0.3,0.5,0.8 --steps 300
        """)

    @Option(help: "Standard deviation of the 1-D data.") var dataStd: Double = 2
    @Option(help: "Number of data points.") var count = 200
    @Option(help: "Encoder slopes φ to draw ELBO curves for.") var phis = "0.1,0.3,0.5,0.8"
    @Option(help: "Encoder variance s² for the curves of panel (a).") var encoderVariance: Double = 0.25
    @Option(help: "Training steps for panel (b).") var steps = 300
    @Option(help: "Learning rate for panel (b).") var lr: Float = 0.05
    @Option(help: "Random seed.") var seed: UInt64 = 0
    @Option(help: "Output folder.") var output = "runs/elbo-explorer"
    @Flag(help: "Print the numbers as JSON.") var json = false

    func validate() throws {
        try Check.positive(dataStd, "--data-std")
        try Check.atLeast(count, 2, "--count")
        try Check.positive(encoderVariance, "--encoder-variance")
        try Check.atLeast(steps, 1, "--steps")
        try Check.positive(lr, "--lr")
        _ = try phiValues()
    }

    /// `--phis` as doubles, exactly as written ("0.1" is 0.1, not the nearest Float).
    func phiValues() throws -> [Double] {
        let values = phis.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ $0 != nil && $0!.isFinite }) else {
            throw ValidationError("--phis wants finite numbers separated by commas, got '\(phis)'")
        }
        let numbers = values.compactMap { $0 }
        guard Set(numbers).count == numbers.count else { throw ValidationError("--phis lists a value twice: '\(phis)'") }
        return numbers
    }

    func run() throws {
        let phiValues = try phiValues()
        let data = ELBOExplorer.data(count: count, std: dataStd, seed: seed)
        let thetas = stride(from: -1.0, through: 3.0, by: 0.025).map { $0 }
        let curves = ELBOExplorer.curves(data: data, thetas: thetas, phis: phiValues, encoderVariance: encoderVariance)
        var a = LineChart(title: "log p(x) and ELBO against the decoder weight θ (s² = \(encoderVariance))",
                          xLabel: "θ", yLabel: "mean over the data (nats)")
        a.add("log p(x)", x: thetas, y: curves.logMarginal)
        for (phi, values) in curves.elbo { a.add(String(format: "ELBO, φ = %g", phi), x: thetas, y: values, dashed: true) }
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        try a.write(to: output + "/elbo-vs-theta.svg")

        let start = OneDimensionalVAE(theta: 0.2, phi: 0, logEncoderVariance: 0)
        let trace = ELBOExplorer.train(data: data, steps: steps, learningRate: lr, start: start, seed: seed)
        var b = LineChart(title: "Training θ, φ and s² on the ELBO", xLabel: "step", yLabel: "mean over the data (nats)")
        b.add("log p(x)", x: trace.steps, y: trace.logMarginal)
        b.add("ELBO", x: trace.steps, y: trace.elbo, dashed: true)
        try b.write(to: output + "/training.svg")

        let best = thetas.indices.max { curves.logMarginal[$0] < curves.logMarginal[$1] }!
        var summary: [String: Any] = [
            "theta_max_log_p": thetas[best], "max_mean_log_p": curves.logMarginal[best],
            "analytic_theta_max_log_p": (data.map { $0 * $0 }.reduce(0, +) / Double(data.count) - 1).squareRoot(),
            "final_theta": trace.theta.last!, "final_phi": trace.phi.last!,
            "final_log_p": trace.logMarginal.last!, "final_elbo": trace.elbo.last!,
            "plots": [output + "/elbo-vs-theta.svg", output + "/training.svg"],
        ]
        summary["elbo_argmax_theta"] = Dictionary(uniqueKeysWithValues: curves.elbo.map { c in
            (String(c.phi), thetas[c.values.indices.max { c.values[$0] < c.values[$1] }!])
        })
        let data2 = try JSONSerialization.data(withJSONObject: summary, options: [.prettyPrinted, .sortedKeys])
        try AtomicFile.write(data2, to: URL(fileURLWithPath: output + "/summary.json"))
        if json { return print(String(decoding: data2, as: UTF8.self)) }
        print(String(format: "log p(x) is largest at θ = ±%.2f (%.3f nats per point; the maximum-likelihood |θ| is %.2f)",
                     Swift.abs(thetas[best]), curves.logMarginal[best], summary["analytic_theta_max_log_p"] as! Double))
        for c in curves.elbo {
            let i = c.values.indices.max { c.values[$0] < c.values[$1] }!
            print(String(format: "  ELBO with φ = %.2f is largest at θ = %.2f (%.3f nats, %.3f below log p there)",
                         c.phi, thetas[i], c.values[i], curves.logMarginal[i] - c.values[i]))
        }
        print(String(format: "after %d steps: θ = %.3f, φ = %.3f, log p(x) = %.3f, ELBO = %.3f (gap %.4f)", steps,
                     trace.theta.last!, trace.phi.last!, trace.logMarginal.last!, trace.elbo.last!,
                     trace.logMarginal.last! - trace.elbo.last!))
        print("plots: \(output)/elbo-vs-theta.svg, \(output)/training.svg")
    }
}

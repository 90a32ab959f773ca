import ArgumentParser
import Foundation
import Latent

struct ELBOExplorerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "elbo-explorer",
        abstract: "A 1-D VAE whose true log p(x), by numerical integration, is drawn against its ELBO.",
        discussion: """
        Model: z ~ N(0, 1), x | z ~ N(θ z, 1), q(z | x) = N(φ x, s²); data x ~ N(0, --data-std²). \
        Draws (a) the mean log p(x) against θ with the ELBO for each φ in --phis (s² = --encoder-variance), \
        (b) both while θ, φ and s² train by gradient ascent on the ELBO from (--start-theta, --start-phi), \
        and (c) the mean ELBO over (θ, φ) with the training path on it, the optimum of log p(x) in θ and \
        the curve where q is the exact posterior; log p(x) against θ below it. The surface's s² is by \
        default the ELBO-maximising one at each θ (the exact posterior's variance 1/(θ² + 1)), so the map \
        shows the best ELBO any s² reaches at (θ, φ); --surface-variance fixes one s² instead. \
        The trajectory and the surface are also written as numbers (trajectory.csv, surface.csv).

        Examples:
          latent elbo-explorer --phis 0.1,0.3,0.5,0.8 --steps 300
          latent elbo-explorer --start-theta -0.3 --start-phi 1.5 --steps 600
          latent elbo-explorer --theta-range -3,3 --phi-range -1,1 --resolution 61 --surface-variance 0.1
        """)

    @Option(help: "Standard deviation of the 1-D data.") var dataStd: Double = 2
    @Option(help: "Number of data points.") var count = 200
    @Option(help: "Encoder slopes φ to draw ELBO curves for.") var phis = "0.1,0.3,0.5,0.8"
    @Option(help: "Encoder variance s² for the curves of panel (a).") var encoderVariance: Double = 0.25
    @Option(help: "Training steps for panel (b).") var steps = 300
    @Option(help: "Learning rate for panel (b).") var lr: Float = 0.05
    @Option(parsing: .unconditional, help: "Decoder weight θ₀ where training starts.") var startTheta: Double = 0.2
    @Option(parsing: .unconditional, help: "Encoder slope φ₀ where training starts.") var startPhi: Double = 0
    @Option(help: "Encoder variance s²₀ where training starts.") var startEncoderVariance: Double = 1
    @Option(parsing: .unconditional, help: "θ range of the surface, 'low,high' (default: around the training path and the optimum).")
    var thetaRange: String?
    @Option(parsing: .unconditional, help: "φ range of the surface, 'low,high' (default: around the training path and the optimum).")
    var phiRange: String?
    @Option(help: "Grid points per axis of the surface (3 to 401).") var resolution = 41
    @Option(help: "Encoder variance s² of the surface: 'optimal' (the best s² at each θ) or a number.")
    var surfaceVariance = "optimal"
    @Option(help: "Random seed.") var seed: UInt64 = 0
    @Option(help: "Output folder.") var output = "runs/elbo-explorer"
    @Flag(help: "Print the numbers as JSON.") var json = false

    func validate() throws {
        try Check.positive(dataStd, "--data-std")
        try Check.atLeast(count, 2, "--count")
        try Check.positive(encoderVariance, "--encoder-variance")
        try Check.atLeast(steps, 1, "--steps")
        try Check.positive(lr, "--lr")
        try Check.positive(startEncoderVariance, "--start-encoder-variance")
        try Check.atLeast(resolution, 3, "--resolution", maximum: 401)
        for (value, flag) in [(startTheta, "--start-theta"), (startPhi, "--start-phi")] where !value.isFinite {
            throw ValidationError("\(flag) must be a finite number, got \(value)")
        }
        _ = try phiValues()
        _ = try range(thetaRange, "--theta-range")
        _ = try range(phiRange, "--phi-range")
        _ = try surfaceVarianceValue()
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

    /// "low,high" with finite low < high.
    func range(_ text: String?, _ flag: String) throws -> ClosedRange<Double>? {
        guard let text else { return nil }
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let low = parts[0], let high = parts[1], low.isFinite, high.isFinite, low < high else {
            throw ValidationError("\(flag) wants two finite numbers 'low,high' with low below high, got '\(text)'")
        }
        return low...high
    }

    func surfaceVarianceValue() throws -> SurfaceVariance {
        if surfaceVariance == "optimal" { return .optimal }
        guard let value = Double(surfaceVariance), value.isFinite, value > 0 else {
            throw ValidationError("--surface-variance wants 'optimal' or a finite number above 0, got '\(surfaceVariance)'")
        }
        return .fixed(value)
    }

    func run() throws {
        var options = ELBOExplorerOptions()
        options.dataStd = dataStd
        options.count = count
        options.phis = try phiValues()
        options.encoderVariance = encoderVariance
        options.steps = steps
        options.learningRate = lr
        options.seed = seed
        (options.startTheta, options.startPhi, options.startEncoderVariance) = (startTheta, startPhi, startEncoderVariance)
        options.thetaRange = try range(thetaRange, "--theta-range")
        options.phiRange = try range(phiRange, "--phi-range")
        options.resolution = resolution
        options.surfaceVariance = try surfaceVarianceValue()

        let exploration = try ELBOExplorer.explore(options)
        let files = try exploration.write(to: output)
        if json { return print(String(decoding: try Data(contentsOf: URL(fileURLWithPath: files.summary)), as: UTF8.self)) }

        let (curves, trace, surface) = (exploration.curves, exploration.trace, exploration.surface)
        let best = curves.thetas.indices.max { curves.logMarginal[$0] < curves.logMarginal[$1] }!
        print(String(format: "log p(x) is largest at θ = ±%.2f (%.3f nats per point; the maximum-likelihood |θ| is %.3f)",
                     Swift.abs(curves.thetas[best]), curves.logMarginal[best], Swift.abs(exploration.optimumTheta)))
        for c in curves.elbo {
            let i = c.values.indices.max { c.values[$0] < c.values[$1] }!
            print(String(format: "  ELBO with φ = %.2f is largest at θ = %.2f (%.3f nats, %.3f below log p there)",
                         c.phi, curves.thetas[i], c.values[i], curves.logMarginal[i] - c.values[i]))
        }
        print(String(format: "after %d steps from (θ, φ) = (%.3f, %.3f): θ = %.3f, φ = %.3f, s² = %.3f, log p(x) = %.3f, ELBO = %.3f (gap %.4f)",
                     steps, trace.theta.first!, trace.phi.first!, trace.theta.last!, trace.phi.last!,
                     trace.encoderVariance.last!, trace.logMarginal.last!, trace.elbo.last!,
                     trace.logMarginal.last! - trace.elbo.last!))
        let top = surface.best
        print(String(format: "surface (%d × %d, θ %.2f…%.2f, φ %.2f…%.2f, s² \(surface.variance)): best ELBO %.3f at (%.2f, %.2f); optimum (θ*, φ*) = (%.3f, %.3f)",
                     surface.thetas.count, surface.phis.count, surface.thetas.first!, surface.thetas.last!,
                     surface.phis.first!, surface.phis.last!, top.elbo, top.theta, top.phi,
                     exploration.optimumTheta, exploration.optimumPhi))
        print("plots: \(files.curves), \(files.training), \(files.surface)")
        print("numbers: \(files.trajectory), \(files.surfaceNumbers), \(files.summary)")
    }
}

import Foundation
import LatentTensor
import LatentData
import LatentOutput

/// What `latent elbo-explorer` computes: its options, with the command's defaults.
///
/// ```swift
/// var options = ELBOExplorerOptions()
/// (options.startTheta, options.startPhi) = (-0.5, 1.5)   // start far from the optimum
/// let exploration = try ELBOExplorer.explore(options)
/// let files = try exploration.write(to: "elbo-explorer")
/// ```
public struct ELBOExplorerOptions: Sendable {
    /// Standard deviation of the 1-D data x ~ N(0, dataStd²).
    public var dataStd = 2.0
    /// Number of data points.
    public var count = 200
    /// Encoder slopes φ of the ELBO curves of panel (a).
    public var phis: [Double] = [0.1, 0.3, 0.5, 0.8]
    /// Encoder variance s² of the curves of panel (a).
    public var encoderVariance = 0.25
    /// Training steps (Adam on mini-batches of 100, single-sample ELBO).
    public var steps = 300
    public var learningRate: Float = 0.05
    /// Seed of the data and of training.
    public var seed: UInt64 = 0
    /// Where training starts: θ₀, φ₀ and s²₀.
    public var startTheta = 0.2
    public var startPhi = 0.0
    public var startEncoderVariance = 1.0
    /// The surface's θ and φ ranges; nil: around the trajectory and the optimum
    /// (`ELBOExplorer.surfaceRanges`).
    public var thetaRange: ClosedRange<Double>?
    public var phiRange: ClosedRange<Double>?
    /// Grid points per axis of the surface.
    public var resolution = 41
    /// The surface's s²: by default the ELBO-maximising one at each θ (see `SurfaceVariance.optimal`).
    public var surfaceVariance = SurfaceVariance.optimal

    public init() {}

    /// Every option checked, in one line naming the first bad one.
    public func validate() throws {
        func bad(_ message: String) -> LatentError { .invalidArgument(message) }
        guard dataStd.isFinite, dataStd > 0 else { throw bad("the data's standard deviation must be a finite number above 0, got \(dataStd)") }
        guard count >= 2 else { throw bad("the explorer needs at least 2 data points, got \(count)") }
        guard !phis.isEmpty, phis.allSatisfy(\.isFinite) else { throw bad("the curves need finite encoder slopes φ") }
        guard encoderVariance.isFinite, encoderVariance > 0 else { throw bad("the curves' encoder variance must be a finite number above 0, got \(encoderVariance)") }
        guard steps >= 1 else { throw bad("training needs at least 1 step, got \(steps)") }
        guard learningRate.isFinite, learningRate > 0 else { throw bad("the learning rate must be a finite number above 0, got \(learningRate)") }
        guard startTheta.isFinite, startPhi.isFinite else { throw bad("the start (θ₀, φ₀) must be finite, got (\(startTheta), \(startPhi))") }
        guard startEncoderVariance.isFinite, startEncoderVariance > 0 else {
            throw bad("the start encoder variance must be a finite number above 0, got \(startEncoderVariance)")
        }
        for (name, range) in [("θ", thetaRange), ("φ", phiRange)] {
            if let range, !(range.lowerBound.isFinite && range.upperBound.isFinite && range.lowerBound < range.upperBound) {
                throw bad("the surface's \(name) range must be two finite numbers, the first below the second, got \(range.lowerBound),\(range.upperBound)")
            }
        }
        guard (3...401).contains(resolution) else { throw bad("the surface's resolution must be 3 to 401 points per axis, got \(resolution)") }
        if case .fixed(let v) = surfaceVariance, !(v.isFinite && v > 0) {
            throw bad("the surface's encoder variance must be a finite number above 0 or 'optimal', got \(v)")
        }
    }
}

/// The explorer's three panels and their numbers: (a) `curves`, (b) `trace`,
/// (c) `surface` with the training trajectory (θₜ, φₜ) over it.
public struct ELBOExploration: Sendable {
    /// The file names `write(to:)` uses.
    public struct Files: Sendable {
        public var curves, training, surface, trajectory, surfaceNumbers, summary: String
    }

    public let options: ELBOExplorerOptions
    public let data: [Double]
    public let curves: ELBOExplorer.Curves
    /// Training from (θ₀, φ₀, s²₀): one entry per step, the start first.
    public let trace: ELBOExplorer.Trace
    /// The θ that maximises the mean log p(x), on the side (sign) the training ends on.
    public let optimumTheta: Double
    public let surface: ELBOSurface

    /// The encoder slope where q(z|x) is the exact posterior at the optimum: the ELBO's maximum.
    public var optimumPhi: Double { OneDimensionalVAE(theta: optimumTheta, phi: 0, logEncoderVariance: 0).posteriorSlope }

    /// Panel (a): mean log p(x) and the ELBO for each φ against θ.
    public func curvesChart() -> LineChart {
        var chart = LineChart(title: "log p(x) and ELBO against the decoder weight θ (s² = \(options.encoderVariance))",
                              xLabel: "θ", yLabel: "mean over the data (nats)")
        chart.add("log p(x)", x: curves.thetas, y: curves.logMarginal)
        for (phi, values) in curves.elbo { chart.add(String(format: "ELBO, φ = %g", phi), x: curves.thetas, y: values, dashed: true) }
        return chart
    }

    /// Panel (b): both while θ, φ and s² train.
    public func trainingChart() -> LineChart {
        var chart = LineChart(title: "Training θ, φ and s² on the ELBO", xLabel: "step", yLabel: "mean over the data (nats)")
        chart.add("log p(x)", x: trace.steps, y: trace.logMarginal)
        chart.add("ELBO", x: trace.steps, y: trace.elbo, dashed: true)
        return chart
    }

    /// Panel (c): the mean ELBO over (θ, φ) with contours in nats below its best,
    /// the trajectory from start to end, the exact posterior's mean slope φ = θ/(θ² + 1)
    /// where the ELBO (at the optimal s²) equals log p(x), the optimum θ* of
    /// log p(x) and the joint optimum (θ*, φ*); below, log p(x) against θ — it
    /// does not depend on φ, so it is drawn as the θ axis's profile rather than
    /// a background of vertical stripes — with the ELBO along the trajectory.
    public func surfaceMap() -> HeatMap {
        let variance = surface.variance == .optimal ? "s² optimal at each θ" : "s² = \(surface.variance)"
        var map = HeatMap(title: "Mean ELBO over (θ, φ), \(variance), and the training path",
                          xLabel: "decoder weight θ", yLabel: "encoder slope φ", valueLabel: "mean ELBO (nats)",
                          x: surface.thetas, y: surface.phis, values: surface.elbo)
        let best = surface.best.elbo
        let gaps = [0.05, 0.2, 0.5, 1, 2, 5, 10, 20]
        map.contourLevels = gaps.map { best - $0 }
        map.contourCaption = "contours: 0.05 … 20 nats below the best"
        // Colour the top 12 nats (or the whole range when it is smaller), so far corners do not wash out the ridge.
        let finite = surface.elbo.joined().filter(\.isFinite)
        if let low = finite.min(), low < best { map.colorRange = Swift.max(low, best - 12)...best }
        let sigma = surface.decoderStd
        let ridgeThetas = ELBOExplorer.grid(surface.thetas.first!...surface.thetas.last!, points: 200)
        map.curves.append(.init(name: "posterior mean slope: φ = θ/(θ² + σₓ²)", x: ridgeThetas,
                                y: ridgeThetas.map { $0 / ($0 * $0 + sigma * sigma) }))
        // log p(x) is even in θ: both maxima ±θ* are marked where they fall in the range (one legend line).
        for theta in [optimumTheta, -optimumTheta] where theta >= surface.thetas.first! && theta <= surface.thetas.last! {
            let named = !map.curves.contains { $0.color == "#f28e2b" }
            map.curves.append(.init(name: named ? String(format: "argmax of log p(x): θ = ±%.3f", Swift.abs(theta)) : "",
                                    x: [theta, theta], y: [surface.phis.first!, surface.phis.last!], color: "#f28e2b"))
        }
        map.paths.append(.init(name: "training path (θₜ, φₜ)", x: trace.theta, y: trace.phi))
        map.markers.append(.init(name: String(format: "optimum (θ*, φ*) = (%.3f, %.3f)", optimumTheta, optimumPhi),
                                 x: optimumTheta, y: optimumPhi))
        map.profile = [
            .init(name: "log p(x)", x: surface.thetas, y: surface.logMarginal),
            .init(name: "ELBO along the path", x: trace.theta, y: trace.elbo, color: "#e15759", dashed: true, marksEnds: true),
        ]
        map.profileLabel = "nats"
        return map
    }

    /// The trajectory, one line per step: step, θ, φ, s², mean log p(x), mean ELBO.
    public func trajectoryCSV() -> String {
        var s = "step,theta,phi,encoder_variance,log_p,elbo\n"
        for k in trace.steps.indices {
            s += "\(Int(trace.steps[k])),\(trace.theta[k]),\(trace.phi[k]),\(trace.encoderVariance[k]),\(trace.logMarginal[k]),\(trace.elbo[k])\n"
        }
        return s
    }

    /// The surface, one line per grid point: θ, φ, s², mean ELBO, mean log p(x).
    public func surfaceCSV() -> String {
        var s = "theta,phi,encoder_variance,elbo,log_p\n"
        for (j, phi) in surface.phis.enumerated() {
            for (i, theta) in surface.thetas.enumerated() {
                s += "\(theta),\(phi),\(surface.variance.variance(theta: theta, decoderStd: surface.decoderStd)),\(surface.elbo[j][i]),\(surface.logMarginal[i])\n"
            }
        }
        return s
    }

    /// The numbers of summary.json.
    public func summary() -> [String: Any] {
        let best = curves.thetas.indices.max { curves.logMarginal[$0] < curves.logMarginal[$1] }!
        let top = surface.best
        return [
            "theta_max_log_p": curves.thetas[best], "max_mean_log_p": curves.logMarginal[best],
            "analytic_theta_max_log_p": Swift.max(data.map { $0 * $0 }.reduce(0, +) / Double(data.count) - 1, 0).squareRoot(),
            "elbo_argmax_theta": Dictionary(uniqueKeysWithValues: curves.elbo.map { c in
                (String(c.phi), curves.thetas[c.values.indices.max { c.values[$0] < c.values[$1] }!])
            }),
            "start_theta": trace.theta.first!, "start_phi": trace.phi.first!, "start_encoder_variance": trace.encoderVariance.first!,
            "final_theta": trace.theta.last!, "final_phi": trace.phi.last!, "final_encoder_variance": trace.encoderVariance.last!,
            "final_log_p": trace.logMarginal.last!, "final_elbo": trace.elbo.last!,
            "optimum_theta": optimumTheta, "optimum_phi": optimumPhi,
            "surface": [
                "theta_range": [surface.thetas.first!, surface.thetas.last!], "phi_range": [surface.phis.first!, surface.phis.last!],
                "resolution": [surface.thetas.count, surface.phis.count], "encoder_variance": surface.variance.description,
                "max_elbo": top.elbo, "argmax_theta": top.theta, "argmax_phi": top.phi,
            ] as [String: Any],
        ]
    }

    /// Writes the three plots, trajectory.csv, surface.csv and summary.json
    /// (with the files' paths) into `folder`, creating it.
    @discardableResult
    public func write(to folder: String) throws -> Files {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let files = Files(curves: folder + "/elbo-vs-theta.svg", training: folder + "/training.svg",
                          surface: folder + "/elbo-surface.svg", trajectory: folder + "/trajectory.csv",
                          surfaceNumbers: folder + "/surface.csv", summary: folder + "/summary.json")
        try curvesChart().write(to: files.curves)
        try trainingChart().write(to: files.training)
        try surfaceMap().write(to: files.surface)
        try AtomicFile.write(Data(trajectoryCSV().utf8), to: URL(fileURLWithPath: files.trajectory))
        try AtomicFile.write(Data(surfaceCSV().utf8), to: URL(fileURLWithPath: files.surfaceNumbers))
        var summary = summary()
        summary["plots"] = [files.curves, files.training, files.surface]
        summary["numbers"] = [files.trajectory, files.surfaceNumbers]
        try AtomicFile.write(try summaryJSON(summary), to: URL(fileURLWithPath: files.summary))
        return files
    }

    /// `summary` (default: `summary()`) as pretty-printed JSON with sorted keys.
    public func summaryJSON(_ summary: [String: Any]? = nil) throws -> Data {
        try JSONSerialization.data(withJSONObject: summary ?? self.summary(), options: [.prettyPrinted, .sortedKeys])
    }
}

extension ELBOExplorer {
    /// The whole explorer: data, panel (a)'s curves, training from
    /// (θ₀, φ₀, s²₀) and the ELBO surface around its trajectory.
    public static func explore(_ options: ELBOExplorerOptions) throws -> ELBOExploration {
        try options.validate()
        let data = data(count: options.count, std: options.dataStd, seed: options.seed)
        let thetas = stride(from: -1.0, through: 3.0, by: 0.025).map { $0 }
        let curves = curves(data: data, thetas: thetas, phis: options.phis, encoderVariance: options.encoderVariance)
        let start = OneDimensionalVAE(theta: options.startTheta, phi: options.startPhi,
                                      logEncoderVariance: Foundation.log(options.startEncoderVariance))
        let trace = train(data: data, steps: options.steps, learningRate: options.learningRate, start: start, seed: options.seed)
        guard trace.theta.allSatisfy(\.isFinite), trace.phi.allSatisfy(\.isFinite) else {
            throw LatentError.nonFinite("training diverged (θ or φ is not finite); try a smaller learning rate")
        }
        let optimum = try maximumLikelihoodTheta(data: data) * (trace.theta.last! < 0 ? -1 : 1)
        let ranges = surfaceRanges(trace: trace, optimumTheta: optimum)
        let surface = try surface(data: data, thetas: grid(options.thetaRange ?? ranges.theta, points: options.resolution),
                                  phis: grid(options.phiRange ?? ranges.phi, points: options.resolution),
                                  variance: options.surfaceVariance)
        return ELBOExploration(options: options, data: data, curves: curves, trace: trace, optimumTheta: optimum, surface: surface)
    }
}

import Foundation
import Testing
@testable import Latent
@testable import LatentModels

@Suite struct ELBOSurfaceTests {
    let data = ELBOExplorer.data(count: 40, std: 2, seed: 3)
    // θ step 0.5 and φ step 0.25: the grid holds (−1, −0.5), (0, 0) and (1, 0.5), where φ = θ/(θ² + 1).
    let thetas = ELBOExplorer.grid(-1...3, points: 9)
    let phis = ELBOExplorer.grid(-0.5...1, points: 7)

    /// Mean log N(x; 0, θ² + 1): the linear-Gaussian model's marginal.
    func closedFormLogMarginal(_ theta: Double) -> Double {
        let variance = theta * theta + 1
        return data.map { -0.5 * (log(2 * Double.pi * variance) + $0 * $0 / variance) }.reduce(0, +) / Double(data.count)
    }

    @Test func surfaceValuesAreTheIntegratedELBOAndLogMarginal() throws {
        for variance in [SurfaceVariance.optimal, .fixed(0.3)] {
            let surface = try ELBOExplorer.surface(data: data, thetas: thetas, phis: phis, variance: variance)
            #expect(surface.elbo.count == phis.count && surface.elbo.allSatisfy { $0.count == thetas.count })
            for (i, j) in [(0, 0), (3, 2), (8, 6), (5, 4), (2, 5)] {
                let (theta, phi) = (thetas[i], phis[j])
                let s2 = variance == .optimal ? 1 / (theta * theta + 1) : 0.3
                // The same model on the explorer's default quadrature over z.
                let model = OneDimensionalVAE(theta: theta, phi: phi, logEncoderVariance: log(s2))
                #expect(Swift.abs(surface.elbo[j][i] - model.meanELBO(data)) < 1e-9, "ELBO at θ \(theta), φ \(phi), s² \(variance)")
                #expect(surface.elbo[j][i] == surface.model(theta: theta, phi: phi).meanELBO(data))
                #expect(Swift.abs(surface.logMarginal[i] - model.meanLogMarginal(data)) < 1e-9)
                #expect(Swift.abs(surface.logMarginal[i] - closedFormLogMarginal(theta)) < 1e-9)
            }
        }
    }

    @Test func theELBOIsBelowLogMarginalEverywhere() throws {
        for variance in [SurfaceVariance.optimal, .fixed(0.05), .fixed(2)] {
            let surface = try ELBOExplorer.surface(data: data, thetas: thetas, phis: phis, variance: variance)
            for (j, row) in surface.elbo.enumerated() {
                for (i, elbo) in row.enumerated() {
                    #expect(elbo <= surface.logMarginal[i] + 1e-9, "Jensen at θ \(thetas[i]), φ \(phis[j]), s² \(variance)")
                }
            }
        }
    }

    @Test func theELBOEqualsLogMarginalWhereTheEncoderIsTheExactPosterior() throws {
        // p(z|x) = N(θx/(θ² + 1), 1/(θ² + 1)): φ = θ/(θ² + 1) with the optimal s² is the posterior.
        let surface = try ELBOExplorer.surface(data: data, thetas: thetas, phis: phis, variance: .optimal)
        var onRidge = 0
        for (j, phi) in phis.enumerated() {
            for (i, theta) in thetas.enumerated() {
                let gap = surface.logMarginal[i] - surface.elbo[j][i]
                if Swift.abs(phi - theta / (theta * theta + 1)) < 1e-12 {
                    onRidge += 1
                    #expect(Swift.abs(gap) < 1e-9, "θ \(theta), φ \(phi)")
                } else {
                    #expect(gap > 1e-3, "θ \(theta), φ \(phi): q is not the posterior, so the gap is positive")
                }
            }
        }
        #expect(onRidge == 3)
        #expect(OneDimensionalVAE(theta: 1, phi: 0, logEncoderVariance: 0).posteriorSlope == 0.5)
        // A fixed s² other than the posterior's variance leaves a gap even on that curve.
        let fixed = try ELBOExplorer.surface(data: data, thetas: thetas, phis: phis, variance: .fixed(1))
        #expect(fixed.logMarginal[4] - fixed.elbo[4][4] > 1e-3, "θ = 1, φ = 0.5 with s² = 1 instead of 1/2")
        // Nowhere on the grid does the ELBO exceed the largest log p(x).
        #expect(surface.best.elbo <= surface.logMarginal.max()!)
    }

    @Test func theMaximumLikelihoodThetaMatchesTheClosedForm() throws {
        let moment = data.map { $0 * $0 }.reduce(0, +) / Double(data.count)
        #expect(Swift.abs(try ELBOExplorer.maximumLikelihoodTheta(data: data) - (moment - 1).squareRoot()) < 1e-6)
    }

    @Test func theSurfaceRefusesBadGrids() {
        #expect(throws: LatentError.self) { try ELBOExplorer.surface(data: data, thetas: [1, 0], phis: phis) }
        #expect(throws: LatentError.self) { try ELBOExplorer.surface(data: data, thetas: thetas, phis: phis, variance: .fixed(0)) }
        var options = ELBOExplorerOptions()
        options.thetaRange = 1...1
        #expect(throws: LatentError.self) { try options.validate() }
    }

    /// Starting far from the optimum: the path starts at (θ₀, φ₀), the ELBO rises
    /// along it, and the surface's default ranges hold the path and the optimum.
    @Test func theTrajectoryStartsWhereAskedAndClimbsTheELBO() throws {
        var options = ELBOExplorerOptions()
        (options.count, options.steps, options.resolution) = (100, 200, 9)
        (options.startTheta, options.startPhi, options.startEncoderVariance) = (-0.5, 1.5, 1)
        let exploration = try ELBOExplorer.explore(options)
        let trace = exploration.trace
        #expect(trace.theta.count == 201 && trace.phi.count == 201 && trace.encoderVariance.count == 201)
        #expect(trace.theta[0] == -0.5 && trace.phi[0] == 1.5 && trace.encoderVariance[0] == 1)
        // Averaged over 20 steps (the single-sample gradient is noisy), the ELBO never falls
        // more than 0.1 nats below its best so far, and it gains more than a nat.
        let smoothed = (0...(trace.elbo.count - 20)).map { k in trace.elbo[k..<(k + 20)].reduce(0, +) / 20 }
        var bestSoFar = -Double.infinity, largestDrop = 0.0
        for v in smoothed { bestSoFar = Swift.max(bestSoFar, v); largestDrop = Swift.max(largestDrop, bestSoFar - v) }
        #expect(largestDrop < 0.1, "the ELBO rises along the path (largest drop \(largestDrop))")
        #expect(smoothed.last! > smoothed.first! + 1)
        // It ends near the optimum on its side (φ₀ > 0 pulls θ through 0 to θ* > 0), where the ELBO nears log p(x).
        #expect(exploration.optimumTheta.sign == trace.theta.last!.sign)
        #expect(Swift.abs(trace.theta.last! - exploration.optimumTheta) < 0.3)
        #expect(Swift.abs(trace.phi.last! - exploration.optimumPhi) < 0.1)
        let maxLogMarginal = exploration.curves.logMarginal.max()!
        #expect(trace.elbo.last! > maxLogMarginal - 0.1 && trace.elbo.last! <= maxLogMarginal + 1e-9)
        let surface = exploration.surface
        #expect(surface.thetas.count == 9 && surface.phis.count == 9)
        for (theta, phi) in zip(trace.theta, trace.phi) + [(exploration.optimumTheta, exploration.optimumPhi)] {
            #expect(theta > surface.thetas.first! && theta < surface.thetas.last!)
            #expect(phi > surface.phis.first! && phi < surface.phis.last!)
        }
        // Every step's ELBO is at most the optimal-s² surface there (checked at the end point).
        let end = surface.model(theta: trace.theta.last!, phi: trace.phi.last!).meanELBO(exploration.data)
        #expect(trace.elbo.last! <= end + 1e-9)
    }

    @Test func theSurfacePlotAndNumbersAreWritten() throws {
        var options = ELBOExplorerOptions()
        (options.count, options.steps, options.resolution) = (60, 30, 11)
        (options.startTheta, options.startPhi) = (2.5, -1)
        options.thetaRange = -1...3
        let exploration = try ELBOExplorer.explore(options)
        #expect(exploration.surface.thetas.first == -1 && exploration.surface.thetas.last == 3)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("latent-elbo-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let files = try exploration.write(to: folder)
        for path in [files.curves, files.training, files.surface, files.trajectory, files.surfaceNumbers, files.summary] {
            #expect(FileManager.default.fileExists(atPath: path), "\(path)")
        }
        let svg = try String(contentsOfFile: files.surface, encoding: .utf8)
        #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>\n"))
        // The path: one polyline point per recorded step, from the start marker to the end marker.
        let pathLine = try #require(svg.split(separator: "\n").first { $0.contains("class=\"path\"") })
        let points = try #require(pathLine.split(separator: "\"").drop { !$0.hasSuffix("points=") }.dropFirst().first)
        #expect(points.split(separator: " ").count == 31)
        #expect(svg.contains("class=\"start\"") && svg.contains("class=\"end\"") && svg.contains("class=\"marker\""))
        #expect(svg.contains("data-level="), "contour lines")
        #expect(svg.components(separatedBy: "<rect").count > 11 * 11, "one cell per grid point")
        let csv = try String(contentsOfFile: files.trajectory, encoding: .utf8).split(separator: "\n")
        #expect(csv.count == 32 && csv[0] == "step,theta,phi,encoder_variance,log_p,elbo")
        #expect(csv[1].hasPrefix("0,2.5,-1.0,1.0,"))
        #expect(try String(contentsOfFile: files.surfaceNumbers, encoding: .utf8).split(separator: "\n").count == 1 + 11 * 11)
        let summary = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: files.summary))) as? [String: Any])
        #expect(summary["start_theta"] as? Double == 2.5 && summary["start_phi"] as? Double == -1)
        #expect((summary["plots"] as? [String])?.contains(files.surface) == true)
    }

    @Test func contourSegmentsLieOnTheirLevel() {
        // f(x, y) = x + 2y is linear, so marching squares' interpolation is exact.
        let xs = ELBOExplorer.grid(-1...1, points: 5), ys = ELBOExplorer.grid(-1...1, points: 4)
        let map = HeatMap(title: "", xLabel: "x", yLabel: "y", valueLabel: "f", x: xs, y: ys,
                          values: ys.map { y in xs.map { x in x + 2 * y } })
        for level in [-1.3, 0, 0.7] {
            let segments = map.contourSegments(level: level)
            #expect(!segments.isEmpty)
            for (a, b) in segments {
                #expect(Swift.abs(a.0 + 2 * a.1 - level) < 1e-12 && Swift.abs(b.0 + 2 * b.1 - level) < 1e-12)
            }
        }
        #expect(map.contourSegments(level: 10).isEmpty)
    }
}

import Foundation
import Testing
@testable import Latent

/// `latent latent-histograms`: one histogram per latent dimension, the prior's density for N(0, I) priors.
@Suite struct LatentHistogramsTests {
    let fixture = ExperimentFixture()

    @Test func histogramsOfAHandBuiltColumn() {
        // Column 0: 0, 1, 2, 3 in 2 bins over [0, 3]: two values each, width 1.5 → density 2/(4·1.5) = ⅓.
        let codes = Tensor([0, 5, 1, 5, 2, 5, 3, 5], shape: [4, 2])
        let h = LatentHistograms.histograms(codes, dimensions: 8, bins: 2, coveringPrior: false)
        #expect(h.count == 2, "all dimensions when there are fewer than asked")
        #expect(h[0].edges == [0, 1.5, 3] && h[0].density.allSatisfy { Swift.abs($0 - 1.0 / 3) < 1e-12 })
        #expect(h[0].mean == 1.5 && Swift.abs(h[0].standardDeviation - 1.25.squareRoot()) < 1e-12)
        // A constant column gets a unit-wide range around its value; all its mass in one bin of width ½.
        #expect(h[1].edges.first == 4.5 && h[1].edges.last == 5.5 && h[1].density == [0, 2])
        // Covering the prior widens the range to ±3.5.
        let wide = LatentHistograms.histograms(codes, dimensions: 1, bins: 7, coveringPrior: true)
        #expect(wide.count == 1 && wide[0].edges.first == -3.5 && wide[0].edges.last == 3.5)
    }

    @Test func aRunsHistogramsIntegrateToOneAndShowThePriorForPPCAAndVAE() throws {
        for family in ["ppca", "vae", "ae"] {
            let run = try fixture.trained(family, latent: 3)
            let h = try run.latentHistograms(LatentHistogramsOptions(count: 40, dimensions: 2, bins: 10))
            #expect(h.codeDimension == 3 && h.images == 40 && h.dimensions.map(\.index) == [0, 1], "the first 2 of 3")
            #expect(h.standardNormalPrior == (family != "ae"), "\(family): the prior is N(0, I) for PPCA and the VAE")
            for d in h.dimensions {
                let mass = zip(d.density, zip(d.edges, d.edges.dropFirst())).map { $0 * ($1.1 - $1.0) }.reduce(0, +)
                #expect(Swift.abs(mass - 1) < 1e-9, "\(family) z\(d.index + 1): mass \(mass)")
            }
            let path = try h.write()
            #expect(path == run.directory.plot("latent-histograms.svg"))
            let svg = try String(contentsOfFile: path, encoding: .utf8)
            #expect(svg.contains("the first 2 of 3 dimensions") && svg.contains("z1: mean") && svg.contains("z2: mean"))
            #expect(svg.contains("N(0, 1)") == (family != "ae"))
            #expect(try String(contentsOfFile: run.directory.path + "/report.html", encoding: .utf8).contains("latent-histograms.svg"))
        }
    }

    @Test func modelsWithoutCodesAreOneLine() throws {
        let gan = try fixture.trained("gan")
        expectLatentError(["model 'gan' has no codes to draw (vae, conv-vae, ae, conv-ae, ppca, rbm and dbm do)"]) {
            _ = try gan.latentHistograms()
        }
    }
}

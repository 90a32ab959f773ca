import Foundation
import Testing
@testable import Latent

/// `latent-map --split train`: codes of the training images, prepared as for training.
@Suite struct LatentMapSplitTests {
    let fixture = ExperimentFixture()

    /// Least-squares fit of `points` [N, 2] on the coefficients (a, b) of the
    /// same images: the largest residual and the determinant of the 2×2 map.
    func linearFit(_ points: Tensor, _ coefficients: [(a: Double, b: Double, label: Int)]) -> (residual: Double, determinant: Double) {
        let p = points.scalars.map(Double.init)
        var caa = 0.0, cab = 0.0, cbb = 0.0, cap = [0.0, 0.0], cbp = [0.0, 0.0]
        for (i, c) in coefficients.enumerated() {
            caa += c.a * c.a; cab += c.a * c.b; cbb += c.b * c.b
            for k in 0..<2 { cap[k] += c.a * p[2 * i + k]; cbp[k] += c.b * p[2 * i + k] }
        }
        let det = caa * cbb - cab * cab
        // Rows of A: point = a·A[0] + b·A[1].
        let a0 = (0..<2).map { (cbb * cap[$0] - cab * cbp[$0]) / det }, a1 = (0..<2).map { (caa * cbp[$0] - cab * cap[$0]) / det }
        var residual = 0.0
        for (i, c) in coefficients.enumerated() {
            for k in 0..<2 { residual = Swift.max(residual, Swift.abs(c.a * a0[k] + c.b * a1[k] - p[2 * i + k])) }
        }
        return (residual, a0[0] * a1[1] - a0[1] * a1[0])
    }

    @Test func theTrainingMapPlacesTheTrainingImagesOnTheirHandKnownPlane() throws {
        let run = try fixture.trained("ppca")
        // More than the 160 training images: all of them, in file order.
        let map = try run.latentMap(LatentMapOptions(count: 1_000, split: .train))
        #expect(map.split == .train)
        #expect(map.points.shape == [160, 2], "the 160 training images, not the 40 test images")
        let train = Array(ExperimentFixture.coefficients.prefix(160))
        #expect(map.labels == train.map(\.label))
        // The training images are 0.5 + a·u + b·v with the mean 0.5 and the
        // principal directions u, v: PPCA's posterior means are a linear,
        // invertible map of (a, b), with no offset.
        let fit = linearFit(map.points, train)
        #expect(fit.residual < 1e-3)
        #expect(Swift.abs(fit.determinant) > 0.1)
        // The same codes the model gives the prepared training images.
        let model = try #require(run.model as? any LatentSpaceModel)
        let data = try run.data()
        expectClose(map.points, try model.encode(data.evaluationImages(data.train), labels: data.train.labels), tolerance: 0)
    }

    @Test func aSmallerTrainingMapIsTheFixedSubsetAndIsWrittenBesideTheTestMap() throws {
        let run = try fixture.trained("ppca")
        let map = try run.latentMap(LatentMapOptions(count: 50, split: .train))
        let kept = PreparedData.fixedSubset(count: 160, limit: 50)
        #expect(map.points.shape == [50, 2])
        #expect(map.labels == kept.map { ExperimentFixture.coefficients[$0].label })
        #expect(try run.latentMap(LatentMapOptions(count: 50, split: .train)).points.scalars == map.points.scalars, "fixed, not redrawn")
        let test = try LatentMap.write([try run.latentMap(LatentMapOptions(count: 40))])
        let path = try LatentMap.write([map])
        #expect(test == run.directory.plot("latent-map.svg"))
        #expect(path == run.directory.plot("latent-map-train.svg"))
        #expect(fileExists(test) && fileExists(path))
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("latent means of training images"))
        #expect(!(try String(contentsOfFile: test, encoding: .utf8).contains("training images")))
        let other = try fixture.trained("ae")
        let both = try LatentMap.write([map, try other.latentMap(LatentMapOptions(count: 50, split: .train))])
        #expect(both == run.directory.plot("latent-map-train-compare.svg"))
        let tsne = try run.latentMap(LatentMapOptions(count: 20, method: .tsne, perplexity: 5, showsProgress: false, split: .train))
        #expect(tsne.points.shape == [20, 2])
        #expect(try LatentMap.write([tsne]) == run.directory.plot("latent-map-tsne-train.svg"))
    }
}

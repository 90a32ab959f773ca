import Foundation
import Testing
@testable import Latent

/// `latent project --walk`: straight latent walks of a VAE and P-PCA placed in
/// the PCA plane of `ExperimentFixture`'s data, whose components are known by hand.
@Suite struct LatentWalkTests {
    let fixture = ExperimentFixture()

    /// (x − 0.5)·u and (x − 0.5)·v of picture `i` of `images` [N, 1, 8, 8]: its
    /// coordinates in the training images' PCA plane, worked out by hand.
    func planeByHand(_ images: Tensor) -> Tensor {
        let (u, v) = (ExperimentFixture.direction(0), ExperimentFixture.direction(1))
        let x = images.scalars
        func coordinate(_ i: Int, _ d: [Double]) -> Float {
            var sum = 0.0
            for p in 0..<64 { sum += (Double(x[i * 64 + p]) - 0.5) * d[p] }
            return Float(sum)
        }
        let n = images.shape[0]
        return Tensor((0..<n).flatMap { i in [coordinate(i, u), coordinate(i, v)] }, shape: [n, 2])
    }

    @Test func aPPCAWalkIsAStraightEvenlySpacedLineInTheDataPlane() throws {
        let run = try fixture.trained("ppca")
        let walk = try run.latentWalk(LatentWalkOptions(count: 7, background: 25, seed: 3))
        #expect(walk.paths.count == 1 && walk.count == 7)
        let path = walk.paths[0]
        // z and z′ are the seed's first two draws from N(0, I); the codes the line between them.
        var rng = RandomGenerator(seed: 3)
        let ends = Tensor.normal([2, 2], rng: &rng)
        expectClose(path.ends, ends, tolerance: 0)
        expectClose(path.codes, Interpolation.straightLine(from: ends.rows(0..<1), to: ends.rows(1..<2), steps: 7), tolerance: 0)
        // The first and last images are the decodings of z and z′.
        let model = try #require(run.model as? any LatentSpaceModel)
        #expect(path.images.shape == [7, 1, 8, 8])
        expectClose(path.images.rows(0..<1), run.pictures(try model.decode(ends.rows(0..<1), labels: nil)), tolerance: 1e-4)
        expectClose(path.images.rows(6..<7), run.pictures(try model.decode(ends.rows(1..<2), labels: nil)), tolerance: 1e-4)
        // The plane is the data's: test images sit at their (a, b), decoded images at (x − 0.5)·(u, v).
        let test = ExperimentFixture.coefficients.suffix(40).prefix(25)
        expectClose(walk.background, Tensor(test.flatMap { [Float($0.a), Float($0.b)] }, shape: [25, 2]), tolerance: 1e-4)
        #expect(walk.backgroundLabels == test.map(\.label))
        expectClose(path.points, planeByHand(path.images), tolerance: 1e-4)
        // P-PCA decodes linearly (W z + μ) and the projection is affine, so the
        // path is the straight line from the first point to the last, evenly
        // spaced: point k = p₀ + k/6 · (p₆ − p₀).
        let p = path.points.scalars
        let (dx, dy) = (p[12] - p[0], p[13] - p[1])
        #expect(dx * dx + dy * dy > 1e-4, "the ends of the walk are apart in the plane")
        var line: [Float] = []
        for k in 0..<7 {
            let t = Float(k) / 6
            line += [p[0] + t * dx, p[1] + t * dy]
        }
        expectClose(path.points, Tensor(line, shape: [7, 2]), tolerance: 1e-4)
        // The plot: the background, and one path of 7 numbered points.
        let plot = walk.plot()
        #expect(plot.points.count == 25)
        #expect(plot.classNames == ["class 0", "class 1", "class 2", "class 3"])
        #expect(plot.paths.count == 1 && plot.paths[0].name == run.name && plot.paths[0].points.count == 7)
        let svg = plot.svg()
        #expect(svg.components(separatedBy: "<polyline").count == 2)
        #expect((1...7).allSatisfy { svg.contains("font-weight=\"bold\" fill=\"#111111\">\($0)</text>") })
        let written = try walk.write()
        #expect(written.plot == run.directory.plot("project-walk.svg") && fileExists(written.plot))
        #expect(written.strips == run.directory.image("project-walk.png") && fileExists(written.strips))
    }

    @Test func aVAEAndPPCAWalkBetweenTheSameCodesInOnePlane() throws {
        let vae = try fixture.trained("vae"), ppca = try fixture.trained("ppca")
        let walk = try vae.latentWalk(LatentWalkOptions(background: 40, seed: 5), compare: [ppca])
        #expect(walk.count == 20, "20 images by default")
        #expect(walk.paths.map(\.name) == [vae.name, ppca.name])
        // Both latent spaces are 2-D: both runs walk from the same z to the same z′.
        expectClose(walk.paths[0].ends, walk.paths[1].ends, tolerance: 0)
        for (run, path) in zip([vae, ppca], walk.paths) {
            let model = try #require(run.model as? any LatentSpaceModel)
            #expect(path.codes.shape == [20, 2] && path.images.shape == [20, 1, 8, 8] && path.points.shape == [20, 2])
            expectClose(path.images.rows(0..<1), run.pictures(try model.decode(path.ends.rows(0..<1), labels: nil)), tolerance: 1e-4)
            expectClose(path.images.rows(19..<20), run.pictures(try model.decode(path.ends.rows(1..<2), labels: nil)), tolerance: 1e-4)
            // One plane for both, the data's own.
            expectClose(path.points, planeByHand(path.images), tolerance: 1e-4)
        }
        let plot = walk.plot()
        #expect(plot.paths.map(\.name) == [vae.name, ppca.name])
        #expect(plot.paths.allSatisfy { $0.points.count == 20 })
        let svg = plot.svg()
        #expect(svg.components(separatedBy: "<polyline").count == 3, "one line per run")
        #expect(svg.contains(ScatterPlot.pathPalette[0]) && svg.contains(ScatterPlot.pathPalette[1]))
        // The strips: a captioned row per run. 8×8 images drawn at twice their size with
        // padding 2 and a number under each: a row is 13 (caption) + 16 + 2 + 7 + 2 (cell) + 2 = 42
        // pixels high, the rows 6 apart; the second run's first image starts at (2, 42 + 6 + 13 + 2).
        let strips = walk.strips()
        #expect(strips.height == 42 * 2 + 6 && strips.width == 20 * 18 + 2)
        #expect(strips.channels == 1)
        let first = walk.paths[1].images.scalars
        for iy in 0..<8 { for ix in 0..<8 {
            let expected = UInt8((Swift.min(Swift.max(first[iy * 8 + ix], 0), 1) * 255).rounded())
            #expect(strips.pixels[(63 + 2 * iy + 1) * strips.width + 2 + 2 * ix + 1] == expected)
        } }
        let written = try walk.write()
        #expect(written.plot == vae.directory.plot("project-walk-compare.svg") && fileExists(written.plot))
        #expect(written.strips == vae.directory.image("project-walk-compare.png") && fileExists(written.strips))
        #expect(try PNGReader.read(written.strips).shape == [1, 90, 362], "the file is the strips drawn")
    }

    @Test func walksAreRefusedForOtherShapesOtherFamiliesAndTooFewImages() throws {
        let ppca = try fixture.trained("ppca")
        // A run on 4×4 images.
        let small = fixture.tmp.file("small.npy")
        try NPY.write(Tensor.full([20, 4, 4], 0.5), to: small)
        var options = DataOptions(source: small)
        options.validation = 0
        let data = try PreparedData.load(options)
        let config = try testConfig("ppca", data: data, [("latent", "2")])
        let directory = try RunDirectory.create(root: fixture.tmp.file("runs"), name: "small", config: config)
        var rng = RandomGenerator(seed: 1)
        let other = TrainedRun(directory: directory, model: try config.buildModel(rng: &rng), epoch: 0)
        expectLatentError(["\(other.name) has images of shape [1, 4, 4]", "\(ppca.name) of [1, 8, 8]"]) {
            _ = try ppca.latentWalk(compare: [other])
        }
        let rbm = try fixture.untrained("rbm")
        expectLatentError(["model 'rbm' does not support `project --walk`"]) { _ = try ppca.latentWalk(compare: [rbm]) }
        expectLatentError(["a walk needs at least 2 images"]) { _ = try ppca.latentWalk(LatentWalkOptions(count: 1)) }
    }
}

import Foundation
import Testing
@testable import Latent

/// Interpolation, latent maps, projections and filters: each checked against
/// what can be worked out by hand on `ExperimentFixture`'s data.
@Suite struct ExperimentGeometryTests {
    let fixture = ExperimentFixture()

    // MARK: interpolation

    @Test func aStraightLineIsLinearInTheCode() {
        let start = Tensor([0, 0, 1, 1], shape: [2, 2]), end = Tensor([4, 8, 1, -3], shape: [2, 2])
        let line = Interpolation.straightLine(from: start, to: end, steps: 5)
        expectClose(line, Tensor([0, 0, 1, 2, 2, 4, 3, 6, 4, 8,
                                  1, 1, 1, 0, 1, -1, 1, -2, 1, -3], shape: [10, 2]))
    }

    @Test func interpolationBetweenTestImagesStartsAndEndsAtTheirCodes() throws {
        let run = try fixture.trained("vae")
        let result = try run.interpolate(InterpolationOptions(steps: 5, from: 3, to: 17))
        #expect(result.rows == 1)
        #expect(result.codes.shape == [5, 2])
        #expect(result.images.shape == [5, 1, 8, 8])
        let model = try #require(run.model as? any LatentSpaceModel)
        let test = try run.testImages()
        let ends = try model.encode(test.images.gatherRows([3, 17]), labels: [test.labels[3], test.labels[17]])
        expectClose(result.codes.rows(0..<1), ends.rows(0..<1))
        expectClose(result.codes.rows(4..<5), ends.rows(1..<2))
        // The end images are the decoded end codes; the steps in between are evenly spaced in z.
        expectClose(result.images.rows(0..<1), run.pictures(try model.decode(ends.rows(0..<1), labels: nil)))
        expectClose(result.images.rows(4..<5), run.pictures(try model.decode(ends.rows(1..<2), labels: nil)))
        let step = result.codes.rows(1..<2) - result.codes.rows(0..<1)
        for s in 1..<5 {
            expectClose(result.codes.rows(s..<(s + 1)) - result.codes.rows((s - 1)..<s), step)
        }
        let path = try result.write()
        #expect(path == run.directory.image("interpolate.png"))
        #expect(fileExists(path))
    }

    @Test func randomInterpolationDrawsOneRowPerPair() throws {
        let run = try fixture.trained("ppca")
        let result = try run.interpolate(InterpolationOptions(steps: 4, pairs: 3, seed: 7))
        #expect(result.rows == 3)
        #expect(result.images.shape == [12, 1, 8, 8])
        var rng = RandomGenerator(seed: 7)
        let a = Tensor.normal([3, 2], rng: &rng), b = Tensor.normal([3, 2], rng: &rng)
        expectClose(result.codes, Interpolation.straightLine(from: a, to: b, steps: 4))
        expectLatentError(["--from and --to must be test indices below 40, got 0 and 40"]) {
            _ = try run.interpolate(InterpolationOptions(from: 0, to: 40))
        }
        expectLatentError(["give both --from and --to"]) { _ = try run.interpolate(InterpolationOptions(from: 0)) }
    }

    // MARK: latent maps

    @Test func theMapOfCodesIsTheirPrincipalPlane() throws {
        // Four 3-D codes on the x and y axes: PC 1 is x (variance 8/3), PC 2 is y (2/3).
        let codes = Tensor([2, 0, 0, -2, 0, 0, 0, 1, 0, 0, -1, 0], shape: [4, 3])
        let (points, ratio) = try LatentMap.plane(codes, method: .pca)
        expectClose(points, Tensor([2, 0, -2, 0, 0, 1, 0, -1], shape: [4, 2]))
        #expect(Swift.abs(ratio[0] - 0.8) < 1e-9 && Swift.abs(ratio[1] - 0.2) < 1e-9)
        // Codes of two dimensions are drawn as they are; of one, on the x axis.
        let flat = Tensor([1, 2, 3, 4], shape: [2, 2])
        expectClose(try LatentMap.plane(flat, method: .pca).points, flat, tolerance: 0)
        expectClose(try LatentMap.plane(Tensor([5, 6], shape: [2, 1]), method: .pca).points, Tensor([5, 0, 6, 0], shape: [2, 2]), tolerance: 0)
    }

    @Test func aRunsMapPlacesItsTestCodesWithTheirClasses() throws {
        let run = try fixture.trained("ppca")
        let map = try run.latentMap(LatentMapOptions(count: 30))
        let model = try #require(run.model as? any LatentSpaceModel)
        let test = try run.testImages(limit: 30)
        expectClose(map.points, try model.encode(test.images, labels: test.labels), tolerance: 0)
        #expect(map.labels == test.labels)
        #expect(map.explainedVarianceRatio == [1, 1])
        #expect(map.plot().points.count == 30)
        let single = try LatentMap.write([map])
        #expect(single == run.directory.plot("latent-map.svg"))
        let other = try fixture.trained("vae")
        let both = try LatentMap.write([map, try other.latentMap(LatentMapOptions(count: 30))])
        #expect(both == run.directory.plot("latent-map-compare.svg"))
        let svg = try String(contentsOfFile: both, encoding: .utf8)
        #expect(svg.components(separatedBy: "<svg x=").count == 3, "two maps nested side by side")
        #expect(svg.contains("vae latent means") && svg.contains("ppca latent means"))
    }

    @Test func aTSNEMapHasOnePointPerImage() throws {
        let run = try fixture.trained("ppca")
        let map = try run.latentMap(LatentMapOptions(count: 40, method: .tsne, perplexity: 5, showsProgress: false))
        #expect(map.points.shape == [40, 2])
        #expect(map.points.scalars.allSatisfy { $0.isFinite })
        #expect(map.explainedVarianceRatio.isEmpty)
        #expect(try LatentMap.write([map]) == run.directory.plot("latent-map-tsne.svg"))
        expectLatentError(["t-SNE needs at least 4 test images"]) {
            _ = try LatentMap.plane(Tensor.zeros([3, 2]), method: .tsne)
        }
    }

    // MARK: projection

    @Test func projectionCoordinatesAreTheDataPlaneWorkedOutByHand() throws {
        let run = try fixture.trained("ppca")
        let projection = try run.project(ProjectionOptions(count: 6, background: 25, seed: 2))
        // The training images' principal components are u and v, their mean 0.5:
        // a test image's coordinates are its (a, b).
        let test = ExperimentFixture.coefficients.suffix(40).prefix(25)
        expectClose(projection.background, Tensor(test.flatMap { [Float($0.a), Float($0.b)] }, shape: [25, 2]), tolerance: 1e-4)
        #expect(projection.backgroundLabels == test.map(\.label))
        let sumA: Double = ExperimentFixture.trainA.map { $0 * $0 }.reduce(0, +) * 10
        let sumB: Double = ExperimentFixture.trainB.map { $0 * $0 }.reduce(0, +) * 16
        #expect(Swift.abs(projection.pca.explainedVarianceRatio[0] - sumA / (sumA + sumB)) < 1e-4)
        // Samples: (x − 0.5)·u and (x − 0.5)·v.
        #expect(projection.samples.shape == [6, 1, 8, 8])
        let (u, v) = (ExperimentFixture.direction(0), ExperimentFixture.direction(1))
        let x = projection.samples.scalars
        func coordinate(_ i: Int, _ d: [Double]) -> Float {
            var sum = 0.0
            for p in 0..<64 { sum += (Double(x[i * 64 + p]) - 0.5) * d[p] }
            return Float(sum)
        }
        let byHand = (0..<6).flatMap { i in [coordinate(i, u), coordinate(i, v)] }
        expectClose(projection.samplePoints, Tensor(byHand, shape: [6, 2]), tolerance: 1e-4)
        let plot = projection.plot()
        #expect(plot.points.count == 31)
        #expect(plot.pointLabels?.suffix(6) == ["1", "2", "3", "4", "5", "6"])
        #expect(plot.classNames == ["class 0", "class 1", "class 2", "class 3", "generated"])
        let written = try projection.write()
        #expect(written.plot == run.directory.plot("project.svg") && fileExists(written.plot))
        #expect(written.grid == run.directory.image("project-samples.png") && fileExists(written.grid))
    }

    // MARK: filters

    @Test func filtersHaveOneImagePerHiddenUnit() throws {
        let run = try fixture.trained("rbm")
        let some = try run.filters(FilterOptions(layer: 1, count: 10))
        #expect(some.weights.shape == [10, 64])
        #expect(try run.filters(FilterOptions(count: 100)).count == 16, "at most the layer's 16 hidden units")
        expectLatentError(["--layer must be between 1 and 1 for this model, got 2"]) { _ = try run.filters(FilterOptions(layer: 2)) }
        let path = try some.write()
        #expect(path == run.directory.image("filters-layer1.png"))
        #expect(fileExists(path))
    }

    @Test func thePPCAFiltersAreTheDataDirections() throws {
        let run = try fixture.trained("ppca")
        let filters = try run.filters()
        #expect(filters.weights.shape == [2, 64])
        let w = filters.weights.scalars
        for (row, direction) in [ExperimentFixture.direction(0), ExperimentFixture.direction(1)].enumerated() {
            let cosine = (0..<64).map { Double(w[row * 64 + $0]) * direction[$0] }.reduce(0, +)
                / (0..<64).map { Double(w[row * 64 + $0] * w[row * 64 + $0]) }.reduce(0, +).squareRoot()
            #expect(Swift.abs(Swift.abs(cosine) - 1) < 1e-3, "filter \(row + 1) is ±\(row == 0 ? "u" : "v"): cosine \(cosine)")
        }
    }
}

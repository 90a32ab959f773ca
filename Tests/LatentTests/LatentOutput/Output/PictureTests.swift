import Foundation
import Testing
@testable import Latent
@testable import LatentOutput

@Suite struct PictureTests {
    @Test func gridPlacesEveryImage() {
        // Four 2×2 images of constant brightness 0, 1/3, 2/3, 1 in a 2×2 grid, padding 1, scale 1.
        let images = Tensor((0..<4).flatMap { Array(repeating: Float($0) / 3, count: 4) }, shape: [4, 1, 2, 2])
        var grid = ImageGrid(images: images, columns: 2)
        grid.scale = 1
        grid.padding = 1
        let png = grid.render()
        #expect(png.width == 2 * 3 + 1 && png.height == 2 * 3 + 1 && png.channels == 1)
        func pixel(_ x: Int, _ y: Int) -> UInt8 { png.pixels[y * png.width + x] }
        #expect(pixel(0, 0) == 255, "padding is white")
        #expect(pixel(1, 1) == 0 && pixel(4, 1) == 85 && pixel(1, 4) == 170 && pixel(5, 5) == 255)
    }

    @Test func filtersAreNormalisedEachToItsOwnRange() {
        let weights = Tensor([-5, 5, 0, 0, 0.1, 0.2, 0.3, 0.4], shape: [2, 4])
        let png = ImageGrid.filters(weights, imageShape: [1, 2, 2], columns: 2, scale: 1)
        // First filter: -5 → black, 5 → white; second: 0.1 → black, 0.4 → white.
        #expect(png.pixels[1 * png.width + 1] == 0 && png.pixels[1 * png.width + 2] == 255)
        #expect(png.pixels[1 * png.width + 4] == 0 && png.pixels[2 * png.width + 5] == 255)
    }

    @Test func captionsAreDrawn() {
        let images = Tensor.zeros([4, 1, 8, 8])
        let png = ImageGrid.sideBySide([images, images], captions: ["REAL", "FAKE"], columns: 2)
        // The caption band (first rows) holds dark ink on white.
        let band = png.pixels.prefix(png.width * (PixelFont.glyphHeight + 6))
        #expect(band.contains(0) && band.contains(255))
        #expect(PixelFont.isInk("A", x: 0, y: 3) && !PixelFont.isInk("A", x: 0, y: 0))
    }

    @Test func lineChartHasSeriesLegendAndLogScale() {
        var chart = LineChart(title: "Loss & co", xLabel: "epoch", yLabel: "nats")
        chart.add("train", x: [1, 2, 3], y: [3, 2, 1])
        chart.add("validation", x: [1, 2, 3], y: [3.5, .nan, 1.5], dashed: true)
        let svg = chart.svg()
        #expect(svg.contains("Loss &amp; co") && svg.contains(">train<") && svg.contains(">validation<"))
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 1, "the NaN splits the dashed series into two single points")
        #expect(svg.contains("stroke-dasharray"))
        var log = LineChart(title: "t", xLabel: "x", yLabel: "y", logScaleY: true)
        log.add("a", x: [1, 2, 3], y: [1, 10, 1000])
        #expect(log.svg().contains(">1000<") && log.svg().contains("(log scale)"))
    }

    @Test func scatterColoursByClass() {
        var plot = ScatterPlot(title: "codes", xLabel: "PC 1", yLabel: "PC 2")
        plot.points = [(0, 0), (1, 1), (2, 0)]
        plot.classes = [0, 1, 1]
        plot.pointLabels = ["a", "b", "c"]
        let svg = plot.svg()
        #expect(svg.components(separatedBy: SVG.color(1)).count - 1 == 3, "two points and one legend entry")
        #expect(svg.contains(">class 1<") && svg.contains(">c<"))
    }
}

@Suite struct LinearAlgebraTests {
    @Test func symmetricEigenOfAKnownMatrix() throws {
        let (values, vectors) = try SymmetricEigen.decompose([2, 1, 1, 2], n: 2)
        #expect(Swift.abs(values[0] - 1) < 1e-12 && Swift.abs(values[1] - 3) < 1e-12)
        // Eigenvector of 3 is (1, 1)/√2 (up to sign), stored as column 1.
        #expect(Swift.abs(Swift.abs(vectors[0 * 2 + 1]) - 0.5.squareRoot()) < 1e-12)
        #expect(Swift.abs(vectors[0 * 2 + 1] - vectors[1 * 2 + 1]) < 1e-12)
        #expect(throws: LatentError.self) { try SymmetricEigen.decompose([.nan, 0, 0, 1], n: 2) }
    }

    @Test func pcaRecoversTheMainDirection() throws {
        // Points along (3, 4)/5 with small noise across it.
        var rng = RandomGenerator(seed: 1)
        let t = Tensor.normal([500], std: 2, rng: &rng).scalars
        let e = Tensor.normal([500], std: 0.05, rng: &rng).scalars
        var rows: [Float] = []
        for i in 0..<500 {
            let a: Float = 0.6 * t[i] - 0.8 * e[i] + 1
            let b: Float = 0.8 * t[i] + 0.6 * e[i] - 2
            rows += [a, b]
        }
        let pca = try PCA.fit(Tensor(rows, shape: [500, 2]), components: 2)
        #expect(Swift.abs(pca.components[0][0] - 0.6) < 0.01 && Swift.abs(pca.components[0][1] - 0.8) < 0.01)
        #expect(pca.explainedVarianceRatio[0] > 0.99)
        let back = pca.inverseTransform(pca.transform(Tensor(rows, shape: [500, 2])))
        #expect(Swift.abs(back[0, 0] - rows[0]) < 1e-4)
    }
}

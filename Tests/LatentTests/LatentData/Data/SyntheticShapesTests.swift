import Foundation
import Testing
@testable import Latent

/// `latent data synth shapes`: the factor grid, seeded generation, rendering by area, and the folder `--data` and MIG read.
@Suite struct SyntheticShapesTests {
    @Test func theFactorGridIsTheDocumentedOne() {
        let f = SyntheticShapes.factors()
        #expect(f.map(\.name) == ["shape", "scale", "rotation", "x", "y"])
        #expect(f.map { $0.values.count } == [4, 6, 10, 8, 8])
        #expect(f[0].valueNames == ["square", "ellipse", "heart", "triangle"])
        #expect(zip(f[1].values, [0.5, 0.6, 0.7, 0.8, 0.9, 1.0]).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(f[2].values == (0..<10).map { Double($0) * 36 })
        #expect(abs(f[3].values.first! - 0.25) < 1e-12 && abs(f[3].values.last! - 0.75) < 1e-12 && f[3].values == f[4].values)
    }

    @Test func theSameSeedGivesTheSameSetAndAnotherSeedAnother() throws {
        let a = try SyntheticShapes.generate(.init(size: 32, count: 50, seed: 4))
        let b = try SyntheticShapes.generate(.init(size: 32, count: 50, seed: 4))
        let c = try SyntheticShapes.generate(.init(size: 32, count: 50, seed: 5))
        #expect(a.pixels == b.pixels && a.factorIndices == b.factorIndices)
        #expect(a.factorIndices != c.factorIndices)
        #expect(a.images.shape == [50, 1, 32, 32])
        // Every factor index lies on the grid and every value shows up over many images.
        let many = try SyntheticShapes.generate(.init(size: 32, count: 2_000, seed: 1))
        for (k, factor) in many.factors.enumerated() {
            #expect(Set(many.factorIndices.map { $0[k] }) == Set(0..<factor.values.count), "\(factor.name)")
        }
    }

    @Test func aRenderedShapeCoversItsArea() {
        // Circumradius R = scale · 0.2 · side: at side 64 and scale 1, R = 12.8 pixels.
        let r = 12.8
        let square = SyntheticShapes.render(.square, scale: 1, rotation: 0, x: 0.5, y: 0.5, size: 64)
        #expect(abs(Double(square.reduce(0, +)) - 2 * r * r) < 0.02 * 2 * r * r, "a square of side R√2 covers 2R²")
        let turned = SyntheticShapes.render(.square, scale: 1, rotation: 36, x: 0.5, y: 0.5, size: 64)
        #expect(abs(Double(turned.reduce(0, +)) - 2 * r * r) < 0.03 * 2 * r * r, "turning keeps the area")
        let ellipse = SyntheticShapes.render(.ellipse, scale: 1, rotation: 0, x: 0.5, y: 0.5, size: 64)
        #expect(abs(Double(ellipse.reduce(0, +)) - .pi * r * r / 2) < 0.03 * .pi * r * r / 2, "axes R and R/2")
        let triangle = SyntheticShapes.render(.triangle, scale: 1, rotation: 0, x: 0.5, y: 0.5, size: 64)
        let triangleArea = 3 * 3.0.squareRoot() / 4 * r * r
        #expect(abs(Double(triangle.reduce(0, +)) - triangleArea) < 0.03 * triangleArea, "equilateral, circumradius R")
        // Binary pixels are 0 or 1 and cover about the same area; a binary square at rotation 0 is 18×18 here.
        let binary = SyntheticShapes.render(.square, scale: 1, rotation: 0, x: 0.5, y: 0.5, size: 64, antialiased: false)
        #expect(binary.allSatisfy { $0 == 0 || $0 == 1 })
        #expect(binary.reduce(0, +) == 18 * 18)
        // Its centre sits at (x · side, y · side): the square spans columns and rows 23…40, symmetric about 32.
        let columns = (0..<64).filter { c in (0..<64).contains { binary[$0 * 64 + c] == 1 } }
        #expect(columns.first == 23 && columns.last == 40)
        // Position moves the shape: a square at x = 0.25 is centred at column 16.
        let left = SyntheticShapes.render(.square, scale: 0.5, rotation: 0, x: 0.25, y: 0.75, size: 32, antialiased: false)
        let cols = (0..<32).filter { c in (0..<32).contains { left[$0 * 32 + c] == 1 } }
        let rows = (0..<32).filter { r in (0..<32).contains { left[r * 32 + $0] == 1 } }
        #expect(Double(cols.first! + cols.last! + 1) / 2 == 8 && Double(rows.first! + rows.last! + 1) / 2 == 24)
    }

    @Test func everyShapeStaysInsideTheImage() {
        let f = SyntheticShapes.factors()
        for shape in SyntheticShapes.Shape.allCases {
            for x in [f[3].values.first!, f[3].values.last!] {
                for rotation in f[2].values {
                    let image = SyntheticShapes.render(shape, scale: 1, rotation: rotation, x: x, y: x, size: 32)
                    var border: [Float] = []
                    for i in 0..<32 { border += [image[i], image[31 * 32 + i], image[i * 32], image[i * 32 + 31]] }
                    #expect(border.allSatisfy { $0 == 0 }, "\(shape) at \(x), \(rotation)°")
                }
            }
        }
    }

    @Test func theFolderReadsAsADataSetWithItsFactors() throws {
        let tmp = TempFolder()
        let dir = tmp.file("shapes")
        let (set, files) = try SyntheticShapes.synthesize(.init(size: 32, count: 100, seed: 2), into: dir)
        #expect(files.count == 7)
        let source = try DatasetRegistry.load(dir)
        #expect(source.train.count == 80 && source.test.count == 20)
        #expect(source.train.imageShape == [1, 32, 32])
        #expect(source.train.labels == set.factorIndices.prefix(80).map { $0[0] }, "labels are the shapes")
        expectClose(source.train.images.reshaped([80, -1]), set.images.reshaped([100, -1]).rows(0..<80), tolerance: 1e-6)
        let factors = try #require(try SyntheticShapes.readFactors(dir))
        #expect(factors.factors == SyntheticShapes.factors())
        #expect(factors.train == Array(set.factorIndices.prefix(80)))
        #expect(factors.test == Array(set.factorIndices.suffix(20)))
        #expect(try SyntheticShapes.readFactors(tmp.path) == nil, "a folder without factors.json has none")
    }

    @Test func sizesAreCheckedBeforeAnythingIsAllocated() {
        expectLatentError(["--count", "1048576"]) { _ = try SyntheticShapes.generate(.init(size: 32, count: Int.max)) }
        expectLatentError(["--count", "262144"]) { _ = try SyntheticShapes.generate(.init(size: 64, count: 1_000_000)) }
        expectLatentError(["--count must be between 10 and"]) { _ = try SyntheticShapes.generate(.init(count: 3)) }
        expectLatentError(["--size must be 32 or 64"]) { _ = try SyntheticShapes.generate(.init(size: 28)) }
    }
}

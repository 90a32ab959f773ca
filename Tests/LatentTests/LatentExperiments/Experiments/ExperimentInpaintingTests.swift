import Foundation
import Testing
@testable import Latent

/// Masks by rows, the error on the removed pixels, and inpainting by a tiny RBM.
@Suite struct ExperimentInpaintingTests {
    let fixture = ExperimentFixture()

    @Test func theMaskRemovesExactlyTheAskedRowsInEveryChannel() {
        let known = InpaintingMask.removingRows(1..<3, imageShape: [2, 4, 3], count: 2)
        #expect(known.shape == [2, 24])
        let m = known.scalars
        for i in 0..<2 { for c in 0..<2 { for y in 0..<4 { for x in 0..<3 {
            #expect(m[i * 24 + (c * 4 + y) * 3 + x] == ((1..<3).contains(y) ? 0 : 1), "image \(i) channel \(c) row \(y) column \(x)")
        } } } }
    }

    @Test func theErrorCountsOnlyTheRemovedPixels() {
        let original = Tensor([0, 0, 0, 0], shape: [1, 4])
        let restored = Tensor([9, 1, 3, 9], shape: [1, 4])
        let known = Tensor([1, 0, 0, 1], shape: [1, 4])
        #expect(InpaintingMask.removedError(restored: restored, original: original, known: known) == 5)   // (1 + 9) / 2
        #expect(InpaintingMask.removedError(restored: restored, original: original, known: Tensor.ones([1, 4])) == 0)
    }

    @Test func theSweepPlacesItsRows() {
        #expect(RemovedRowsPlace.top.rows(4, height: 28) == 0..<4)
        #expect(RemovedRowsPlace.middle.rows(4, height: 28) == 12..<16)
        #expect(RemovedRowsPlace.bottom.rows(4, height: 28) == 24..<28)
    }

    @Test func inpaintingKeepsTheKnownPixelsAndScoresTheRemovedOnes() throws {
        let run = try fixture.trained("rbm")
        let result = try run.inpaint(InpaintingOptions(rows: 2..<5, count: 9, seed: 4))
        #expect(result.originals.shape == [9, 1, 8, 8] && result.restored.shape == [9, 1, 8, 8])
        let (o, r, shown) = (result.originals.scalars, result.restored.scalars, result.masked.scalars)
        var removedError = 0.0
        for i in 0..<(9 * 64) {
            let row = (i % 64) / 8
            if (2..<5).contains(row) {
                removedError += Double((r[i] - o[i]) * (r[i] - o[i]))
                #expect(shown[i] == 0.5, "removed pixels are drawn mid-grey")
            } else {
                #expect(r[i] == o[i], "known pixel \(i) changed")
                #expect(shown[i] == o[i])
            }
        }
        #expect(Swift.abs(result.meanSquaredError - removedError / Double(9 * 3 * 8)) < 1e-6)
        #expect(result.meanSquaredError > 0)
        let path = try result.write()
        #expect(path == run.directory.image("inpaint-2-5.png"))
        #expect(fileExists(path))
        expectLatentError(["--rows 6:9 ends past the image's 8 rows"]) { _ = try run.inpaint(InpaintingOptions(rows: 6..<9)) }
    }

    @Test func noRowRemovedIsTheCalibrationAndTheChainLengthIsChosen() throws {
        let run = try fixture.trained("rbm")
        let calibration = try run.inpaint(InpaintingOptions(rows: 0..<0, count: 6, seed: 4))
        #expect(calibration.restored.scalars == calibration.originals.scalars && calibration.meanSquaredError == 0)
        // The chain length reaches the model: one step and 200 steps give different restorations,
        // and each equals the model's own inpainting with that many steps.
        let short = try run.inpaint(InpaintingOptions(rows: 2..<5, count: 6, seed: 4, gibbsSteps: 1))
        let long = try run.inpaint(InpaintingOptions(rows: 2..<5, count: 6, seed: 4, gibbsSteps: 200))
        #expect(short.restored.scalars != long.restored.scalars)
        let real = try run.testImages(limit: 6).images
        var rng = RandomGenerator(seed: 4)
        let direct = (run.model as! RBMModel).inpaint(real, known: InpaintingMask.removingRows(2..<5, imageShape: [1, 8, 8], count: 6), steps: 1, rng: &rng)
        #expect(short.restored.reshaped([6, 64]).scalars == direct.scalars)
        expectLatentError(["--gibbs-steps must be at least 1"]) { _ = try run.inpaint(InpaintingOptions(rows: 2..<5, gibbsSteps: 0)) }
    }

    @Test func theSweepScoresEachPlaceAsASingleInpaintingWould() throws {
        let run = try fixture.trained("rbm")
        let sweep = try run.inpaintingSweep(InpaintingSweepOptions(count: 12, seed: 5, showsProgress: false))
        #expect(sweep.count == 12)
        #expect(sweep.points.map(\.place) == [.top, .top, .middle, .middle, .bottom, .bottom])
        #expect(sweep.points.map(\.rows) == [2, 4, 2, 4, 2, 4])
        for point in sweep.points {
            let single = try run.inpaint(InpaintingOptions(rows: point.place.rows(point.rows, height: 8), count: 12, seed: 5))
            #expect(single.meanSquaredError == point.error, "\(point.place) \(point.rows)")
        }
        #expect(sweep.chart().series.map(\.name) == ["top", "middle", "bottom"])
        let path = try sweep.write()
        #expect(path == run.directory.plot("inpaint-sweep.svg"))
        #expect(fileExists(path))
    }
}

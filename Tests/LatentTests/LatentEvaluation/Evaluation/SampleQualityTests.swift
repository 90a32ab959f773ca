import Foundation
import Testing
@testable import Latent

@Suite struct SampleQualityTests {
    @Test func symmetricSquareRootSquaresBack() throws {
        let a: [Double] = [4, 1, 0, 1, 3, 1, 0, 1, 2]
        let s = try SampleQuality.symmetricSquareRoot(a, n: 3)
        for i in 0..<3 { for j in 0..<3 {
            let back = (0..<3).map { s[i * 3 + $0] * s[$0 * 3 + j] }.reduce(0, +)
            #expect(Swift.abs(back - a[i * 3 + j]) < 1e-10)
        } }
        // A known answer: sqrt of [[5, 4], [4, 5]] is [[2, 1], [1, 2]].
        let k = try SampleQuality.symmetricSquareRoot([5, 4, 4, 5], n: 2)
        for (x, y) in zip(k, [2.0, 1, 1, 2]) { #expect(Swift.abs(x - y) < 1e-12) }
    }

    @Test func frechetDistanceClosedForms() throws {
        // Isotropic: Σ₁ = aI, Σ₂ = bI → ‖μ₁−μ₂‖² + d(√a − √b)².
        let d = 4
        let i4 = (0..<16).map { $0 % 5 == 0 ? 1.0 : 0.0 }
        let fid = try SampleQuality.frechetDistance(mean1: [0, 0, 0, 0], covariance1: i4.map { $0 * 4 }, mean2: [1, 0, 2, 0],
                                                    covariance2: i4.map { $0 * 9 })
        #expect(Swift.abs(fid - (5 + Double(d) * 1)) < 1e-9)
        // Non-commuting 2×2 case against an independent computation: for 2×2 SPD
        // matrices Tr((Σ₁^½Σ₂Σ₁^½)^½) = √(Tr(Σ₁Σ₂) + 2√det(Σ₁Σ₂)).
        let c1: [Double] = [2, 0.5, 0.5, 1], c2: [Double] = [1, -0.3, -0.3, 3]
        let tr12 = c1[0] * c2[0] + c1[1] * c2[2] + c1[2] * c2[1] + c1[3] * c2[3]
        let det = (c1[0] * c1[3] - c1[1] * c1[2]) * (c2[0] * c2[3] - c2[1] * c2[2])
        let want = (c1[0] + c1[3] + c2[0] + c2[3]) - 2 * (tr12 + 2 * det.squareRoot()).squareRoot()
        let got = try SampleQuality.frechetDistance(mean1: [0, 0], covariance1: c1, mean2: [0, 0], covariance2: c2)
        #expect(Swift.abs(got - want) < 1e-9)
    }

    @Test func fidIsZeroForASetItselfAndGrowsWithNoise() throws {
        var rng = RandomGenerator(seed: 1)
        let x = Tensor.normal([2_000, 8], rng: &rng) * Tensor([1, 2, 0.5, 1, 3, 1, 1, 0.2]) + 1
        #expect(try SampleQuality.frechetDistance(x, x) < 1e-6)
        var last = 0.0
        for std in [Float(0.1), 0.3, 0.6, 1.0] {
            var noiseRng = RandomGenerator(seed: 2)
            let noisy = x + Tensor.normal(x.shape, std: std, rng: &noiseRng)
            let fid = try SampleQuality.frechetDistance(x, noisy)
            #expect(fid > last, "FID must grow with the noise: \(fid) after \(last)")
            last = fid
        }
    }

    @Test func kidIsUnbiased() {
        // Mean over repetitions of two independent samples of one distribution is ≈ 0.
        var rng = RandomGenerator(seed: 3)
        var estimates: [Double] = []
        for _ in 0..<40 {
            estimates.append(SampleQuality.kernelDistance(Tensor.normal([100, 5], rng: &rng), Tensor.normal([100, 5], rng: &rng)))
        }
        let mean = estimates.reduce(0, +) / Double(estimates.count)
        let sd = (estimates.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(estimates.count - 1)).squareRoot()
        #expect(Swift.abs(mean) < 3 * sd / Double(estimates.count).squareRoot() + 1e-9, "mean \(mean), sd \(sd)")
        let shifted = SampleQuality.kernelDistance(Tensor.normal([100, 5], rng: &rng), Tensor.normal([100, 5], mean: 1, rng: &rng))
        #expect(shifted > 10 * sd)
    }

    @Test func inceptionScoreExtremes() {
        let confident = Tensor.oneHot((0..<100).map { $0 % 10 }, classes: 10)
        #expect(Swift.abs(SampleQuality.inceptionScore(probabilities: confident) - 10) < 1e-6)
        let constant = Tensor.oneHot(Array(repeating: 3, count: 100), classes: 10)
        #expect(Swift.abs(SampleQuality.inceptionScore(probabilities: constant) - 1) < 1e-6)
        let uniform = Tensor.full([50, 10], 0.1)
        #expect(Swift.abs(SampleQuality.inceptionScore(probabilities: uniform) - 1) < 1e-6)
    }

    @Test func precisionAndRecallSeeMissingModes() {
        // Real: two clusters. Generated: only one of them → precision ≈ 1, recall ≈ ½.
        var rng = RandomGenerator(seed: 4)
        let a = Tensor.normal([200, 2], std: 0.1, rng: &rng), b = Tensor.normal([200, 2], std: 0.1, rng: &rng) + 5
        let real = Tensor.concatenate([a, b])
        let generated = Tensor.normal([200, 2], std: 0.1, rng: &rng)
        let (p, r) = SampleQuality.precisionRecall(real: real, generated: generated)
        #expect(p > 0.9 && Swift.abs(r - 0.5) < 0.08, "precision \(p), recall \(r)")
        let (p2, r2) = SampleQuality.precisionRecall(real: real, generated: Tensor.concatenate([generated, Tensor.normal([200, 2], std: 0.1, rng: &rng) + 5]))
        #expect(p2 > 0.9 && r2 > 0.9)
    }
}

@Suite struct FeatureClassifierTests {
    @Test func classifierLearnsBarsAndGivesFeatures() throws {
        let tmp = TempFolder()
        var pixels: [Float] = [], labels: [Float] = []
        for i in 0..<240 { let row = i % 4; labels.append(Float(row)); for y in 0..<8 { for _ in 0..<8 { pixels.append(y / 2 == row ? 1 : 0) } } }
        try NPY.write(Tensor(pixels, shape: [240, 8, 8]), to: tmp.file("bars.npy"))
        try NPY.write(Tensor(labels), to: tmp.file("bars-labels.npy"))
        var options = DataOptions(source: tmp.file("bars.npy"))
        options.validation = 40
        let data = try PreparedData.load(options)
        var rng = RandomGenerator(seed: 1)
        let model = try ClassifierModel(options: ClassifierOptions(), context: ModelContext(imageShape: data.imageShape, classCount: data.train.classCount), rng: &rng)
        for epoch in 1...15 {
            for indices in MiniBatches(count: data.train.count, batchSize: 20, shuffle: &rng) {
                _ = try model.trainStep(data.train.flatImages.gatherRows(indices), labels: indices.map { data.train.labels[$0] }, epoch: epoch, rng: &rng)
            }
        }
        let accuracy = model.validate(data.test.flatImages, labels: data.test.labels, rng: &rng).first { $0.0 == "accuracy" }!.1
        #expect(accuracy == 1, "accuracy \(accuracy)")
        #expect(model.features(data.test.flatImages).shape == [data.test.count, 128])
        let p = model.probabilities(data.test.flatImages)
        #expect(SampleQuality.inceptionScore(probabilities: p) > 3.5, "confident and balanced predictions score near 4 classes")
    }
}

import Foundation
import Testing
@testable import Latent

/// FID/KID as the evaluation reports them: closed forms, subsets, the real-vs-real floor, and the run-level flow.
@Suite struct EvaluationSampleQualityTests {
    /// `n` rows whose sample mean is exactly `mean` and whose unbiased sample
    /// covariance is exactly L Lᵀ (the rows of a normal draw, whitened, then coloured by `cholesky`).
    func rows(_ n: Int, mean: [Double], cholesky l: [Double], seed: UInt64) -> Tensor {
        let d = mean.count
        var rng = RandomGenerator(seed: seed)
        let x = Tensor.normal([n, d], rng: &rng).scalars.map(Double.init)
        var m = [Double](repeating: 0, count: d)
        for i in 0..<n { for j in 0..<d { m[j] += x[i * d + j] / Double(n) } }
        var c = [Double](repeating: 0, count: d * d)
        for i in 0..<n { for a in 0..<d { for b in 0..<d { c[a * d + b] += (x[i * d + a] - m[a]) * (x[i * d + b] - m[b]) / Double(n - 1) } } }
        // Cholesky of the sample covariance, then z = L_c⁻¹ (x − m) by forward substitution.
        var lc = [Double](repeating: 0, count: d * d)
        for i in 0..<d { for j in 0...i {
            var s = c[i * d + j]
            for k in 0..<j { s -= lc[i * d + k] * lc[j * d + k] }
            lc[i * d + j] = i == j ? s.squareRoot() : s / lc[j * d + j]
        } }
        var out: [Float] = []
        for i in 0..<n {
            var z = [Double](repeating: 0, count: d)
            for a in 0..<d {
                var s = x[i * d + a] - m[a]
                for k in 0..<a { s -= lc[a * d + k] * z[k] }
                z[a] = s / lc[a * d + a]
            }
            for a in 0..<d { out.append(Float(mean[a] + (0...a).map { l[a * d + $0] * z[$0] }.reduce(0, +))) }
        }
        return Tensor(out, shape: [n, d])
    }

    @Test func fidOfTwoGaussiansIsTheClosedForm() throws {
        // Σ₁ = L₁L₁ᵀ, Σ₂ = L₂L₂ᵀ, not commuting; for 2×2 SPD matrices
        // Tr((Σ₁^½Σ₂Σ₁^½)^½) = √(Tr(Σ₁Σ₂) + 2√det(Σ₁Σ₂)).
        let l1: [Double] = [1.5, 0, 0.4, 0.8], l2: [Double] = [0.7, 0, -0.6, 1.3]
        func product(_ l: [Double]) -> [Double] { [l[0] * l[0], l[0] * l[2], l[0] * l[2], l[2] * l[2] + l[3] * l[3]] }
        let (c1, c2) = (product(l1), product(l2))
        let (mu1, mu2): ([Double], [Double]) = ([0.5, -1], [2, 0.25])
        let tr12 = c1[0] * c2[0] + c1[1] * c2[2] + c1[2] * c2[1] + c1[3] * c2[3]
        let det = (c1[0] * c1[3] - c1[1] * c1[2]) * (c2[0] * c2[3] - c2[1] * c2[2])
        let meanTerm = zip(mu1, mu2).map { ($0 - $1) * ($0 - $1) }.reduce(0, +)
        let want = meanTerm + c1[0] + c1[3] + c2[0] + c2[3] - 2 * (tr12 + 2 * det.squareRoot()).squareRoot()
        let a = rows(500, mean: mu1, cholesky: l1, seed: 1), b = rows(700, mean: mu2, cholesky: l2, seed: 2)
        let got = try SampleQuality.frechetDistance(a, b)
        #expect(abs(got - want) < 1e-4 * want, "FID \(got), closed form \(want)")
        #expect(try SampleQuality.frechetDistance(a, a) < 1e-9, "a set against itself")
    }

    @Test func kidOverSubsetsIsNearZeroForOneDistributionAndReportsItsSpread() {
        var rng = RandomGenerator(seed: 3)
        let a = Tensor.normal([1_000, 6], rng: &rng), b = Tensor.normal([1_000, 6], rng: &rng)
        var draw = RandomGenerator(seed: 4)
        let same = SampleQuality.kernelDistance(a, b, subsets: 50, size: 200, rng: &draw)
        #expect(same.draws == 50 && same.standardDeviation > 0)
        // The biased (V-statistic) estimate would sit near the diagonal term E k(x, x)/m ≈ 0.05 above 0.
        #expect(abs(same.mean) < 0.01, "KID \(same.mean) ± \(same.standardDeviation)")
        let shifted = SampleQuality.kernelDistance(a, Tensor.normal([1_000, 6], mean: 0.5, rng: &rng), subsets: 50, size: 200, rng: &draw)
        #expect(shifted.mean > 10 * Swift.max(abs(same.mean), same.standardDeviation))
    }

    @Test func theFloorUsesRandomHalvesNotTheFileOrder() throws {
        // A "test file" whose second half differs from its first (as MNIST's does: its ink changes).
        var rng = RandomGenerator(seed: 5)
        let first = Tensor.normal([400, 4], rng: &rng), second = Tensor.normal([400, 4], mean: 0.4, rng: &rng)
        let real = Tensor.concatenate([first, second])
        let fileOrder = try SampleQuality.frechetDistance(first, second)
        var draw = RandomGenerator(seed: 6)
        let floor = try SampleQuality.frechetDistanceFloor(real, draws: 5, rng: &draw)
        #expect(floor.draws == 5 && floor.standardDeviation > 0)
        #expect(floor.mean < fileOrder / 5, "random halves \(floor.mean) ± \(floor.standardDeviation), file halves \(fileOrder)")
        let kidFloor = SampleQuality.kernelDistanceFloor(real, subsets: 20, size: 200, rng: &draw)
        #expect(kidFloor.draws == 20)
        #expect(abs(kidFloor.mean) < SampleQuality.kernelDistance(first.rows(0..<200), second.rows(0..<200)) / 5)
    }

    @Test func samplesOfARunAreScoredAndRecordedWithTheirImages() throws {
        let fixture = EvaluationFixture()
        let data = try fixture.writeBars()
        _ = try fixture.train(["classifier", "--data", data, "--epochs", "2", "--batch", "20", "--name", "clf"])
        let vae = try fixture.train(["vae", "--data", data, "--latent", "2", "--hidden", "16", "--epochs", "2", "--batch", "20", "--name", "vae"])
        let sampler = try #require(try ModelRegistry.load(vae).model as? any SamplingModel)
        let classifier = try SampleQualityEvaluation.classifierRun(for: vae, root: fixture.runs)
        #expect(classifier.name == "clf")
        let r = try SampleQualityEvaluation.evaluate(vae, model: sampler, classifier: classifier, options: .init(
            fid: true, kid: true, inceptionScore: true, precisionRecall: true, samples: 50, kidSubsets: 10, kidSubsetSize: 25, testLimit: 40))
        #expect(r.realImages == 40 && r.samples == 50 && r.featureScale > 0)
        #expect(r.fidFloor?.draws == 5 && r.kid?.draws == 10 && r.kidFloor?.draws == 10)
        #expect(r.warnings.contains { $0.contains("FID is strongly biased") }, "50 samples for 128 features")
        let metrics = try #require(try fixture.evaluationFile(vae)["metrics"] as? [String: [String: Any]])
        #expect(metrics["fid"]?["images"] as? Int == 40 && metrics["fid"]?["generated"] as? Int == 50 && metrics["fid"]?["split"] as? String == "test")
        // Read back through JSONSerialization, which on Linux may change a double's last bits.
        let kidSpread = try #require(metrics["kid"]?["standardDeviation"] as? Double)
        #expect(abs(kidSpread - (r.kid?.standardDeviation ?? .nan)) <= 1e-12 * abs(kidSpread) && metrics["kid"]?["draws"] as? Int == 10)
        #expect(metrics["fid_real_vs_real"]?["generated"] == nil && metrics["fid_real_vs_real"]?["images"] as? Int == 40)
        #expect(metrics["precision"]?["images"] as? Int == 40)
        // The floors of one real set: the same for any model scored against this classifier with the same seed.
        let again = try SampleQualityEvaluation.evaluate(vae, model: sampler, classifier: classifier, options: .init(fid: true, samples: 50, testLimit: 40))
        #expect(again.fidFloor == r.fidFloor)
        #expect(RunEvaluation.scores(vae)["kid"] == nil, "a new sample evaluation replaces the old one whole")
    }
}

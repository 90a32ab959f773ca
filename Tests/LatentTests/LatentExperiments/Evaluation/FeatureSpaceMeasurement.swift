import Foundation
import Testing
@testable import Latent

/// The measurement behind the autoencoder feature space (run by hand, not in CI):
/// with `LATENT_FEATURE_RUNS=<runs folder>` holding feature runs trained on the
/// same labelled data (a classifier and autoencoders), prints the FID of
/// corrupted test images (Gaussian noise σ = 0.05…0.4, occlusion of 4…16 rows)
/// against the test images in each run's space, and the Spearman rank
/// correlation of each space's order with the classifier's.
///
///     LATENT_FEATURE_RUNS=runs swift test --filter FeatureSpaceMeasurement
@Suite(.enabled(if: ProcessInfo.processInfo.environment["LATENT_FEATURE_RUNS"] != nil))
struct FeatureSpaceMeasurement {
    @Test func fidOfCorruptionsInEachFeatureSpace() throws {
        let root = try #require(ProcessInfo.processInfo.environment["LATENT_FEATURE_RUNS"])
        let runs = RunDirectory.list(root: root).filter { SampleQualityEvaluation.featureFamilies.contains($0.config.family) }
        let reference = try #require(runs.first { $0.config.family == ClassifierModel.family })
        var data = reference.config.data
        data.limit = 2_000
        let prepared = try PreparedData.load(data, testLimit: 2_000)
        let real = prepared.evaluationImages(prepared.test), other = prepared.train.flatImages
        let shape = reference.config.imageShape, (h, w) = (shape[1], shape[2])
        var corruptions: [(String, Tensor)] = [("none (other real)", other)]
        for sigma: Float in [0.05, 0.1, 0.2, 0.4] {
            var rng = RandomGenerator(seed: 3)
            corruptions.append(("noise σ=\(sigma)", (other + Tensor.normal(other.shape, std: sigma, rng: &rng)).clamped(min: 0, max: 1)))
        }
        for rows in [4, 8, 12, 16] {
            let mask = Tensor((0..<(shape[0] * h * w)).map { Float(($0 % (h * w)) / w < rows ? 0 : 1) }, shape: [1, shape[0] * h * w])
            corruptions.append(("occlusion \(rows) rows", other * mask))
        }
        var table: [String: [Double]] = [:]
        for run in runs {
            let extractor = try #require(try ModelRegistry.load(run).model as? any FeatureModel)
            table[run.name] = try corruptions.map {
                try #require(try SampleQualityEvaluation.measure(real: real, generated: $0.1, extractor: extractor, options: .init(fid: true, floorDraws: 1)).fid)
            }
        }
        func ranks(_ v: [Double]) -> [Double] {
            var r = [Double](repeating: 0, count: v.count)
            for (rank, i) in v.indices.sorted(by: { v[$0] < v[$1] }).enumerated() { r[i] = Double(rank) }
            return r
        }
        func spearman(_ a: [Double], _ b: [Double]) -> Double {
            let (ra, rb) = (ranks(a), ranks(b)), n = Double(a.count)
            return 1 - 6 * zip(ra, rb).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) / (n * (n * n - 1))
        }
        let names = runs.map(\.name)
        print("corruption".padding(toLength: 22, withPad: " ", startingAt: 0) + names.map { $0.padding(toLength: 14, withPad: " ", startingAt: 0) }.joined())
        for (i, c) in corruptions.enumerated() {
            print(c.0.padding(toLength: 22, withPad: " ", startingAt: 0) + names.map { String(format: "%-14.4g", table[$0]![i]) }.joined())
        }
        let classifierScores = table[reference.name]!
        print("Spearman vs \(reference.name)".padding(toLength: 22, withPad: " ", startingAt: 0)
              + names.map { String(format: "%-14.3f", spearman(table[$0]!, classifierScores)) }.joined())
    }
}

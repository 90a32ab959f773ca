import Foundation
import LatentTensor
import LatentData
import LatentOutput
import LatentEvaluation
import LatentModels
import LatentRuns

/// How disentangled a model's codes are, as a number: the mutual information
/// gap (`MIG`, Chen et al. 2018) of the codes of the run's test images against
/// the known factors of a data set written by `latent data synth shapes`
/// (shape, scale, rotation, x, y), with the normalised gap of each factor; and
/// a latent traversal (images/latent-traversal.png): one row per latent
/// dimension, that dimension set from −3 to 3 while the others keep a test
/// image's code, each row captioned with the factors it holds most
/// information about. Data without factors get one line saying so.
///
/// ```swift
/// let run = try RunDirectory.open("factor-vae-shapes", root: "runs")
/// let result = try DisentanglementEvaluation.evaluate(run, model: try ModelRegistry.load(run).model, options: .init())
/// print(result.mig.mig, result.mig.gaps)
/// ```
public struct DisentanglementEvaluation: EvaluationResult, Sendable {
    public struct Options: Sendable {
        /// Test images to encode (the fixed subset of `PreparedData.fixedSubset`; nil: all).
        public var testLimit: Int?
        /// Bins per code dimension of the MI estimate (the paper's 20).
        public var bins: Int
        /// Columns of the traversal, evenly from −`range` to `range`.
        public var traversalSteps: Int
        public var range: Float
        /// The test image whose code the traversal starts from.
        public var traversalImage: Int

        public init(testLimit: Int? = nil, bins: Int = MIG.defaultBins, traversalSteps: Int = 9, range: Float = 3, traversalImage: Int = 0) {
            (self.testLimit, self.bins, self.traversalSteps, self.range, self.traversalImage) = (testLimit, bins, traversalSteps, range, traversalImage)
        }
    }

    public let mig: MIG.Result
    public let testImages: Int
    public let codeDimension: Int
    /// images/latent-traversal.png, or nil when the model cannot decode codes (RBM, DBM).
    public let traversal: String?

    public var scores: [String: EvaluationScore] {
        func m(_ v: Double) -> EvaluationScore { EvaluationScore(value: v, split: "test", images: testImages, kind: .disentanglement) }
        var out = ["mig": m(mig.mig)]
        for (name, gap) in zip(mig.names, mig.gaps) { if let gap { out["mig_gap_" + name] = m(gap) } }
        return out
    }

    /// The one line for data without factors.
    static func noFactors(_ source: String) -> LatentError {
        .invalidArgument("MIG needs a data set with factors (e.g. `latent data synth shapes --into shapes`, then train with --data shapes); \(source) has none")
    }

    /// Encodes the run's test images, scores MIG against their factors, records it in
    /// evaluation.json, writes the traversal and refreshes report.html.
    public static func evaluate(_ run: RunDirectory, model: any TrainableModel, options: Options) throws -> DisentanglementEvaluation {
        guard options.bins >= 2 else { throw LatentError.invalidArgument("MIG needs at least 2 bins, got \(options.bins)") }
        guard options.traversalSteps >= 2 else { throw LatentError.invalidArgument("a traversal needs at least 2 steps, got \(options.traversalSteps)") }
        let source = run.config.data.source
        guard let factorSet = try SyntheticShapes.readFactors(source) else { throw noFactors(source) }
        let data = try PreparedData.load(run.config.data, testLimit: options.testLimit)
        let limit = [options.testLimit, run.config.data.testLimit].compactMap { $0 }.min()
        let rows = PreparedData.fixedSubset(count: factorSet.test.count, limit: limit ?? factorSet.test.count)
        guard data.test.count == rows.count, data.test.count >= 2 else {
            throw LatentError.invalidFile(path: source, reason: "\(data.test.count) test images but factors for \(factorSet.test.count); write the set again with `latent data synth shapes`")
        }
        // The labels are the first factor (the shape): a cheap proof that each test image got its own factors.
        guard data.test.labels == rows.map({ factorSet.test[$0][0] }) else {
            throw LatentError.invalidFile(path: source, reason: "the test labels do not match the factors in \(SyntheticShapes.factorsFile); write the set again with `latent data synth shapes`")
        }
        let images = data.evaluationImages(data.test)
        guard let codes = try RepresentationEvaluation.codes(of: model, images, labels: data.test.labels) else {
            throw LatentError.invalidArgument("model '\(run.config.family)' has no codes to score (VAE, AE, PPCA, RBM and DBM do)")
        }
        let factors = factorSet.factors.indices.map { k in rows.map { factorSet.test[$0][k] } }
        let result = MIG.score(codes: codes, factors: factors, names: factorSet.factors.map(\.name), bins: options.bins)
        var traversal: String? = nil
        if let latent = model as? any LatentSpaceModel {
            let start = Swift.min(Swift.max(options.traversalImage, 0), data.test.count - 1)
            let picture = try LatentTraversal.render(latent, code: codes.rows(start..<(start + 1)), label: data.test.labels[start],
                                                     steps: options.traversalSteps, range: options.range, scale: run.config.data.scale,
                                                     imageShape: run.config.imageShape, captions: captions(result, dimensions: latent.latentSize))
            traversal = run.image("latent-traversal.png")
            try picture.write(to: traversal!)
        }
        let evaluation = DisentanglementEvaluation(mig: result, testImages: rows.count, codeDimension: codes.shape[1], traversal: traversal)
        try RunEvaluation.record(evaluation, into: run)
        _ = try RunReport.write(run)
        return evaluation
    }

    /// "z3: x" for each dimension that holds the most information about some factors.
    static func captions(_ result: MIG.Result, dimensions: Int) -> [String] {
        (0..<dimensions).map { d in
            let held = result.topDimensions.indices.filter { result.topDimensions[$0] == d && result.entropies[$0] > 0 }.map { result.names[$0] }
            return "z\(d + 1)" + (held.isEmpty ? "" : ": " + held.joined(separator: ", "))
        }
    }
}

/// A latent traversal: for each latent dimension one row of decoded images, that
/// dimension set to evenly spaced values from −range to range, the others kept at `code`.
///
/// ```swift
/// let png = try LatentTraversal.render(model, code: codes.rows(0..<1), label: 0, steps: 9, range: 3,
///                                      scale: .unit, imageShape: [1, 32, 32], captions: nil)
/// try png.write(to: "traversal.png")
/// ```
public enum LatentTraversal {
    /// Rows shown at most (the first dimensions).
    public static let maxRows = 64

    public static func render(_ model: any LatentSpaceModel, code: Tensor, label: Int, steps: Int, range: Float,
                              scale: PixelRange, imageShape: [Int], captions: [String]?) throws -> PNGImage {
        let latent = model.latentSize
        precondition(code.shape == [1, latent], "LatentTraversal: one code of \(latent) dimensions, got \(code.shape)")
        let base = code.detached().scalars
        var sets: [Tensor] = []
        for d in 0..<Swift.min(latent, maxRows) {
            var values: [Float] = []
            for s in 0..<steps {
                var z = base
                z[d] = -range + 2 * range * Float(s) / Float(steps - 1)
                values += z
            }
            let decoded = try model.decode(Tensor(values, shape: [steps, latent]), labels: Array(repeating: label, count: steps))
            sets.append(scale.toUnit(decoded.reshaped([-1] + imageShape)).clamped(min: 0, max: 1))
        }
        let names = (0..<sets.count).map { d in captions.flatMap { $0.indices.contains(d) ? $0[d] : nil } ?? "z\(d + 1)" }
        return ImageGrid.stackedRows(sets, captions: names.enumerated().map { d, name in
            d == 0 ? name + String(format: "  (z from %.0f to %.0f)", -range, range) : name
        })
    }
}

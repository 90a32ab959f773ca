import Foundation
import LatentTensor
import LatentData
import LatentEvaluation
import LatentModels
import LatentRuns

/// Whether a model draws the class it is asked for, judged by a classifier run
/// (`latent evaluate --conditional-accuracy`).
///
/// - A conditional model (conditional GAN, AC-GAN, conditional VAE:
///   `ConditionalSamplingModel`) draws `perClass` images of every class; the
///   classifier's accuracy on each class's images and overall is the score.
/// - An InfoGAN (`CodeTraversalModel`) draws `perClass` images for every value
///   of its categorical code (z ~ N(0, I), continuous codes ~ U(−1, 1)); no code
///   value is tied to a class, so the scores are how well the code values
///   match the classes the classifier sees: purity (each code value counted as
///   its most frequent predicted class) and the adjusted Rand index of code
///   values against predicted classes.
///
/// The scores go to evaluation.json as "conditional_accuracy" and
/// "conditional_accuracy_class_<k>", or "code_purity" and
/// "code_adjusted_rand_index", split "generated", naming the classifier.
///
/// ```swift
/// let run = try RunDirectory.open("cgan-mnist", root: "runs")
/// let classifier = try SampleQualityEvaluation.featureRun(for: run, root: "runs")
/// let result = try ConditionalAccuracyEvaluation.evaluate(run, model: try ModelRegistry.load(run).model,
///                                                         classifier: classifier, options: .init(perClass: 100))
/// print(result.accuracy ?? result.purity!)
/// ```
public struct ConditionalAccuracyEvaluation: EvaluationResult, Sendable {
    public struct Options: Sendable {
        /// Images generated per class (or per categorical value).
        public var perClass: Int
        public var seed: UInt64

        public init(perClass: Int = 100, seed: UInt64 = 2) {
            self.perClass = perClass
            self.seed = seed
        }
    }

    /// What was asked of the model.
    public enum Mode: String, Sendable {
        /// Images of a requested class (conditional GAN, AC-GAN, conditional VAE).
        case requestedClass = "conditional"
        /// Images of a categorical code value (InfoGAN).
        case categoricalCode = "infogan"
    }

    public var mode: Mode
    /// Classes requested (or values of the categorical code).
    public var classes: Int
    public var perClass: Int
    /// Requested class: the classifier's accuracy on each class's images, and on all of them.
    public var classAccuracy: [Double] = []
    public var accuracy: Double?
    /// Categorical code: purity, adjusted Rand index, and each code value's most frequent predicted class.
    public var purity: Double?
    public var adjustedRandIndex: Double?
    public var codeClasses: [Int] = []
    /// The classifier run: name, data, digest of its checkpoint.
    public var classifierRun = ""
    public var classifierData = ""
    public var classifierChecksum = ""

    public var scores: [String: EvaluationScore] {
        let network = EvaluationScore.FeatureNetwork(run: classifierRun, family: ClassifierModel.family, data: classifierData,
                                                     checkpointSHA256: classifierChecksum)
        // No kind of its own yet: recorded by name, so a new evaluation overwrites these names and leaves other scores alone.
        func score(_ v: Double, generated: Int) -> EvaluationScore {
            EvaluationScore(value: v, split: "generated", images: 0, generated: generated, kind: .conditional, featureNetwork: network)
        }
        var out: [String: EvaluationScore] = [:]
        let all = classes * perClass
        if let accuracy { out["conditional_accuracy"] = score(accuracy, generated: all) }
        for (k, a) in classAccuracy.enumerated() { out["conditional_accuracy_class_\(k)"] = score(a, generated: perClass) }
        if let purity { out["code_purity"] = score(purity, generated: all) }
        if let adjustedRandIndex { out["code_adjusted_rand_index"] = score(adjustedRandIndex, generated: all) }
        return out
    }

    /// Scores predicted classes against what was asked (`requested[i]`: the class or code value of image i).
    ///
    /// ```swift
    /// let r = ConditionalAccuracyEvaluation.score(requested: [0, 0, 1, 1], predicted: [0, 1, 1, 1], classes: 2,
    ///                                             perClass: 2, mode: .requestedClass)
    /// r.classAccuracy   // [0.5, 1.0]; r.accuracy == 0.75
    /// ```
    public static func score(requested: [Int], predicted: [Int], classes: Int, perClass: Int, mode: Mode) -> ConditionalAccuracyEvaluation {
        precondition(requested.count == predicted.count, "one prediction per image")
        var result = ConditionalAccuracyEvaluation(mode: mode, classes: classes, perClass: perClass)
        let n = Double(Swift.max(requested.count, 1))
        switch mode {
        case .requestedClass:
            var right = [Int](repeating: 0, count: classes), asked = [Int](repeating: 0, count: classes)
            for (r, p) in zip(requested, predicted) {
                asked[r] += 1
                if r == p { right[r] += 1 }
            }
            result.classAccuracy = (0..<classes).map { Double(right[$0]) / Double(Swift.max(asked[$0], 1)) }
            result.accuracy = Double(right.reduce(0, +)) / n
        case .categoricalCode:
            var majority = 0
            for k in 0..<classes {
                var counts: [Int: Int] = [:]
                for (r, p) in zip(requested, predicted) where r == k { counts[p, default: 0] += 1 }
                let best = counts.max { ($0.value, -$0.key) < ($1.value, -$1.key) }
                result.codeClasses.append(best?.key ?? -1)
                majority += best?.value ?? 0
            }
            result.purity = Double(majority) / n
            result.adjustedRandIndex = Representation.adjustedRandIndex(requested, predicted)
        }
        return result
    }

    /// Generates `perClass` images per class (or categorical value) from `model`, classifies them with the
    /// classifier run and records the scores in the run's evaluation.json. Models that are neither
    /// conditional nor an InfoGAN, and feature runs that are not classifiers, are refused in one line.
    public static func evaluate(_ run: RunDirectory, model: any TrainableModel, classifier classifierRun: RunDirectory,
                                options: Options = Options()) throws -> ConditionalAccuracyEvaluation {
        guard options.perClass >= 1 else { throw LatentError.invalidArgument("images per class must be at least 1, got \(options.perClass)") }
        let mode: Mode, classes: Int
        if let conditional = model as? any ConditionalSamplingModel, let k = conditional.conditionalClasses {
            (mode, classes) = (.requestedClass, k)
        } else if let info = model as? any CodeTraversalModel, let codes = info.infoCodes {
            (mode, classes) = (.categoricalCode, codes.categorical)
        } else {
            throw LatentError.invalidArgument("`evaluate --conditional-accuracy` needs a model that draws chosen classes or codes (gan/dcgan --variant conditional, acgan or infogan; vae --conditional); \(run.name) is \(run.config.family) without them")
        }
        guard classifierRun.config.imageShape == run.config.imageShape else {
            throw LatentError.invalidArgument("classifier \(classifierRun.name) was trained on images of shape \(classifierRun.config.imageShape), the model makes \(run.config.imageShape)")
        }
        let (loaded, _) = try ModelRegistry.load(classifierRun)
        guard let classifier = loaded as? any FeatureExtractor else {
            throw LatentError.invalidArgument("`evaluate --conditional-accuracy` needs a classifier run, and \(classifierRun.name) is \(classifierRun.config.family); train one: latent train classifier --data \(run.config.data.source)")
        }
        var rng = RandomGenerator(seed: options.seed)
        let requested = (0..<(classes * options.perClass)).map { $0 / options.perClass }
        var predicted: [Int] = []
        for start in stride(from: 0, to: requested.count, by: 500) {
            let labels = Array(requested[start..<Swift.min(start + 500, requested.count)])
            let images: Tensor
            if mode == .requestedClass, let conditional = model as? any ConditionalSamplingModel {
                images = conditional.sample(labels.count, classes: labels, rng: &rng)
            } else {
                let info = model as! any CodeTraversalModel
                let c = info.infoCodes!.continuous
                let noise = Tensor.normal([labels.count, info.latentSize], rng: &rng)
                images = info.generate(noise: noise, categorical: labels,
                                       continuous: c > 0 ? Tensor.uniform([labels.count, c], low: -1, high: 1, rng: &rng) : nil)
            }
            let probabilities = classifier.probabilities(run.config.data.scale.convert(images, to: classifierRun.config.data.scale))
            if mode == .requestedClass, probabilities.shape[1] < classes {
                throw LatentError.invalidArgument("classifier \(classifierRun.name) knows \(probabilities.shape[1]) classes, the model draws \(classes)")
            }
            predicted += probabilities.argmax(axis: 1).scalars.map { Int($0) }
        }
        var result = score(requested: requested, predicted: predicted, classes: classes, perClass: options.perClass, mode: mode)
        result.classifierRun = classifierRun.name
        result.classifierData = classifierRun.config.data.source
        let checkpoint = (try? Data(contentsOf: URL(fileURLWithPath: classifierRun.lastCheckpoint))) ?? Data()
        result.classifierChecksum = String(Checksum.sha256(checkpoint).prefix(16))
        try RunEvaluation.record(result, into: run)
        return result
    }
}

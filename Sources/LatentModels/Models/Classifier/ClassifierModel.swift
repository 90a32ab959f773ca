import Foundation
import LatentTensor
import LatentNN
import LatentData

/// The `classifier` family: a small convolutional network (LeNet-sized:
/// Conv C→32 k4s2p1, ReLU, Conv 32→64 k4s2p1, ReLU, Linear → 128, ReLU,
/// Linear → classes) trained with cross-entropy on labelled images. Its
/// 128-unit penultimate layer is the feature space of FID, KID and
/// precision/recall, and its softmax gives the Inception-style score — the
/// MNIST-FID recipe, since no Inception weights can be had here.
public final class ClassifierModel: TrainableModel, FeatureExtractor, LikelihoodModel {
    public static let family = "classifier"
    public static let summary = "Small convolutional classifier whose features score samples (FID, KID, IS, precision/recall)."
    public static var defaultOptions: ClassifierOptions { ClassifierOptions() }
    public static var optionSpecs: [OptionSpec<ClassifierOptions>] { ClassifierOptions.specs }
    public static var defaultEpochs: Int { 10 }
    public static var primaryMetric: String { "val_accuracy" }

    public let body: Sequential
    public let head: Linear
    let optimizer: any Optimizer
    let imageShape: [Int]
    public let classes: Int

    public init(options: ClassifierOptions, context: ModelContext, rng: inout RandomGenerator) throws {
        try Self.check(options)
        guard let classes = context.classCount, classes >= 2 else {
            throw LatentError.invalidArgument("classifier: the data need labels with at least two classes")
        }
        let shape = context.imageShape
        guard shape.count == 3, shape[1] % 4 == 0, shape[2] % 4 == 0 else {
            throw LatentError.invalidArgument("classifier: image sides must be divisible by 4, got \(shape)")
        }
        self.classes = classes
        imageShape = shape
        body = Sequential(Unflatten(shape),
                          Conv2d(shape[0], 32, kernelSize: 4, stride: 2, padding: 1, rng: &rng), ReLU(),
                          Conv2d(32, 64, kernelSize: 4, stride: 2, padding: 1, rng: &rng), ReLU(), Flatten(),
                          Linear(64 * (shape[1] / 4) * (shape[2] / 4), 128, rng: &rng), ReLU())
        head = Linear(128, classes, rng: &rng)
        optimizer = options.optimizer.make(body.parameters() + head.parameters())
    }

    public static func migrate(_ legacy: LegacyOptions) throws -> ClassifierOptions {
        var o = ClassifierOptions()
        o.optimizer = try legacy.optimizerOptions()
        return o
    }

    public var featureSize: Int { 128 }

    public func trainStep(_ batch: Tensor, labels: [Int], epoch: Int, rng: inout RandomGenerator) throws -> [(String, Double)] {
        let logits = head(body(batch))
        let loss = Loss.crossEntropy(logits, labels: labels)
        optimizer.zeroGrad()
        loss.backward()
        optimizer.step()
        return [("loss", Double(loss.item)), ("accuracy", accuracy(logits, labels))]
    }

    func accuracy(_ logits: Tensor, _ labels: [Int]) -> Double {
        let predicted = logits.detached().argmax(axis: 1).scalars
        return Double(zip(predicted, labels).filter { Int($0) == $1 }.count) / Double(labels.count)
    }

    public func validate(_ images: Tensor, labels: [Int], rng: inout RandomGenerator) -> [(String, Double)] {
        withoutGradient {
            var loss = 0.0, correct = 0.0
            for indices in MiniBatches(count: images.shape[0], batchSize: 1_000) {
                let logits = head(body(images.gatherRows(indices)))
                let y = indices.map { labels[$0] }
                loss += Double(Loss.crossEntropy(logits, labels: y).item) * Double(indices.count)
                correct += accuracy(logits, y) * Double(indices.count)
            }
            let n = Double(images.shape[0])
            return [("loss", loss / n), ("accuracy", correct / n)]
        }
    }

    /// Test cross-entropy (nats per image) and accuracy.
    public func likelihoodMetrics(_ images: Tensor, labels: [Int], nllSamples: Int, rng: inout RandomGenerator) -> [(String, Double)] {
        validate(images, labels: labels, rng: &rng).map { ($0.0 == "loss" ? "cross_entropy" : $0.0, $0.1) }
    }

    public var charts: [(file: String, title: String, yLabel: String, keys: [String])] {
        [("loss", "Cross-entropy", "nats per image", ["loss", "val_loss"]),
         ("accuracy", "Accuracy", "fraction correct", ["accuracy", "val_accuracy"])]
    }

    public func features(_ images: Tensor) -> Tensor {
        withoutGradient {
            Tensor.concatenate(MiniBatches(count: images.shape[0], batchSize: 1_000).map { body(images.gatherRows($0)) }, axis: 0)
        }
    }

    public func probabilities(_ images: Tensor) -> Tensor {
        withoutGradient {
            Tensor.concatenate(MiniBatches(count: images.shape[0], batchSize: 1_000).map { head(body(images.gatherRows($0))).softmax(axis: 1) }, axis: 0)
        }
    }

    public func modelState() -> [String: Tensor] {
        var s: [String: Tensor] = [:]
        for (k, v) in body.stateDict() { s["body." + k] = v }
        for (k, v) in head.stateDict() { s["head." + k] = v }
        return s
    }

    /// The body's and the head's tensors, prefixed "body." and "head.".
    func modelStateLayout() -> StateLayout {
        var layout = StateLayout()
        layout.include(body.stateLayout(), prefix: "body.")
        layout.include(head.stateLayout(), prefix: "head.")
        return layout
    }

    public func loadModelState(_ state: [String: Tensor]) throws {
        try modelStateLayout().check(state)
        body.assignCheckedState(state.section("body."))
        head.assignCheckedState(state.section("head."))
    }

    public func optimizerState() -> [String: Tensor] { optimizer.stateDict() }
    public func loadOptimizerState(_ state: [String: Tensor]) throws { try optimizer.loadStateDict(state) }
}

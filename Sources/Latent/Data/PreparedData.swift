/// A data set ready for training: training, validation and test images after
/// scaling and static binarization, with mini-batches that apply dynamic
/// binarization when asked for.
///
/// ```swift
/// let data = try PreparedData.load(DataOptions(source: "mnist"))
/// var rng = RandomGenerator(seed: 1)
/// for indices in MiniBatches(count: data.train.count, batchSize: 128, shuffle: &rng) {
///     let x = data.trainingBatch(indices, rng: &rng)   // [B, C·H·W]
/// }
/// ```
public struct PreparedData: Sendable {
    public let options: DataOptions
    public let name: String
    public let description: String
    public let train: LabeledImages
    public let validation: LabeledImages
    public let test: LabeledImages

    /// Channels, height, width.
    public var imageShape: [Int] { train.imageShape }
    public var pixelCount: Int { imageShape.reduce(1, *) }

    public static func load(_ options: DataOptions) throws -> PreparedData {
        let source = try DatasetRegistry.load(options.source, reading: options.reading)
        var rng = RandomGenerator(seed: options.seed)
        guard source.train.count > 0 else {
            throw LatentError.invalidArgument("data set \(options.source) has no training images")
        }
        guard options.validation >= 0, options.validation < source.train.count else {
            throw LatentError.invalidArgument("--validation \(options.validation) leaves no training images out of \(source.train.count)")
        }
        let order = rng.permutation(source.train.count)
        var trainIndices = Array(order[options.validation...]).sorted()
        let validationIndices = Array(order[..<options.validation]).sorted()
        if let limit = options.limit {
            guard limit > 0 else { throw LatentError.invalidArgument("--limit must be positive") }
            trainIndices = Array(trainIndices.prefix(limit))
        }
        func prepare(_ set: LabeledImages) -> LabeledImages {
            var s = set
            s.images = PreparedData.transform(s.images, options, rng: &rng)
            return s
        }
        let validation = source.train.subset(validationIndices)
        let test = options.limit.map { source.test.prefix(Swift.max($0 / 5, 1)) } ?? source.test
        return PreparedData(options: options, name: source.name, description: source.description,
                            train: prepare(source.train.subset(trainIndices)),
                            validation: prepare(validation), test: prepare(test))
    }

    /// Scaling and static binarization.
    static func transform(_ images: Tensor, _ options: DataOptions, rng: inout RandomGenerator) -> Tensor {
        var t = images
        switch options.binarize {
        case .threshold: t = t.greater(0.5)
        case .fixed: t = Tensor.bernoulli(t, rng: &rng)
        case .none, .dynamic: break
        }
        return options.scale.fromUnit(t)
    }

    /// Training images at `indices` as rows [B, C·H·W], freshly binarized when the binarization is dynamic.
    public func trainingBatch(_ indices: [Int], rng: inout RandomGenerator) -> Tensor {
        let x = train.flatImages.gatherRows(indices).detached()
        guard options.binarize == .dynamic else { return x }
        return options.scale.fromUnit(Tensor.bernoulli(options.scale.toUnit(x), rng: &rng))
    }

    /// Evaluation images: for dynamic binarization one fixed draw (seeded), so scores are comparable.
    public func evaluationImages(_ set: LabeledImages) -> Tensor {
        let x = set.flatImages
        guard options.binarize == .dynamic else { return x }
        var rng = RandomGenerator(seed: options.seed &+ 7)
        return options.scale.fromUnit(Tensor.bernoulli(options.scale.toUnit(x), rng: &rng))
    }
}

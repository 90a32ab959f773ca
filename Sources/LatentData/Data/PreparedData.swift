import LatentTensor

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

    /// Loads `options.source` and splits it: validation images drawn from the
    /// training split (seeded by `options.seed`), then `limit` training images,
    /// and the test split cut to `testLimit` images by `fixedSubset`.
    ///
    /// Indices are chosen first and only the chosen rows are kept: with byte
    /// storage the split and `--limit` copy no pixels, and training converts
    /// one batch at a time.
    public static func load(_ options: DataOptions) throws -> PreparedData {
        try prepare(DatasetRegistry.load(options.source, reading: options.reading), options)
    }

    /// `load` on a source already read.
    static func prepare(_ source: DatasetRegistry.Source, _ options: DataOptions) throws -> PreparedData {
        var rng = RandomGenerator(seed: options.seed)
        guard source.train.count > 0 else {
            throw LatentError.invalidArgument("data set \(options.source) has no training images")
        }
        let validationCount = options.validationCount(trainingImages: source.train.count)
        guard validationCount >= 0, validationCount < source.train.count else {
            throw LatentError.invalidArgument("--validation \(validationCount) leaves no training images out of \(source.train.count)")
        }
        let order = rng.permutation(source.train.count)
        var trainIndices = Array(order[validationCount...]).sorted()
        let validationIndices = Array(order[..<validationCount]).sorted()
        if let limit = options.limit {
            guard limit > 0 else { throw LatentError.invalidArgument("--limit must be positive") }
            trainIndices = Array(trainIndices.prefix(limit))
        }
        var test = source.test
        if let testLimit = options.testLimit {
            guard testLimit > 0 else { throw LatentError.invalidArgument("--test-limit must be positive") }
            test = test.subset(fixedSubset(count: test.count, limit: testLimit))
        }
        func prepare(_ set: LabeledImages) -> LabeledImages { PreparedData.transform(set, options, rng: &rng) }
        let validation = source.train.subset(validationIndices)
        return PreparedData(options: options, name: source.name, description: source.description,
                            train: prepare(source.train.subset(trainIndices)),
                            validation: prepare(validation), test: prepare(test))
    }

    /// Loads `options` with the test split cut further to at most `testLimit`
    /// images (nil: as the options say) — how an evaluation asks for fewer test images.
    ///
    /// ```swift
    /// let data = try PreparedData.load(run.config.data, testLimit: 1_000)
    /// ```
    public static func load(_ options: DataOptions, testLimit: Int?) throws -> PreparedData {
        var o = options
        if let testLimit { o.testLimit = Swift.min(testLimit, o.testLimit ?? .max) }
        return try load(o)
    }

    /// Indices (in file order) of the images a limit keeps: the first `limit`
    /// of one fixed permutation, so every run on a data set is scored on the
    /// same images and a smaller subset lies inside a larger one. Random rather
    /// than the file's first images, which need not be representative.
    ///
    /// ```swift
    /// PreparedData.fixedSubset(count: 10_000, limit: 1_000)   // 1,000 sorted indices
    /// ```
    public static func fixedSubset(count: Int, limit: Int) -> [Int] {
        guard limit < count else { return Array(0..<count) }
        var rng = RandomGenerator(seed: 0x7E57)
        return Array(rng.permutation(count).prefix(limit)).sorted()
    }

    /// Scaling and static binarization of a set: Float storage is transformed
    /// whole; byte storage keeps its bytes and maps its table (a fixed
    /// Bernoulli draw makes new 0/1 bytes with exactly the Float path's draws).
    static func transform(_ set: LabeledImages, _ options: DataOptions, rng: inout RandomGenerator) -> LabeledImages {
        var s = set
        switch set.pixels {
        case .float(let t):
            s.images = transform(t, options, rng: &rng)
        case .bytes(let b):
            switch options.binarize {
            case .fixed: s.pixels = .bytes(b.binarized(rng: &rng) { options.scale.fromUnit($0) })
            case .threshold: s.pixels = .bytes(b.mapped { options.scale.fromUnit($0.greater(0.5)) })
            case .none, .dynamic: s.pixels = .bytes(b.mapped { options.scale.fromUnit($0) })
            }
        }
        return s
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

    /// Training images at `indices` as rows [B, C·H·W], freshly binarized when
    /// the binarization is dynamic. Only these rows are converted to Floats.
    public func trainingBatch(_ indices: [Int], rng: inout RandomGenerator) -> Tensor {
        let x = train.rows(indices)
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

import Foundation
import LatentTensor

/// Images with their class labels: [N, C, H, W], scaled to [0, 1] when read.
///
/// Pixels are stored as they came: one byte each for 8-bit sources (IDX,
/// uint8 NPY, 8-bit PNG folders; an uncompressed file is memory-mapped, not
/// read), Floats for the rest. `rows(_:)` converts only the rows asked for;
/// `images` converts the whole set each time it is read (4 bytes per pixel:
/// fine for a test split, not for a large training set).
///
/// ```swift
/// let test = try LabeledImages.idx(directory: "/usr/share/datasets/fashion-mnist", split: .test)
/// let (train, valid) = test.split(at: 8_000)
/// let batch = train.rows([0, 5, 9])        // [3, 784], only these rows converted
/// ```
public struct LabeledImages: Sendable {
    /// How the pixels are held.
    enum Pixels: Sendable {
        case float(Tensor)
        case bytes(ByteImages)
    }
    var pixels: Pixels
    /// Channels, height and width of one image.
    public private(set) var imageShape: [Int]

    /// All images as a Float tensor [N, C, H, W]. For byte storage every read
    /// converts the whole set (N·C·H·W·4 bytes); use `rows(_:)` for batches.
    /// Setting it replaces the storage with Floats.
    public var images: Tensor {
        get {
            switch pixels {
            case .float(let t): return t
            case .bytes(let b): return b.all().reshaped([b.count] + imageShape)
            }
        }
        set {
            precondition(newValue.rank == 4 && newValue.shape[0] == labels.count,
                         "LabeledImages: \(newValue.shape) images for \(labels.count) labels")
            pixels = .float(newValue)
            imageShape = Array(newValue.shape.dropFirst())
        }
    }
    /// Class of each image (all 0 when `hasLabels` is false).
    public var labels: [Int]
    /// False for unlabelled data (NPY arrays, flat image folders).
    public var hasLabels: Bool
    /// Names of the classes, when the source has them (image sub-folders).
    public var classNames: [String]?

    /// The most classes a data set may have: every label is a whole number in
    /// `0..<maxClassCount`. Readers refuse any other label (a class count, and
    /// the one-hot vectors of conditional models, must never come from an
    /// unchecked label such as −1 or 10¹²).
    ///
    /// ```swift
    /// LabeledImages.classLabel(7)      // 7
    /// LabeledImages.classLabel(-1)     // nil, as for 3.7, .nan and 1e12
    /// ```
    public static let maxClassCount = 10_000

    /// The images must be [N, C, H, W] with N labels, each in `0..<maxClassCount`
    /// (readers check their input before they get here).
    public init(images: Tensor, labels: [Int], hasLabels: Bool = true, classNames: [String]? = nil) {
        precondition(images.rank == 4 && images.shape[0] == labels.count,
                     "LabeledImages: \(images.shape) images for \(labels.count) labels")
        precondition(labels.allSatisfy { $0 >= 0 && $0 < LabeledImages.maxClassCount },
                     "LabeledImages: labels outside 0..<\(LabeledImages.maxClassCount)")
        self.pixels = .float(images)
        self.imageShape = Array(images.shape.dropFirst())
        self.labels = labels
        self.hasLabels = hasLabels
        self.classNames = classNames
    }

    /// Images kept as bytes: `imageShape` is [C, H, W], one row of `bytes` per label.
    init(bytes: ByteImages, imageShape: [Int], labels: [Int], hasLabels: Bool = true, classNames: [String]? = nil) {
        precondition(imageShape.count == 3 && imageShape.reduce(1, *) == bytes.rowLength && bytes.count == labels.count,
                     "LabeledImages: \(bytes.count) rows of \(bytes.rowLength) bytes as \(imageShape) for \(labels.count) labels")
        precondition(labels.allSatisfy { $0 >= 0 && $0 < LabeledImages.maxClassCount },
                     "LabeledImages: labels outside 0..<\(LabeledImages.maxClassCount)")
        self.pixels = .bytes(bytes)
        self.imageShape = imageShape
        self.labels = labels
        self.hasLabels = hasLabels
        self.classNames = classNames
    }

    /// True when the pixels are held as bytes (converted row by row).
    public var storesBytes: Bool { if case .bytes = pixels { true } else { false } }

    /// True when the pixel bytes are a memory map of a file.
    public var isMapped: Bool { if case .bytes(let b) = pixels { b.buffer.isMapped } else { false } }

    /// The images at `indices` as Float rows [indices.count, C·H·W]; only
    /// these rows are converted.
    ///
    /// ```swift
    /// let x = data.train.rows(indices)   // a mini-batch
    /// ```
    public func rows(_ indices: [Int]) -> Tensor {
        switch pixels {
        case .float(let t): return t.reshaped([count, -1]).gatherRows(indices).detached()
        case .bytes(let b): return b.gather(indices)
        }
    }

    public enum Split: String, Sendable { case train, test }

    public var count: Int { labels.count }
    /// Images as rows: [N, C·H·W] (the whole set converted, as `images`).
    public var flatImages: Tensor { images.reshaped([count, -1]) }
    /// One more than the largest label (0 without labels), at most `maxClassCount`.
    public var classCount: Int {
        guard let top = labels.max(), top >= 0 else { return 0 }
        return Swift.min(top, LabeledImages.maxClassCount - 1) + 1
    }

    /// `value` as a class label: nil unless it is a whole number in `0..<maxClassCount`.
    static func classLabel(_ value: Float) -> Int? {
        guard value.isFinite, value >= 0, value < Float(maxClassCount), value.rounded(.towardZero) == value else { return nil }
        return Int(value)
    }

    /// A value for a message: whole numbers without ".0".
    static func describe(_ value: Float) -> String {
        value.isFinite && value.rounded() == value && Swift.abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }

    /// Every element of `values` as a class label, or an error naming `path` and
    /// the first value that is not one.
    static func classLabels(_ values: Tensor, path: String) throws -> [Int] {
        var labels: [Int] = []
        labels.reserveCapacity(values.count)
        for (i, v) in values.scalars.enumerated() {
            guard let label = classLabel(v) else {
                throw LatentError.invalidFile(path: path, reason: "label \(describe(v)) at index \(i) is not a class number (expected a whole number from 0 to \(maxClassCount - 1))")
            }
            labels.append(label)
        }
        return labels
    }

    /// The first `n` examples and the rest.
    public func split(at n: Int) -> (LabeledImages, LabeledImages) {
        precondition(n >= 0 && n <= count, "split at \(n) of \(count)")
        return (subset(Array(0..<n)), subset(Array(n..<count)))
    }

    /// The examples at `indices`, in that order.
    public func subset(_ indices: [Int]) -> LabeledImages {
        var s = self
        switch pixels {
        case .float(let t): s.pixels = .float(t.gatherRows(indices).detached())
        case .bytes(let b): s.pixels = .bytes(b.subset(indices))
        }
        s.labels = indices.map { labels[$0] }
        return s
    }

    /// Number of images of each class.
    public var classCounts: [Int] {
        var counts = [Int](repeating: 0, count: classCount)
        for l in labels where l >= 0 && l < counts.count { counts[l] += 1 }
        return counts
    }

    /// The first `n` examples (all when n ≥ count).
    public func prefix(_ n: Int) -> LabeledImages { split(at: Swift.min(n, count)).0 }

    /// Reads the standard IDX pair `<prefix>-images-idx3-ubyte(.gz)` and
    /// `<prefix>-labels-idx1-ubyte(.gz)` (prefix `train` or `t10k`) from a folder.
    public static func idx(directory: String, split: Split, maxBytes: Int = ReadOptions.defaultMaxBytes) throws -> LabeledImages {
        let prefix = split == .train ? "train" : "t10k"
        func find(_ stem: String) throws -> String {
            for suffix in [".gz", ""] {
                let path = (directory as NSString).appendingPathComponent(stem + suffix)
                if FileManager.default.fileExists(atPath: path) { return path }
            }
            throw LatentError.invalidFile(path: (directory as NSString).appendingPathComponent(stem + ".gz"),
                                          reason: "no such file (nor its uncompressed form)")
        }
        let imagePath = try find("\(prefix)-images-idx3-ubyte")
        let labelPath = try find("\(prefix)-labels-idx1-ubyte")
        let contents = try IDX.readContents(imagePath, maxBytes: maxBytes)
        let rawShape: [Int]
        switch contents {
        case .bytes(let shape, _): rawShape = shape
        case .values(_, let raw): rawShape = raw.shape
        }
        guard rawShape.count == 3 || rawShape.count == 4 else {
            throw LatentError.invalidFile(path: imagePath, reason: "expected [N, H, W] images, found dimensions \(rawShape)")
        }
        if case .values(let imageType, let raw) = contents {
            let (low, high) = (raw.minValue(), raw.maxValue())
            guard low >= 0, high <= 255 else {   // false for NaN too
                throw LatentError.invalidFile(path: imagePath, reason: "pixel values of type \(imageType) range over [\(low), \(high)]; expected 0…255")
            }
        }
        let (labelType, labels) = try IDX.readTyped(labelPath, maxBytes: maxBytes)
        guard labelType.isInteger else {
            throw LatentError.invalidFile(path: labelPath, reason: "labels of type \(labelType); expected unsigned bytes (0x08) or another integer type")
        }
        guard labels.rank == 1 else {
            throw LatentError.invalidFile(path: labelPath, reason: "labels must have one dimension, found dimensions \(labels.shape)")
        }
        guard labels.count == rawShape[0] else {
            throw LatentError.invalidFile(path: labelPath, reason: "\(labels.count) labels for the \(rawShape[0]) images of \(imagePath)")
        }
        let shape = rawShape.count == 3 ? [rawShape[0], 1, rawShape[1], rawShape[2]] : rawShape
        switch contents {
        case .bytes(_, let buffer):
            let bytes = ByteImages(buffer: buffer, rowLength: shape.dropFirst().reduce(1, *), table: ByteImages.idxTable)
            return LabeledImages(bytes: bytes, imageShape: Array(shape.dropFirst()), labels: try classLabels(labels, path: labelPath))
        case .values(_, let raw):
            return LabeledImages(images: raw.scaled(by: 1 / 255).reshaped(shape), labels: try classLabels(labels, path: labelPath))
        }
    }
}

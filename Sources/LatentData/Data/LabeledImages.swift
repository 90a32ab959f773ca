import Foundation
import LatentTensor

/// Images with their class labels: `images` is [N, C, H, W] scaled to [0, 1].
///
/// ```swift
/// let test = try LabeledImages.idx(directory: "/usr/share/datasets/fashion-mnist", split: .test)
/// let (train, valid) = test.split(at: 8_000)
/// ```
public struct LabeledImages: Sendable {
    public var images: Tensor
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
        self.images = images
        self.labels = labels
        self.hasLabels = hasLabels
        self.classNames = classNames
    }

    public enum Split: String, Sendable { case train, test }

    public var count: Int { labels.count }
    /// Channels, height and width of one image.
    public var imageShape: [Int] { Array(images.shape.dropFirst()) }
    /// Images as rows: [N, C·H·W].
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
        LabeledImages(images: images.gatherRows(indices).detached(), labels: indices.map { labels[$0] },
                      hasLabels: hasLabels, classNames: classNames)
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
        let (imageType, raw) = try IDX.readTyped(imagePath, maxBytes: maxBytes)
        guard raw.rank == 3 || raw.rank == 4 else {
            throw LatentError.invalidFile(path: imagePath, reason: "expected [N, H, W] images, found dimensions \(raw.shape)")
        }
        if imageType != .uint8 {
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
        guard labels.count == raw.shape[0] else {
            throw LatentError.invalidFile(path: labelPath, reason: "\(labels.count) labels for the \(raw.shape[0]) images of \(imagePath)")
        }
        let shape = raw.rank == 3 ? [raw.shape[0], 1, raw.shape[1], raw.shape[2]] : raw.shape
        return LabeledImages(images: raw.scaled(by: 1 / 255).reshaped(shape), labels: try classLabels(labels, path: labelPath))
    }
}

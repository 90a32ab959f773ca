import Foundation

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

    public init(images: Tensor, labels: [Int], hasLabels: Bool = true, classNames: [String]? = nil) {
        precondition(images.rank == 4 && images.shape[0] == labels.count,
                     "LabeledImages: \(images.shape) images for \(labels.count) labels")
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
    public var classCount: Int { (labels.max() ?? -1) + 1 }

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
        var counts = [Int](repeating: 0, count: Swift.max(classCount, 0))
        for l in labels where l >= 0 { counts[l] += 1 }
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
        let raw = try IDX.read(imagePath, maxBytes: maxBytes)
        guard raw.rank == 3 || raw.rank == 4 else {
            throw LatentError.invalidFile(path: imagePath, reason: "expected [N, H, W] images, found dimensions \(raw.shape)")
        }
        let labels = try IDX.read(labelPath, maxBytes: maxBytes)
        guard labels.rank == 1, labels.count == raw.shape[0] else {
            throw LatentError.invalidFile(path: labelPath, reason: "\(labels.shape) labels for \(raw.shape[0]) images")
        }
        let shape = raw.rank == 3 ? [raw.shape[0], 1, raw.shape[1], raw.shape[2]] : raw.shape
        return LabeledImages(images: raw.scaled(by: 1 / 255).reshaped(shape), labels: labels.scalars.map { Int($0) })
    }
}

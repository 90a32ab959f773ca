import Foundation
import LatentTensor

/// Finds a data set by name or path and reads its training and test splits.
///
/// Names: `fashion-mnist` (Debian's `dataset-fashion-mnist`), `mnist` (in
/// `$LATENT_DATA/mnist`, `$LATENT_DATA`, or `~/.cache/latent/mnist`, where
/// `latent data download mnist` puts it). Paths: a folder of IDX files (full
/// train/t10k layout, or t10k only), a `.npy` array of images, a `.csv` of
/// images, or a folder of PNG images.
///
/// Sources with a single set of images (t10k only, NPY, CSV, PNG folders) are
/// split deterministically: the first 80 % train, the last 20 % test — for
/// MNIST's 10,000 test digits that is 8,000 / 2,000, as in our benchmarks.
public enum DatasetRegistry {
    public struct Source: Sendable {
        public let name: String
        public let description: String
        public let train: LabeledImages
        public let test: LabeledImages
    }

    public static let names = ["fashion-mnist", "mnist"]

    /// Class names of the registered data sets, for legends.
    public static func classNames(_ source: String) -> [String]? {
        switch (source as NSString).lastPathComponent {
        case "fashion-mnist", "fashion":
            return ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
        case "mnist": return (0..<10).map(String.init)
        default: return nil
        }
    }

    public static func load(_ source: String, reading: ReadOptions = ReadOptions()) throws -> Source {
        switch source {
        case "fashion-mnist", "fashion":
            return try idxFolder(DatasetLocations.fashionMNIST, name: "fashion-mnist", maxBytes: reading.maxBytes,
                                 missingHint: "install it with `sudo apt-get install dataset-fashion-mnist`")
        case "mnist":
            guard let dir = mnistDirectory() else {
                throw LatentError.invalidArgument("""
                    MNIST not found in $LATENT_DATA/mnist, $LATENT_DATA or \(DatasetLocations.mnistCache).
                    Get it with `latent data download mnist`, or give a folder with --data PATH.
                    """)
            }
            return try idxFolder(dir, name: "mnist", maxBytes: reading.maxBytes, missingHint: "")
        default:
            return try path(source, reading: reading)
        }
    }

    static func mnistDirectory() -> String? {
        let env = ProcessInfo.processInfo.environment["LATENT_DATA"]
        let candidates = [env.map { $0 + "/mnist" }, env, DatasetLocations.mnistCache].compactMap { $0 }
        return candidates.first { hasIDX($0, "t10k") }
    }

    static func hasIDX(_ dir: String, _ prefix: String) -> Bool {
        ["", ".gz"].contains { FileManager.default.fileExists(atPath: "\(dir)/\(prefix)-images-idx3-ubyte\($0)") }
    }

    static func idxFolder(_ dir: String, name: String, maxBytes: Int = ReadOptions.defaultMaxBytes, missingHint: String) throws -> Source {
        guard hasIDX(dir, "t10k") || hasIDX(dir, "train") else {
            throw LatentError.invalidFile(path: dir, reason: "no IDX images (train-/t10k-images-idx3-ubyte[.gz])" + (missingHint.isEmpty ? "" : "; \(missingHint)"))
        }
        if hasIDX(dir, "train") && hasIDX(dir, "t10k") {
            return Source(name: name, description: "\(dir) (train and test files)",
                          train: try LabeledImages.idx(directory: dir, split: .train, maxBytes: maxBytes),
                          test: try LabeledImages.idx(directory: dir, split: .test, maxBytes: maxBytes))
        }
        let all = try LabeledImages.idx(directory: dir, split: hasIDX(dir, "t10k") ? .test : .train, maxBytes: maxBytes)
        return try splitSingle(all, path: dir, name: name, description: "\(dir) (one file, split 80/20)")
    }

    /// The first 80 % for training, the rest for testing; refused below 2 images (a split would be empty).
    static func splitSingle(_ all: LabeledImages, path: String, name: String, description: String) throws -> Source {
        guard all.count >= 2 else {
            throw LatentError.invalidFile(path: path, reason: "holds \(all.count) image\(all.count == 1 ? "" : "s"); at least 2 are needed to split it into training and test images")
        }
        guard all.imageShape.reduce(1, *) > 0 else {
            throw LatentError.invalidFile(path: path, reason: "images of 0 pixels (shape \(all.imageShape))")
        }
        let cut = all.count * 4 / 5
        let (train, test) = all.split(at: cut)
        return Source(name: name, description: description, train: train, test: test)
    }

    static func path(_ path: String, reading: ReadOptions) throws -> Source {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw LatentError.invalidArgument("data set '\(path)' is neither a known name (\(names.joined(separator: ", "))) nor an existing path")
        }
        let name = (path as NSString).lastPathComponent
        if isDirectory.boolValue {
            if hasIDX(path, "t10k") || hasIDX(path, "train") { return try idxFolder(path, name: name, maxBytes: reading.maxBytes, missingHint: "") }
            return try splitSingle(try ImageFolder.read(path, reading: reading), path: path, name: name,
                                   description: "\(path) (PNG folder, split 80/20)")
        }
        let lower = path.lowercased()
        if lower.hasSuffix(".npy") {
            let (images, scaling) = try npyImages(path, maxBytes: reading.maxBytes)
            return try splitSingle(images, path: path, name: name, description: "\(path) (NPY \(scaling), split 80/20)")
        }
        if lower.hasSuffix(".csv") || lower.hasSuffix(".csv.gz") {
            return try splitSingle(try CSVImages.read(path, labelColumn: reading.labelColumn, maxBytes: reading.maxBytes),
                                   path: path, name: name, description: "\(path) (CSV, split 80/20)")
        }
        throw LatentError.invalidFile(path: path, reason: "unknown data format (want an IDX folder, .npy, .csv or a folder of PNGs)")
    }

    /// Images from an NPY array: [N, H, W], [N, H, W, C] (C ≤ 4), [N, C, H, W] or [N, D] with D square,
    /// scaled to [0, 1] by their dtype (see `unitScale`), with a note saying how. Labels come from
    /// `<name>-labels.npy` beside it, if present: integers (or floats that are whole numbers) in
    /// `0..<LabeledImages.maxClassCount`, one per image.
    static func npyImages(_ path: String, maxBytes: Int = ReadOptions.defaultMaxBytes) throws -> (images: LabeledImages, scaling: String) {
        let contents = try NPY.readContents(path, maxBytes: maxBytes)
        if case .bytes(let s, let buffer) = contents {
            return (try npyByteImages(path, shape: s, buffer: buffer, maxBytes: maxBytes), "uint8 / 255")
        }
        guard case .values(let dtype, let raw) = contents else { preconditionFailure() }
        var t = raw
        let s = raw.shape
        switch s.count {
        case 2:
            let side = Int(Double(s[1]).squareRoot().rounded())
            guard side * side == s[1] else {
                throw LatentError.invalidFile(path: path, reason: "rows of \(s[1]) values are not square images; save as [N, H, W]")
            }
            t = t.reshaped([s[0], 1, side, side])
        case 3: t = t.reshaped([s[0], 1, s[1], s[2]])
        case 4 where s[3] <= 4 && s[1] > 4:
            t = channelsLastToFirst(t)
        case 4: break
        default:
            throw LatentError.invalidFile(path: path, reason: "array of shape \(s) is not a batch of images ([N, H, W], [N, H, W, C] or [N, C, H, W])")
        }
        let count = t.shape[0]
        guard count > 0 else { throw LatentError.invalidFile(path: path, reason: "the array holds no images (shape \(s))") }
        guard t.count > 0 else { throw LatentError.invalidFile(path: path, reason: "images of 0 pixels (shape \(s))") }
        let (scale, scaling) = try unitScale(raw, dtype: dtype, path: path)
        if scale != 1 { t = t.scaled(by: scale) }
        let (labels, hasLabels) = try npyLabels(path, count: count, maxBytes: maxBytes)
        return (LabeledImages(images: t, labels: labels, hasLabels: hasLabels), scaling)
    }

    /// uint8 images kept as bytes: the shapes `npyImages` takes, channels-last
    /// arrays reordered into a heap buffer, the rest used in place.
    static func npyByteImages(_ path: String, shape s: [Int], buffer: PixelBuffer, maxBytes: Int) throws -> LabeledImages {
        var imageShape: [Int]
        var bytes = buffer
        switch s.count {
        case 2:
            let side = Int(Double(s[1]).squareRoot().rounded())
            guard side * side == s[1] else {
                throw LatentError.invalidFile(path: path, reason: "rows of \(s[1]) values are not square images; save as [N, H, W]")
            }
            imageShape = [1, side, side]
        case 3: imageShape = [1, s[1], s[2]]
        case 4 where s[3] <= 4 && s[1] > 4:
            let (n, h, w, c) = (s[0], s[1], s[2], s[3])
            imageShape = [c, h, w]
            bytes = PixelBuffer(count: buffer.count) { dst in
                let src = buffer.pointer
                for i in 0..<n { for y in 0..<h { for x in 0..<w { for ch in 0..<c {
                    dst[((i * c + ch) * h + y) * w + x] = src[((i * h + y) * w + x) * c + ch]
                } } } }
            }
        case 4: imageShape = [s[1], s[2], s[3]]
        default:
            throw LatentError.invalidFile(path: path, reason: "array of shape \(s) is not a batch of images ([N, H, W], [N, H, W, C] or [N, C, H, W])")
        }
        let count = s[0]
        guard count > 0 else { throw LatentError.invalidFile(path: path, reason: "the array holds no images (shape \(s))") }
        guard buffer.count > 0 else { throw LatentError.invalidFile(path: path, reason: "images of 0 pixels (shape \(s))") }
        let (labels, hasLabels) = try npyLabels(path, count: count, maxBytes: maxBytes)
        return LabeledImages(bytes: ByteImages(buffer: bytes, rowLength: imageShape.reduce(1, *), table: ByteImages.idxTable),
                             imageShape: imageShape, labels: labels, hasLabels: hasLabels)
    }

    /// Labels from `<name>-labels.npy` beside the images, or all 0 (unlabelled) without that file.
    static func npyLabels(_ path: String, count: Int, maxBytes: Int) throws -> (labels: [Int], hasLabels: Bool) {
        var labels = [Int](repeating: 0, count: count)
        var hasLabels = false
        let labelPath = String(path.dropLast(4)) + "-labels.npy"
        if FileManager.default.fileExists(atPath: labelPath) {
            let (labelType, l) = try NPY.readTyped(labelPath, maxBytes: maxBytes)
            guard labelType.kind != .bool else {
                throw LatentError.invalidFile(path: labelPath, reason: "labels of dtype bool; expected integers")
            }
            guard l.rank == 1 || (l.rank == 2 && l.shape[1] == 1) else {
                throw LatentError.invalidFile(path: labelPath, reason: "labels must be a 1-D array, found shape \(l.shape)")
            }
            guard l.count == count else {
                throw LatentError.invalidFile(path: labelPath, reason: "\(l.count) labels for the \(count) images of \(path)")
            }
            labels = try LabeledImages.classLabels(l, path: labelPath)
            hasLabels = true
        }
        return (labels, hasLabels)
    }

    /// The factor that brings NPY image values to [0, 1], following the dtype, and how (for the
    /// description): uint8 / 255, uint16 / 65535, bool as 0/1; floats as they are within [0, 1], / 255
    /// within [0, 255]; other integers / 255 within 0…255. Anything else, and non-finite floats, is refused.
    static func unitScale(_ values: Tensor, dtype: NPY.DType, path: String) throws -> (scale: Float, note: String) {
        switch (dtype.kind, dtype.size) {
        case (.bool, _): return (1, "bool as 0/1")
        case (.unsigned, 1): return (1 / 255, "uint8 / 255")
        case (.unsigned, 2): return (1 / 65535, "uint16 / 65535")
        case (.float, _):
            try requireFinite(values, path: path)
            let (low, high) = (values.minValue(), values.maxValue())
            if low >= 0 && high <= 1 { return (1, "\(dtype) taken as is") }
            if low >= 0 && high <= 255 { return (1 / 255, "\(dtype) in 0…255 / 255") }
            throw LatentError.invalidFile(path: path, reason: "\(dtype) values range over [\(low), \(high)]; expected images within [0, 1] or [0, 255]")
        default:
            let (low, high) = (values.minValue(), values.maxValue())
            guard low >= 0, high <= 255 else {
                throw LatentError.invalidFile(path: path, reason: "\(dtype) values range over [\(LabeledImages.describe(low)), \(LabeledImages.describe(high))]; integer images other than uint8 and uint16 must lie within 0…255")
            }
            return (1 / 255, "\(dtype) in 0…255 / 255")
        }
    }

    /// Refuses NaN and infinite values, saying how many and where the first is.
    static func requireFinite(_ values: Tensor, path: String) throws {
        var bad = 0, first = -1
        values.withData { p in
            for i in 0..<values.count where !p[i].isFinite {
                if first < 0 { first = i }
                bad += 1
            }
        }
        guard bad > 0 else { return }
        var index: [Int] = [], rest = first
        for d in values.shape.reversed() { index.insert(rest % d, at: 0); rest /= d }
        throw LatentError.invalidFile(path: path, reason: "\(bad) value\(bad == 1 ? " is" : "s are") not finite (NaN or infinite); the first at index \(index)")
    }

    static func channelsLastToFirst(_ t: Tensor) -> Tensor {
        let (n, h, w, c) = (t.shape[0], t.shape[1], t.shape[2], t.shape[3])
        var out = Tensor.zeros([n, c, h, w])
        out.withMutableData { dst in
            t.withData { src in
                for i in 0..<n { for y in 0..<h { for x in 0..<w { for ch in 0..<c {
                    dst[((i * c + ch) * h + y) * w + x] = src[((i * h + y) * w + x) * c + ch]
                } } } }
            }
        }
        return out
    }
}

import Foundation
import LatentTensor

/// Turns any readable data set (a PNG folder, gzip IDX files, an 8-bit NPY
/// array, …) into a folder of uncompressed IDX files — `train-images-idx3-ubyte`,
/// `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte`, `t10k-labels-idx1-ubyte` —
/// that `--data FOLDER` reads by memory-mapping, so nothing is decoded or
/// inflated again and processes on one machine share the pages.
///
/// The folder holds the source's training and test splits as `DatasetRegistry`
/// reads them, so training on it sees the same images in the same order. Pixels
/// must be 8-bit (every value k/255); labels are written as bytes, or 32-bit
/// integers when a class number exceeds 255. An unlabelled source is written
/// with label 0 for every image.
///
/// ```swift
/// let packed = try DataPack.pack("faces/", to: "faces-packed")
/// let data = try PreparedData.load(DataOptions(source: "faces-packed"))
/// ```
public enum DataPack {
    /// What `pack` wrote.
    public struct Result: Sendable {
        /// The folder of IDX files.
        public let directory: String
        /// Images per split.
        public let trainCount: Int, testCount: Int
        /// Channels, height, width.
        public let imageShape: [Int]
        /// Every file written.
        public let files: [String]
        /// Bytes written in all.
        public let bytes: Int
    }

    /// Reads `source` (a name or path, as `--data` takes it) and writes its
    /// splits to `directory` (created if missing; its IDX files replaced).
    public static func pack(_ source: String, to directory: String, reading: ReadOptions = ReadOptions()) throws -> Result {
        let set = try DatasetRegistry.load(source, reading: reading)
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isFolder), !isFolder.boolValue {
            throw LatentError.invalidArgument("--out \(directory) is a file; give a folder to write the IDX files into")
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw LatentError.invalidArgument("cannot create the folder \(directory) (\(error.localizedDescription))")
        }
        var files: [String] = [], total = 0
        for (prefix, part) in [("train", set.train), ("t10k", set.test)] {
            let images = (directory as NSString).appendingPathComponent("\(prefix)-images-idx3-ubyte")
            let labels = (directory as NSString).appendingPathComponent("\(prefix)-labels-idx1-ubyte")
            guard part.count > 0 else { throw LatentError.invalidArgument("\(source) has no \(prefix == "train" ? "training" : "test") images to pack") }
            let shape = part.imageShape[0] == 1 ? [part.count, part.imageShape[1], part.imageShape[2]] : [part.count] + part.imageShape
            let pixels = try bytes(of: part, source: source)
            try pixels.withUnsafeBufferPointer { try IDX.writeBytes($0, shape: shape, to: images) }
            total += try writeLabels(part.labels, to: labels)
            total += 4 + 4 * shape.count + pixels.count
            files += [images, labels]
        }
        return Result(directory: directory, trainCount: set.train.count, testCount: set.test.count,
                      imageShape: set.train.imageShape, files: files, bytes: total)
    }

    /// The set's pixels as bytes (row after row), or one line saying why they are not 8-bit.
    static func bytes(of set: LabeledImages, source: String) throws -> [UInt8] {
        let rowLength = set.imageShape.reduce(1, *)
        var out = [UInt8](repeating: 0, count: set.count * rowLength)
        switch set.pixels {
        case .bytes(let b):
            out.withUnsafeMutableBufferPointer { dst in
                for i in 0..<b.count {
                    let row = b.rows?[i] ?? i
                    (dst.baseAddress! + i * rowLength).update(from: b.buffer.pointer + row * rowLength, count: rowLength)
                }
            }
        case .float(let t):
            let exact = t.withData { p in
                out.withUnsafeMutableBufferPointer { dst in
                    let values = UnsafeBufferPointer(start: p, count: t.count)
                    return ByteImages.bytes(of: values, table: ByteImages.idxTable, into: dst.baseAddress!)
                        || ByteImages.bytes(of: values, table: ByteImages.pngTable, into: dst.baseAddress!)
                }
            }
            guard exact else {
                throw LatentError.invalidArgument("\(source) has pixel values that are not 8-bit (k/255 in [0, 1]); pack writes 8-bit images only")
            }
        }
        return out
    }

    /// Writes labels as IDX bytes (0x08), or 32-bit integers (0x0C) when one exceeds 255; returns the bytes written.
    static func writeLabels(_ labels: [Int], to path: String) throws -> Int {
        let wide = labels.contains { $0 > 255 }
        var data = Data([0, 0, wide ? IDX.ElementType.int32.rawValue : IDX.ElementType.uint8.rawValue, 1])
        withUnsafeBytes(of: UInt32(labels.count).bigEndian) { data.append(contentsOf: $0) }
        if wide {
            for l in labels { withUnsafeBytes(of: Int32(l).bigEndian) { data.append(contentsOf: $0) } }
        } else {
            data.append(contentsOf: labels.map { UInt8($0) })
        }
        try AtomicFile.write(data, to: URL(fileURLWithPath: path))
        return data.count
    }
}

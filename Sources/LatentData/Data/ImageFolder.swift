import Foundation
import LatentTensor

/// A folder of PNG images. With sub-folders, each sub-folder is a class
/// (sorted by name, as torchvision's ImageFolder) and PNGs beside them are
/// ignored; otherwise the folder's images are unlabelled. Hidden files and
/// folders are skipped. All images must share one size and channel count.
/// Pixels are read as `PNGReader` reads them.
///
/// ```swift
/// let faces = try ImageFolder.read("faces/")
/// let logos = try ImageFolder.read("logos/", reading: ReadOptions(alpha: .white))
/// ```
public enum ImageFolder {
    /// Reads every image into one [N, C, H, W] set, refusing a set whose
    /// decoded size exceeds `reading.maxBytes` before allocating it. 8-bit
    /// images without alpha blending are kept as bytes (`Float(b) / 255` on
    /// conversion, as the decoder computes it); others as Floats.
    public static func read(_ path: String, reading: ReadOptions = ReadOptions()) throws -> LabeledImages {
        let (files, classes) = try listing(path)
        guard let first = files.first else { throw LatentError.invalidFile(path: path, reason: "no .png images in the folder") }
        let firstData = try PNGReader.contents(of: first.path, reading: reading)
        let header = try PNGHeader(firstData, path: first.path)
        try PNGReader.check(header, fileBytes: firstData.count, path: first.path, reading: reading)
        let imageCount = header.shape.reduce(1, *)
        let (total, overflow) = files.count.multipliedReportingOverflow(by: header.decodedBytes)
        guard !overflow, total <= reading.maxBytes else {
            throw LatentError.invalidFile(path: path, reason: "\(files.count) images of \(header.width)×\(header.height)×\(header.channels) need \(overflow ? "more than \(Int.max)" : "\(total)") bytes once decoded, more than the limit of \(reading.maxBytes) bytes (--max-bytes)")
        }
        // Decoded one image at a time into `scratch`; kept as bytes while every value
        // is an 8-bit sample (k/255), else everything switches to Floats.
        var bytes: PixelBuffer? = nil
        var floats: Tensor? = nil
        var scratch = [Float](repeating: 0, count: imageCount)
        let table = ByteImages.pngTable
        let byteBuffer = try PixelBuffer(count: files.count * imageCount) { out in
            for (i, file) in files.enumerated() {
                let data = i == 0 ? firstData : try PNGReader.contents(of: file.path, reading: reading)
                let own = i == 0 ? header : try PNGHeader(data, path: file.path)
                guard own.shape == header.shape else {
                    throw LatentError.invalidFile(path: file.path, reason: "is \(own.width)×\(own.height) with \(own.channels) channel(s), but \(first.path) is \(header.width)×\(header.height) with \(header.channels); all images must have one size and channel count")
                }
                try PNGReader.check(own, fileBytes: data.count, path: file.path, reading: reading)
                try scratch.withUnsafeMutableBufferPointer { p in
                    try PNGReader.decode(data, header: own, path: file.path, alpha: reading.alpha, into: p)
                }
                if floats == nil {
                    let exact = scratch.withUnsafeBufferPointer { ByteImages.bytes(of: $0, table: table, into: out + i * imageCount) }
                    if !exact {
                        var t = Tensor(uninitializedShape: [files.count] + header.shape)
                        t.withMutableData { p in
                            for j in 0..<(i * imageCount) { p[j] = table[Int(out[j])] }
                        }
                        floats = t
                    }
                }
                if var t = floats {
                    floats = nil   // keep the tensor uniquely referenced while it is written
                    t.withMutableData { p in (p + i * imageCount).update(from: scratch, count: imageCount) }
                    floats = t
                }
            }
        }
        if floats == nil { bytes = byteBuffer }
        let labels = files.map(\.label)
        let classNames = classes.isEmpty ? nil : classes
        if let bytes {
            return LabeledImages(bytes: ByteImages(buffer: bytes, rowLength: imageCount, table: table), imageShape: header.shape,
                                 labels: labels, hasLabels: !classes.isEmpty, classNames: classNames)
        }
        return LabeledImages(images: floats!, labels: labels, hasLabels: !classes.isEmpty, classNames: classNames)
    }

    /// The PNG files to read with their labels, and the class names (empty when
    /// the folder has no sub-folders).
    static func listing(_ path: String) throws -> (files: [(path: String, label: Int)], classes: [String]) {
        let fm = FileManager.default
        func isFolder(_ p: String) -> Bool {
            var d: ObjCBool = false
            return fm.fileExists(atPath: p, isDirectory: &d) && d.boolValue
        }
        func visible(_ folder: String) throws -> [String] {
            do {
                return try fm.contentsOfDirectory(atPath: folder).filter { !$0.hasPrefix(".") }.sorted()
            } catch {
                throw LatentError.invalidFile(path: folder, reason: "cannot list the folder (missing or unreadable)")
            }
        }
        func pngs(_ folder: String) throws -> [String] {
            try visible(folder).filter { $0.lowercased().hasSuffix(".png") && !isFolder(folder + "/" + $0) }.map { folder + "/" + $0 }
        }
        guard isFolder(path) else { throw LatentError.invalidFile(path: path, reason: "not a folder") }
        let classes = try visible(path).filter { isFolder(path + "/" + $0) }
        if classes.isEmpty { return (try pngs(path).map { ($0, 0) }, []) }
        guard classes.count <= LabeledImages.maxClassCount else {
            throw LatentError.invalidFile(path: path, reason: "has \(classes.count) class sub-folders, more than the \(LabeledImages.maxClassCount) Latent supports")
        }
        var files: [(path: String, label: Int)] = []
        for (label, name) in classes.enumerated() {
            files += try pngs(path + "/" + name).map { ($0, label) }
        }
        return (files, classes)
    }
}

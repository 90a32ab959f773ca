import Foundation

/// A folder of PNG images. With sub-folders, each sub-folder is a class
/// (sorted by name, as torchvision's ImageFolder); otherwise the images are
/// unlabelled. All images must share one size and colour type.
///
/// ```swift
/// let faces = try ImageFolder.read("faces/")
/// ```
public enum ImageFolder {
    public static func read(_ path: String, reading: ReadOptions = ReadOptions()) throws -> LabeledImages {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw LatentError.invalidFile(path: path, reason: "not a folder")
        }
        let entries = try fm.contentsOfDirectory(atPath: path).sorted()
        let classes = entries.filter { name in
            var d: ObjCBool = false
            return !name.hasPrefix(".") && fm.fileExists(atPath: path + "/" + name, isDirectory: &d) && d.boolValue
        }
        var files: [(String, Int)] = []
        if classes.isEmpty {
            files = entries.filter { $0.lowercased().hasSuffix(".png") }.map { (path + "/" + $0, 0) }
        } else {
            for (label, name) in classes.enumerated() {
                let folder = path + "/" + name
                files += try fm.contentsOfDirectory(atPath: folder).sorted()
                    .filter { $0.lowercased().hasSuffix(".png") }.map { (folder + "/" + $0, label) }
            }
        }
        guard !files.isEmpty else { throw LatentError.invalidFile(path: path, reason: "no .png images in the folder") }
        let first = try PNGImage.read(files[0].0)
        let (c, h, w) = (first.channels, first.height, first.width)
        var data = [Float](repeating: 0, count: files.count * c * h * w)
        for (i, (file, _)) in files.enumerated() {
            let image = i == 0 ? first : try PNGImage.read(file)
            guard image.width == w, image.height == h, image.channels == c else {
                throw LatentError.invalidFile(path: file, reason: "is \(image.width)×\(image.height)×\(image.channels), but \(files[0].0) is \(w)×\(h)×\(c); all images must have one size")
            }
            let t = image.tensor
            t.withData { p in for j in 0..<(c * h * w) { data[i * c * h * w + j] = p[j] } }
        }
        return LabeledImages(images: Tensor(data, shape: [files.count, c, h, w]), labels: files.map(\.1),
                             hasLabels: !classes.isEmpty, classNames: classes.isEmpty ? nil : classes)
    }
}

import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Downloads MNIST's four IDX files into a cache folder: each file is fetched
/// from the first mirror that answers, checked against its published MD5,
/// written to a temporary name and only then moved into place, so the cache
/// never holds a partial or corrupt file. A mirror may be a URL or a local
/// folder (how the tests exercise everything but the network).
///
/// ```swift
/// let dir = try MNISTDownload.run(into: DatasetLocations.mnistCache) { print($0) }
/// ```
public enum MNISTDownload {
    public struct File: Sendable {
        public let name: String
        public let md5: String
    }

    /// The files and the MD5 sums every MNIST mirror publishes.
    public static let files = [
        File(name: "train-images-idx3-ubyte.gz", md5: "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
        File(name: "train-labels-idx1-ubyte.gz", md5: "d53e105ee54ea40749a09fcbcd1e9432"),
        File(name: "t10k-images-idx3-ubyte.gz", md5: "9fb629c4189551a2d022fa330f9573f3"),
        File(name: "t10k-labels-idx1-ubyte.gz", md5: "ec29112dd5afa0611ce80d1b7f02629c"),
    ]

    public static let mirrors = [
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "https://storage.googleapis.com/cvdf-datasets/mnist/",
    ]

    /// Fetches every file not already present and verified; returns the folder.
    /// `verify: false` skips the checksum (for mirrors of re-compressed files).
    @discardableResult
    public static func run(into directory: String, mirrors: [String] = mirrors, files: [File] = files,
                           verify: Bool = true, log: (String) -> Void = { _ in }) throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for file in files {
            let target = directory + "/" + file.name
            if let existing = FileManager.default.contents(atPath: target), !verify || Checksum.md5(existing) == file.md5 {
                log("\(file.name): already present and verified")
                continue
            }
            var failures: [String] = []
            var fetched: Data?
            for mirror in mirrors {
                do {
                    let data = try fetch(mirror, file.name)
                    if verify {
                        let digest = Checksum.md5(data)
                        guard digest == file.md5 else {
                            failures.append("\(mirror): MD5 \(digest), expected \(file.md5)")
                            continue
                        }
                    }
                    fetched = data
                    log("\(file.name): \(data.count) bytes from \(mirror)\(verify ? ", MD5 verified" : "")")
                    break
                } catch {
                    failures.append("\(mirror): \(error)")
                }
            }
            guard let data = fetched else {
                throw LatentError.invalidArgument("could not get \(file.name):\n  " + failures.joined(separator: "\n  "))
            }
            try AtomicFile.write(data, to: URL(fileURLWithPath: target))
        }
        // The files must also parse: a wrong mirror with right sums is impossible, a truncated local copy is not.
        for split in [LabeledImages.Split.train, .test] where files.contains(where: { $0.name.hasPrefix(split == .train ? "train" : "t10k") }) {
            _ = try LabeledImages.idx(directory: directory, split: split)
        }
        return directory
    }

    static func fetch(_ mirror: String, _ name: String) throws -> Data {
        if mirror.hasPrefix("http://") || mirror.hasPrefix("https://") || mirror.hasPrefix("file://") {
            guard let url = URL(string: mirror.hasSuffix("/") ? mirror + name : mirror + "/" + name) else {
                throw LatentError.invalidArgument("bad mirror URL \(mirror)")
            }
            return try Data(contentsOf: url)
        }
        let path = (mirror as NSString).appendingPathComponent(name)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LatentError.invalidFile(path: path, reason: "no such file")
        }
        return data
    }
}

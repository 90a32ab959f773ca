import Foundation
import LatentTensor
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Downloads MNIST's four IDX files into a cache folder. Each file is fetched
/// from the first mirror that answers into `<name>.part` beside its final
/// name, checked against its published size and (unless `verify` is false)
/// its MD5, and only then renamed into place, so the cache never holds a
/// partial or corrupt file. A mirror may be a URL or a local folder (how the
/// tests exercise everything but the network). On failure the `.part` file is
/// removed, and so is the cache folder if this call created it and it is empty.
///
/// ```swift
/// let dir = try MNISTDownload.run(into: DatasetLocations.mnistCache) { print($0) }
/// ```
public enum MNISTDownload {
    /// One file: its name, MD5 and size as the mirrors publish them.
    public struct File: Sendable {
        public let name: String
        public let md5: String
        /// The size in bytes; nil skips the size check (files of unknown origin).
        public let size: Int?

        /// ```swift
        /// let labels = MNISTDownload.File(name: "t10k-labels-idx1-ubyte.gz", md5: "ec29112dd5afa0611ce80d1b7f02629c", size: 4_542)
        /// ```
        public init(name: String, md5: String, size: Int? = nil) {
            self.name = name
            self.md5 = md5
            self.size = size
        }
    }

    /// The files, with the MD5 sums and sizes every MNIST mirror publishes.
    public static let files = [
        File(name: "train-images-idx3-ubyte.gz", md5: "f68b3c2dcbeaaa9fbdd348bbdeb94873", size: 9_912_422),
        File(name: "train-labels-idx1-ubyte.gz", md5: "d53e105ee54ea40749a09fcbcd1e9432", size: 28_881),
        File(name: "t10k-images-idx3-ubyte.gz", md5: "9fb629c4189551a2d022fa330f9573f3", size: 1_648_877),
        File(name: "t10k-labels-idx1-ubyte.gz", md5: "ec29112dd5afa0611ce80d1b7f02629c", size: 4_542),
    ]

    public static let mirrors = [
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "https://storage.googleapis.com/cvdf-datasets/mnist/",
    ]

    /// The most a file without a published size may hold (the largest MNIST file is under 10 MB).
    static let unknownSizeLimit = 64 << 20

    /// Fetches every file not already present and verified; returns the folder.
    /// `verify: false` skips the checksum (for mirrors of re-compressed files) but
    /// still checks each file's size. `timeout` is how long a silent connection is waited for.
    @discardableResult
    public static func run(into directory: String, mirrors: [String] = mirrors, files: [File] = files,
                           verify: Bool = true, timeout: TimeInterval = 30, log: (String) -> Void = { _ in }) throws -> String {
        guard !mirrors.isEmpty else { throw LatentError.invalidArgument("cannot download MNIST: no mirror given") }
        let created = try CreatedFolders(directory)
        do {
            var fetched: [String] = []
            for file in files {
                let target = (directory as NSString).appendingPathComponent(file.name)
                if isPresent(file, at: target, verify: verify) {
                    log("\(file.name): already present and \(verify ? "verified" : "of the right size")")
                    continue
                }
                try download(file, to: target, mirrors: mirrors, allFiles: files, verify: verify, timeout: timeout, log: log)
                fetched.append(target)
            }
            // The files must also parse: a truncated or foreign copy of the right size is unlikely, not impossible.
            do {
                for (split, prefix) in [(LabeledImages.Split.train, "train"), (.test, "t10k")] where files.contains(where: { $0.name.hasPrefix(prefix) }) {
                    _ = try LabeledImages.idx(directory: directory, split: split)
                }
            } catch {
                for path in fetched { try? FileManager.default.removeItem(atPath: path) }
                throw error
            }
        } catch {
            created.removeIfEmpty()
            throw error
        }
        return directory
    }

    /// Whether `target` already holds the file: the right size and, when verifying, the right MD5.
    static func isPresent(_ file: File, at target: String, verify: Bool) -> Bool {
        guard let size = fileSize(target) else { return false }
        if let expected = file.size, size != expected { return false }
        guard verify else { return true }
        guard size <= (file.size ?? unknownSizeLimit), let data = FileManager.default.contents(atPath: target) else { return false }
        return Checksum.md5(data) == file.md5
    }

    /// Tries each mirror in turn: fetch into `<name>.part`, check, rename into place.
    static func download(_ file: File, to target: String, mirrors: [String], allFiles: [File], verify: Bool,
                         timeout: TimeInterval, log: (String) -> Void) throws {
        let part = target + ".part"
        var failures: [String] = []
        var unreachable = 0
        for mirror in mirrors {
            do {
                try? FileManager.default.removeItem(atPath: part)
                try fetch(mirror, file, to: part, timeout: timeout)
                let digest = try check(part, file, verify: verify)
                if rename(part, target) != 0 {
                    throw LatentError.invalidFile(path: target, reason: "cannot move the download into place: \(UserFacingError.posixReason(errno))")
                }
                log("\(file.name): \(fileSize(target) ?? 0) bytes from \(mirror)" + (digest.map { _ in ", MD5 verified" } ?? ", size verified"))
                return
            } catch {
                try? FileManager.default.removeItem(atPath: part)
                if UserFacingError.isUnreachable(error) { unreachable += 1 }
                failures.append(error is Refusal ? "from \(mirror): \(error)" : UserFacingError.message(for: error))
            }
        }
        if unreachable == mirrors.count {
            let directory = (target as NSString).deletingLastPathComponent
            let count = allFiles.count == 4 ? "four" : allFiles.count == 2 ? "two" : String(allFiles.count)
            throw LatentError.invalidArgument(
                "cannot download MNIST: no network connection (tried \(mirrors.count) mirror\(mirrors.count == 1 ? "" : "s")); "
                + "put the \(count) .gz files in \(directory) or use --data PATH")
        }
        throw LatentError.invalidArgument("cannot get MNIST's \(file.name) (tried \(mirrors.count) mirror\(mirrors.count == 1 ? "" : "s")): "
                                          + failures.joined(separator: "; "))
    }

    /// Refuses `part` unless it has the published size and, when verifying, MD5;
    /// returns the digest it checked (nil when not verifying).
    static func check(_ part: String, _ file: File, verify: Bool) throws -> String? {
        let size = fileSize(part) ?? 0
        if let expected = file.size, size != expected {
            throw Refusal(description: "\(size) bytes, expected \(expected) (truncated, or not the published file)")
        }
        guard verify else { return nil }
        guard size <= (file.size ?? unknownSizeLimit), let data = FileManager.default.contents(atPath: part) else {
            throw LatentError.invalidFile(path: part, reason: "cannot read the download back")
        }
        let digest = Checksum.md5(data)
        guard digest == file.md5 else {
            throw Refusal(description: "MD5 \(digest), expected \(file.md5) (a re-compressed copy passes with --no-verify)")
        }
        return digest
    }

    /// Fetches `file` from `mirror` (a URL or a local folder) into `part`,
    /// refusing more bytes than the file may have.
    static func fetch(_ mirror: String, _ file: File, to part: String, timeout: TimeInterval) throws {
        let limit = file.size ?? unknownSizeLimit
        if mirror.hasPrefix("http://") || mirror.hasPrefix("https://") {
            guard let url = URL(string: mirror.hasSuffix("/") ? mirror + file.name : mirror + "/" + file.name) else {
                throw LatentError.invalidArgument("bad mirror URL \(mirror)")
            }
            return try PartFileDownload.run(url, to: part, limit: limit, timeout: timeout)
        }
        let folder = mirror.hasPrefix("file://") ? (URL(string: mirror)?.path ?? String(mirror.dropFirst(7))) : mirror
        let source = (folder as NSString).appendingPathComponent(file.name)
        guard let size = fileSize(source) else {
            throw LatentError.invalidFile(path: source, reason: "no such file")
        }
        if let expected = file.size, size != expected {
            throw LatentError.invalidFile(path: source, reason: "\(size) bytes, expected \(expected) (truncated, or not the published file)")
        }
        guard size <= limit else { throw LatentError.invalidFile(path: source, reason: "\(size) bytes, more than the \(limit) allowed") }
        do {
            try FileManager.default.copyItem(atPath: source, toPath: part)
            try? FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: part)   // not the source's read-only mode
        } catch {
            throw LatentError.invalidFile(path: source, reason: "cannot copy to \(part): \(UserFacingError.fileReason(error as NSError))")
        }
    }

    /// A mirror's file that arrived but is not the published one.
    struct Refusal: Error, CustomStringConvertible {
        let description: String
    }

    static func fileSize(_ path: String) -> Int? {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue,
              let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
        return (attributes[.size] as? NSNumber)?.intValue
    }
}

/// The folders a call creates, so that a failed download can take them back.
struct CreatedFolders {
    /// Deepest first.
    let paths: [String]

    init(_ directory: String) throws {
        var missing: [String] = []
        var path = (directory as NSString).standardizingPath
        while !path.isEmpty, path != "/", path != ".", !FileManager.default.fileExists(atPath: path) {
            missing.append(path)
            path = (path as NSString).deletingLastPathComponent
        }
        paths = missing
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw LatentError.invalidFile(path: directory, reason: "cannot create the folder: \(UserFacingError.fileReason(error as NSError))")
        }
    }

    /// Removes the created folders that are still empty, deepest first.
    func removeIfEmpty() {
        for path in paths {
            guard let contents = try? FileManager.default.contentsOfDirectory(atPath: path), contents.isEmpty else { return }
            try? FileManager.default.removeItem(atPath: path)
        }
    }
}

import Foundation
import LatentTensor

/// Writes files atomically and durably: the bytes go to a temporary file in
/// the same folder, which is synced to disk and then renamed over the target
/// (and the folder synced). A crash or power loss mid-write leaves
/// the previous file intact, never a half-written one; a failed write (full
/// disk, no permission, a name too long) removes the temporary file and
/// throws a `LatentError` naming the target and the reason in one line.
///
/// ```swift
/// try AtomicFile.write(Data("{}".utf8), to: URL(fileURLWithPath: "runs/a/config.json"))
/// ```
public enum AtomicFile {
    public static func write(_ data: Data, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw LatentError.invalidFile(path: url.path, reason: "cannot create its folder: \(reason(error))")
        }
        let temporary = directory.appendingPathComponent(temporaryName(for: url.lastPathComponent))
        if let code = writeSynced(data, to: temporary.path) {
            try? FileManager.default.removeItem(at: temporary)
            throw LatentError.invalidFile(path: url.path, reason: "cannot write: \(UserFacingError.posixReason(code))")
        }
        if rename(temporary.path, url.path) != 0 {
            let code = errno
            try? FileManager.default.removeItem(at: temporary)
            throw LatentError.invalidFile(path: url.path, reason: "cannot move the written file into place: \(UserFacingError.posixReason(code))")
        }
        let folder = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folder >= 0 { _ = fsync(folder); close(folder) }   // the rename itself reaches the disk
    }

    /// Writes all of `data` to a new file at `path` and syncs it; returns the errno of a failure.
    static func writeSynced(_ data: Data, to path: String) -> Int32? {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return errno }
        defer { close(fd) }
        var failure: Int32?
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += n
            }
        }
        if let failure { return failure }
        return fsync(fd) == 0 ? nil : errno
    }

    /// A hidden name beside the target, short enough for any file system even
    /// when the target's own name is near the 255-byte limit.
    static func temporaryName(for name: String) -> String {
        let suffix = ".\(ProcessInfo.processInfo.processIdentifier).tmp"
        var stem = name
        while stem.utf8.count + suffix.utf8.count + 1 > 255 { stem.removeLast() }
        return "." + stem + suffix
    }

    /// The reason alone ("no space left on device"), without the path Foundation
    /// would repeat (and which may be the temporary file's).
    static func reason(_ error: any Error) -> String {
        if let latent = error as? LatentError { return latent.description }
        return UserFacingError.fileReason(error as NSError)
    }
}

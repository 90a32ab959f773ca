import Foundation

/// Writes files atomically: the bytes go to a temporary file in the same
/// folder, which is then renamed over the target. A crash mid-write leaves
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
        do {
            try data.write(to: temporary)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw LatentError.invalidFile(path: url.path, reason: "cannot write: \(reason(error))")
        }
        if rename(temporary.path, url.path) != 0 {
            let code = errno
            try? FileManager.default.removeItem(at: temporary)
            throw LatentError.invalidFile(path: url.path, reason: "cannot move the written file into place: \(UserFacingError.posixReason(code))")
        }
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

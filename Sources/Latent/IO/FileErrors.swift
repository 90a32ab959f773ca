import Foundation

/// Short human reasons for the errors Foundation throws while reading and
/// writing files (instead of an NSCocoaErrorDomain dump), and for JSON
/// decoding errors (instead of a codingPath dump).
///
/// ```swift
/// do { try data.write(to: url) } catch { print("cannot write \(url.path): \(FileErrors.reason(error))") }
/// // cannot write runs/a/config.json: no space left on device
/// ```
public enum FileErrors {
    /// "no space left on device", "permission denied", … for a file-system error; the error's own text otherwise.
    public static func reason(_ error: Error) -> String {
        if let latent = error as? LatentError { return latent.description }
        let ns = error as NSError
        if let posix = posixCode(ns) { return String(cString: strerror(posix)).lowercased() }
        if ns.domain == NSCocoaErrorDomain {
            switch ns.code {
            case NSFileNoSuchFileError, NSFileReadNoSuchFileError: return "no such file or directory"
            case NSFileWriteOutOfSpaceError: return "no space left on device"
            case NSFileWriteNoPermissionError, NSFileReadNoPermissionError: return "permission denied"
            case NSFileWriteVolumeReadOnlyError: return "read-only file system"
            case NSFileWriteInvalidFileNameError, NSFileReadInvalidFileNameError: return "invalid file name (too long?)"
            case NSFileWriteFileExistsError: return "the file already exists"
            default: break
            }
        }
        return ns.localizedDescription
    }

    /// The POSIX error code behind a Foundation error, if there is one.
    static func posixCode(_ ns: NSError) -> Int32? {
        if ns.domain == NSPOSIXErrorDomain { return Int32(ns.code) }
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError { return posixCode(underlying) }
        return nil
    }

    /// One line for a JSON decoding failure: which field, and what was wrong with it.
    public static func describe(decoding error: Error) -> String {
        guard let decoding = error as? DecodingError else { return reason(error) }
        func path(_ keys: [CodingKey]) -> String {
            let text = keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return text.isEmpty ? "the top level" : "field '\(text.replacingOccurrences(of: ".[", with: "["))'"
        }
        switch decoding {
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])) is missing"
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)) has the wrong type (expected \(type))"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)) is null (expected \(type))"
        case .dataCorrupted(let context):
            let underlying = (context.underlyingError as NSError?).map { _ in "not valid JSON" } ?? context.debugDescription
            return context.codingPath.isEmpty ? underlying : "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "unreadable"
        }
    }
}

import Foundation
import LatentTensor

/// Turns any error into the one line a user reads: what failed, where, and why,
/// without Foundation's `userInfo` dumps or a decoder's coding-path listing.
///
/// - `LatentError`: its description.
/// - Foundation file errors (`NSCocoaErrorDomain`, `NSPOSIXErrorDomain`):
///   "cannot write runs/a/config.json: no space left on device", the path taken
///   from the error's `NSFilePath` or `NSURL`.
/// - Network errors (`NSURLErrorDomain`): "cannot download <url>: cannot connect to the server".
/// - `DecodingError`: "invalid JSON: field 'training.epochs' has the wrong type (expected a whole number)".
/// - Anything else: its description, on one line.
///
/// ```swift
/// do { try AtomicFile.write(data, to: url) }
/// catch { print("Error: " + UserFacingError.message(for: error)) }
/// ```
public enum UserFacingError {
    /// One line describing `error`; `context` names what was being read when
    /// the error itself cannot (e.g. the file a `DecodingError` came from).
    public static func message(for error: any Error, context: String? = nil) -> String {
        if let latent = error as? LatentError { return oneLine(latent.description) }
        if let decoding = error as? DecodingError { return (context ?? "invalid JSON") + ": " + reason(decoding) }
        let ns = error as NSError
        switch ns.domain {
        case NSCocoaErrorDomain, NSPOSIXErrorDomain:
            if let network = networkError(in: ns) { return networkMessage(network, url: url(in: ns) ?? url(in: network)) }
            return fileMessage(ns, context: context)
        case urlErrorDomain:
            return networkMessage(ns, url: url(in: ns))
        default:
            return oneLine(String(describing: error))
        }
    }

    /// What is wrong with a decoded document, naming the field by its dotted path:
    /// "field 'training.epochs' is missing".
    public static func reason(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context):
            return "field '\(path(context.codingPath + [key]))' is missing"
        case .typeMismatch(let type, let context):
            return "\(field(context.codingPath)) has the wrong type (expected \(typeName(type)))"
        case .valueNotFound(let type, let context):
            return "\(field(context.codingPath)) is null (expected \(typeName(type)))"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                let detail = context.underlyingError.map { oneLine(($0 as NSError).localizedDescription) }
                return "not valid JSON" + (detail.map { " (\($0))" } ?? "")
            }
            return "\(field(context.codingPath)) is not valid: \(oneLine(context.debugDescription))"
        @unknown default:
            return oneLine(String(describing: error))
        }
    }

    /// The reason a POSIX call failed, in lower case: "no space left on device".
    public static func posixReason(_ code: Int32) -> String {
        lowercasedFirst(String(cString: strerror(code)))
    }

    // MARK: - Files

    static func fileMessage(_ ns: NSError, context: String?) -> String {
        let path = ns.userInfo[NSFilePathErrorKey] as? String ?? url(in: ns).map { $0.isFileURL ? $0.path : $0.absoluteString } ?? context
        let reason = fileReason(ns)
        let verb: String
        switch ns.domain == NSCocoaErrorDomain ? ns.code : 0 {
        case 256...511: verb = "cannot read"
        case 512...767: verb = "cannot write"
        default: verb = ""
        }
        switch (verb.isEmpty, path) {
        case (false, let path?): return "\(verb) \(path): \(reason)"
        case (true, let path?): return "\(path): \(reason)"
        case (false, nil): return "\(verb): \(reason)"
        case (true, nil): return reason
        }
    }

    /// The POSIX reason beneath a Cocoa file error when there is one, else the Cocoa code's meaning.
    package static func fileReason(_ ns: NSError) -> String {
        if ns.domain == NSPOSIXErrorDomain { return posixReason(Int32(truncatingIfNeeded: ns.code)) }
        if let underlying = underlying(ns), underlying.domain == NSPOSIXErrorDomain {
            return posixReason(Int32(truncatingIfNeeded: underlying.code))
        }
        switch CocoaError.Code(rawValue: ns.code) {
        case .fileNoSuchFile, .fileReadNoSuchFile: return "no such file or directory"
        case .fileReadNoPermission, .fileWriteNoPermission: return "permission denied"
        case .fileReadInvalidFileName, .fileWriteInvalidFileName: return "invalid file name (too long, or a character the file system refuses)"
        case .fileWriteOutOfSpace: return "no space left on device"
        case .fileWriteVolumeReadOnly: return "read-only file system"
        case .fileWriteFileExists: return "file exists"
        case .fileReadTooLarge: return "file too large"
        case .fileReadCorruptFile: return "the file is corrupt"
        case .fileReadInapplicableStringEncoding, .fileWriteInapplicableStringEncoding: return "text in an unexpected encoding"
        case .fileLocking: return "the file is locked"
        default: return oneLine(ns.localizedDescription)
        }
    }

    // MARK: - Network

    static let urlErrorDomain = "NSURLErrorDomain"

    /// The network error an error stands for or wraps (Foundation reports a failed
    /// `Data(contentsOf:)` of an http URL as a Cocoa read error around it).
    static func networkError(in ns: NSError) -> NSError? {
        var current: NSError? = ns
        for _ in 0..<8 {
            guard let error = current else { return nil }
            if error.domain == urlErrorDomain { return error }
            current = underlying(error)
        }
        return nil
    }

    /// Whether `error` means the network (or the server) could not be reached at all:
    /// no connection, unknown host, refused connection, time-out.
    public static func isUnreachable(_ error: any Error) -> Bool {
        guard let network = networkError(in: error as NSError) else { return false }
        return [-1001, -1003, -1004, -1005, -1006, -1009, -1018, -1020].contains(network.code)
    }

    static func networkMessage(_ ns: NSError, url: URL?) -> String {
        let reason: String
        switch ns.code {
        case -1001: reason = "the connection timed out"
        case -1003, -1006: reason = "host not found (no network, or a wrong address)"
        case -1004: reason = "cannot connect to the server"
        case -1005: reason = "the network connection was lost"
        case -1009, -1018, -1020: reason = "no network connection"
        case -1011: reason = "bad response from the server"
        case -1100: reason = "no such file on the server"
        case -1202, -1203, -1204, -1200, -1201, -1205, -1206: reason = "secure connection failed (certificate)"
        default:
            let inner = underlying(ns) ?? ns
            reason = oneLine(inner.userInfo[NSLocalizedDescriptionKey] as? String ?? "network error \(ns.code)")
        }
        return "cannot download" + (url.map { " \($0.absoluteString)" } ?? "") + ": " + reason
    }

    // MARK: - Helpers

    /// The error beneath `ns`, however Foundation stored it (an NSError, a Swift error, or boxed in AnyHashable).
    static func underlying(_ ns: NSError) -> NSError? {
        guard var value: Any = ns.userInfo[NSUnderlyingErrorKey] else { return nil }
        if let hashable = value as? AnyHashable { value = hashable.base }
        if let error = value as? NSError { return error }
        if let error = value as? any Error { return error as NSError }
        return nil
    }

    static func url(in ns: NSError) -> URL? {
        for key in [NSURLErrorKey, "NSErrorFailingURLKey"] {
            if let url = ns.userInfo[key] as? URL { return url }
            if let hashable = ns.userInfo[key] as? AnyHashable, let url = hashable.base as? URL { return url }
        }
        if let text = ns.userInfo["NSErrorFailingURLStringKey"] as? String { return URL(string: text) }
        return nil
    }

    static func path(_ keys: [any CodingKey]) -> String {
        var text = ""
        for key in keys {
            if let index = key.intValue, key.stringValue == "Index \(index)" || key.stringValue == String(index) {
                text += "[\(index)]"
            } else {
                text += (text.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return text
    }

    static func field(_ keys: [any CodingKey]) -> String {
        keys.isEmpty ? "the document" : "field '\(path(keys))'"
    }

    static func typeName(_ type: Any.Type) -> String {
        let name = String(describing: type)
        switch name {
        case "Int", "Int32", "Int64", "UInt64", "UInt32", "UInt8", "UInt": return "a whole number"
        case "Float", "Double": return "a number"
        case "String": return "a string"
        case "Bool": return "true or false"
        default:
            if name.hasPrefix("Dictionary") || name.hasPrefix("KeyedDecodingContainer") { return "an object" }
            if name.hasPrefix("Array") || name.hasPrefix("UnkeyedDecodingContainer") { return "a list" }
            return name
        }
    }

    /// Joins a multi-line text into one line.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: "; ")
    }

    static func lowercasedFirst(_ text: String) -> String {
        guard let first = text.first else { return text }
        // Keep acronyms ("I/O error") as they are.
        if text.count > 1, text.dropFirst().first?.isUppercase == true || text.dropFirst().first == "/" { return text }
        return first.lowercased() + text.dropFirst()
    }
}

/// Errors raised by the library for bad input; each names what and where.
/// Every layer throws it, so it lives in the lowest one.
///
/// ```swift
/// throw LatentError.invalidFile(path: path, reason: "not an IDX file (magic 0x1234)")
/// ```
public enum LatentError: Error, CustomStringConvertible, Equatable {
    case shapeMismatch(String)
    case missingTensors([String])
    case invalidFile(path: String, reason: String)
    case invalidArgument(String)
    case nonFinite(String)

    public var description: String {
        switch self {
        case .shapeMismatch(let s): return "shape mismatch: \(s)"
        case .missingTensors(let names): return "checkpoint lacks tensors: \(names.joined(separator: ", "))"
        case .invalidFile(let path, let reason): return "\(path): \(reason)"
        case .invalidArgument(let s): return s
        case .nonFinite(let s): return s
        }
    }
}

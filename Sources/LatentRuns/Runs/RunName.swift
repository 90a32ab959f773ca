import LatentTensor

/// The rules a run's folder name follows, so that a name can never leave the
/// runs folder, nest, or hide: 1–100 characters from letters, digits, `-`, `_`
/// and `.`, not starting with `.` and never containing `..`.
///
/// ```swift
/// try RunName.validate("vae-mnist_2")        // fine
/// try RunName.validate("../elsewhere")       // throws: names the rule
/// RunName.sanitized("vae-data/faces v2")     // "vae-data_faces_v2"
/// ```
public enum RunName {
    public static let maxLength = 100

    /// Throws a one-line error that says which rule `name` breaks.
    public static func validate(_ name: String) throws {
        func refuse(_ why: String) -> LatentError {
            .invalidArgument("run name '\(name.prefix(120))\(name.count > 120 ? "…" : "")' \(why); use 1–\(maxLength) letters, digits, '-', '_' or '.'")
        }
        guard !name.isEmpty else { throw refuse("is empty") }
        guard name.count <= maxLength else { throw refuse("has \(name.count) characters, more than \(maxLength)") }
        if let bad = name.unicodeScalars.first(where: { !isAllowed($0) }) {
            throw refuse("contains '\(bad.escaped(asASCII: true))'")
        }
        guard !name.hasPrefix(".") else { throw refuse("starts with '.'") }
        guard !name.contains("..") else { throw refuse("contains '..'") }
    }

    /// A valid name made from any text: other characters become `_`, the
    /// result is trimmed to the length limit (used for generated names).
    public static func sanitized(_ text: String) -> String {
        var out = String(String.UnicodeScalarView(text.unicodeScalars.map { isAllowed($0) ? $0 : "_" }))
        while out.contains("..") { out = out.replacingOccurrences(of: "..", with: "_") }
        while out.hasPrefix(".") { out.removeFirst() }
        if out.isEmpty { out = "run" }
        return String(out.prefix(maxLength - 4))   // room for a "-NNN" suffix
    }

    static func isAllowed(_ s: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(s) || ("A"..."Z").contains(s) || ("0"..."9").contains(s) || s == "-" || s == "_" || s == "."
    }
}

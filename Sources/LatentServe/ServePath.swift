import Foundation

/// Where a request may point: a name inside the runs folder, never outside it.
///
/// A URL path segment becomes a file name only when, decoded once, it is made of letters,
/// digits, `-`, `_` and `.`, does not start with `.` and is at most 200 characters long — so
/// `..`, `%2F`, `%5C`, `%00` and hidden files (`.lock`) never name anything. A resolved path
/// must then lie inside the runs folder after every symbolic link is followed.
///
/// ```swift
/// ServePath.name("samples-epoch-003.png")                            // "samples-epoch-003.png"
/// ServePath.name("..%2F..%2Fetc")                                     // nil
/// ServePath.resolve(root: "runs", ["vae-mnist", "images", "samples.png"]) // the real path, or nil
/// ```
public enum ServePath {
    /// The decoded name of one percent-encoded path segment, or nil when it is not a safe file name.
    public static func name(_ segment: some StringProtocol) -> String? {
        guard segment.utf8.count <= 600, let decoded = String(segment).removingPercentEncoding else { return nil }
        return isSafeName(decoded) ? decoded : nil
    }

    /// Letters, digits, `-`, `_`, `.`; not starting with `.`; 1 to 200 characters.
    public static func isSafeName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 200, name.first != "." else { return false }
        return name.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2D || c == 0x5F || c == 0x2E
        }
    }

    /// `root/names…` with every symbolic link resolved, when each name is safe, the path exists and it lies
    /// inside `root` (also after resolving `root`'s own links); nil otherwise.
    public static func resolve(root: String, _ names: [String]) -> String? {
        guard !names.isEmpty, names.allSatisfy(isSafeName), let base = realPath(root) else { return nil }
        guard let real = realPath(root + "/" + names.joined(separator: "/")) else { return nil }
        return real.hasPrefix(base.hasSuffix("/") ? base : base + "/") ? real : nil
    }

    /// A regular file inside `root`, as `resolve` finds it.
    public static func file(root: String, _ names: [String]) -> String? {
        guard let path = resolve(root: root, names) else { return nil }
        var s = stat()
        return stat(path, &s) == 0 && (s.st_mode & mode_t(S_IFMT)) == mode_t(S_IFREG) ? path : nil
    }

    /// A folder inside `root`, as `resolve` finds it.
    public static func folder(root: String, _ names: [String]) -> String? {
        guard let path = resolve(root: root, names) else { return nil }
        var s = stat()
        return stat(path, &s) == 0 && (s.st_mode & mode_t(S_IFMT)) == mode_t(S_IFDIR) ? path : nil
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

extension String {
    /// The text with every control character written as an escape (`\n`,
    /// `\u{1B}`), so that quoting a damaged file's bytes in an error keeps the
    /// message on one line and cannot send escape sequences to a terminal.
    ///
    /// ```swift
    /// "a\nb\u{1B}[31m".escapingControlCharacters   // "a\\nb\\u{1B}[31m"
    /// ```
    public var escapingControlCharacters: String {
        guard unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return self }
        var out = ""
        for s in unicodeScalars {
            if s.properties.generalCategory == .control {
                switch s {
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                default: out += "\\u{" + String(s.value, radix: 16, uppercase: true) + "}"
                }
            } else {
                out.unicodeScalars.append(s)
            }
        }
        return out
    }
}

/// The header of a .npy file, parsed from its Python dict literal, e.g.
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`.
///
/// The grammar is the small subset NumPy writes: exactly the keys 'descr'
/// (a string), 'fortran_order' (True or False) and 'shape' (a tuple of
/// non-negative integers, `(3,)` for one dimension, `()` for none), in any
/// order, single or double quotes, a trailing comma allowed, spaces and a
/// final newline around. Anything else is refused with the offending text.
///
/// ```swift
/// let header = try NPYHeader.parse(Array("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 2), }".utf8))
/// // header.descr == "|u1", header.shape == [2, 2]
/// ```
struct NPYHeader: Equatable, Sendable {
    var descr: String
    var fortranOrder: Bool
    var shape: [Int]

    /// Why a header was refused: one line naming the offending text.
    struct SyntaxError: Error, CustomStringConvertible {
        let description: String
        init(description: String) { self.description = description.escapingControlCharacters }
    }

    static let keys = ["descr", "fortran_order", "shape"]

    static func parse(_ bytes: [UInt8]) throws(SyntaxError) -> NPYHeader {
        var parser = Parser(bytes: bytes)
        var values: [String: Value] = [:]
        parser.skipSpace()
        try parser.expect(UInt8(ascii: "{"))
        while true {
            parser.skipSpace()
            if parser.take(UInt8(ascii: "}")) { break }
            guard parser.next == UInt8(ascii: "'") || parser.next == UInt8(ascii: "\"") else {
                throw SyntaxError(description: "expected a quoted key at '\(parser.snippet())'")
            }
            let key = try parser.string()
            guard keys.contains(key) else {
                throw SyntaxError(description: "unexpected key '\(key)' (a .npy header has exactly 'descr', 'fortran_order' and 'shape')")
            }
            guard values[key] == nil else { throw SyntaxError(description: "the key '\(key)' appears twice") }
            parser.skipSpace()
            try parser.expect(UInt8(ascii: ":"))
            parser.skipSpace()
            values[key] = try parser.value()
            parser.skipSpace()
            if parser.take(UInt8(ascii: ",")) { continue }
            if parser.take(UInt8(ascii: "}")) { break }
            throw SyntaxError(description: "expected ',' or '}' at '\(parser.snippet())'")
        }
        parser.skipSpace()
        guard parser.atEnd else { throw SyntaxError(description: "unexpected text after the dict: '\(parser.snippet())'") }
        for key in keys where values[key] == nil {
            throw SyntaxError(description: "the header has no '\(key)'")
        }
        guard case .string(let descr) = values["descr"]! else {
            throw SyntaxError(description: "'descr' must be a string such as '<f4', found \(values["descr"]!)")
        }
        guard case .bool(let fortranOrder) = values["fortran_order"]! else {
            throw SyntaxError(description: "'fortran_order' must be True or False, found \(values["fortran_order"]!)")
        }
        guard case .tuple(let shape) = values["shape"]! else {
            throw SyntaxError(description: "'shape' must be a tuple such as (3, 4), found \(values["shape"]!)")
        }
        return NPYHeader(descr: descr, fortranOrder: fortranOrder, shape: shape)
    }

    enum Value: Equatable, CustomStringConvertible {
        case string(String), bool(Bool), tuple([Int])

        var description: String {
            switch self {
            case .string(let s): return "the string '\(s)'"
            case .bool(let b): return b ? "True" : "False"
            case .tuple(let t): return "the tuple (\(t.map(String.init).joined(separator: ", ")))"
            }
        }
    }

    /// A cursor over the header bytes.
    private struct Parser {
        let bytes: [UInt8]
        var at = 0

        var atEnd: Bool { at == bytes.count }
        var next: UInt8? { at < bytes.count ? bytes[at] : nil }

        /// Up to 24 characters from the cursor on, for error messages.
        func snippet(from start: Int? = nil) -> String {
            let from = start ?? at
            let text = String(decoding: bytes[from..<Swift.min(bytes.count, from + 24)], as: UTF8.self)
            return atEnd && start == nil ? "the end of the header" : text + (from + 24 < bytes.count ? "…" : "")
        }

        mutating func skipSpace() {
            while let c = next, c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\n") || c == UInt8(ascii: "\r") {
                at += 1
            }
        }

        mutating func take(_ c: UInt8) -> Bool {
            guard next == c else { return false }
            at += 1
            return true
        }

        mutating func expect(_ c: UInt8) throws(SyntaxError) {
            guard take(c) else {
                throw SyntaxError(description: "expected '\(Character(Unicode.Scalar(c)))' at '\(snippet())'")
            }
        }

        mutating func value() throws(SyntaxError) -> Value {
            let start = at
            switch next {
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                return .string(try string())
            case UInt8(ascii: "("):
                return .tuple(try tuple())
            case UInt8(ascii: "T"), UInt8(ascii: "F"):
                for (word, value) in [("True", true), ("False", false)] {
                    let w = Array(word.utf8)
                    if bytes[at...].starts(with: w), !isWordByte(at + w.count) {
                        at += w.count
                        return .bool(value)
                    }
                }
            case UInt8(ascii: "["):
                throw SyntaxError(description: "unsupported list '\(snippet())' (structured arrays are not read; save a plain numeric array)")
            default:
                break
            }
            at = start
            throw SyntaxError(description: "unexpected '\(snippet())' (expected a string, True, False or a tuple of integers)")
        }

        private func isWordByte(_ i: Int) -> Bool {
            guard i < bytes.count else { return false }
            let c = bytes[i]
            return c == UInt8(ascii: "_") || (c >= 0x30 && c <= 0x39) || (c | 0x20 >= 0x61 && c | 0x20 <= 0x7A)
        }

        /// A quoted string without escapes.
        mutating func string() throws(SyntaxError) -> String {
            let start = at
            let quote = bytes[at]
            at += 1
            while let c = next, c != quote {
                guard c != UInt8(ascii: "\\") else {
                    throw SyntaxError(description: "escape sequences are not supported in '\(snippet(from: start))'")
                }
                at += 1
            }
            guard next == quote else { throw SyntaxError(description: "unterminated string '\(snippet(from: start))'") }
            at += 1
            return String(decoding: bytes[(start + 1)..<(at - 1)], as: UTF8.self)
        }

        /// `()`, `(n,)` or `(n, m, …)` with an optional trailing comma; `(n)` is an integer, not a tuple.
        mutating func tuple() throws(SyntaxError) -> [Int] {
            let start = at
            at += 1
            var items: [Int] = []
            skipSpace()
            if take(UInt8(ascii: ")")) { return items }
            while true {
                items.append(try integer())
                skipSpace()
                if take(UInt8(ascii: ",")) {
                    skipSpace()
                    if take(UInt8(ascii: ")")) { return items }
                    continue
                }
                if next == UInt8(ascii: ")") {
                    guard items.count > 1 else {
                        throw SyntaxError(description: "'\(snippet(from: start))' is not a tuple (one dimension is written (n,))")
                    }
                    at += 1
                    return items
                }
                throw SyntaxError(description: "bad tuple '\(snippet(from: start))': expected ',' or ')' at '\(snippet())'")
            }
        }

        /// A non-negative decimal integer (Python 2's `3L` allowed).
        mutating func integer() throws(SyntaxError) -> Int {
            let start = at
            while let c = next, c >= 0x30 && c <= 0x39 { at += 1 }
            guard at > start else {
                throw SyntaxError(description: "expected a non-negative integer at '\(snippet())'")
            }
            let digits = String(decoding: bytes[start..<at], as: UTF8.self)
            _ = take(UInt8(ascii: "L"))
            guard let value = Int(digits) else { throw SyntaxError(description: "dimension \(digits) is too large") }
            return value
        }
    }
}

/// A strict JSON reader for file headers (safetensors): the input must be
/// UTF-8, keys of an object must be distinct, nesting is limited, and numbers
/// keep their text so integers are read exactly (no detour through Double).
///
/// ```swift
/// let value = try HeaderJSON.parse(Array(#"{"a": [1, 2]}"#.utf8))
/// value.member("a")?.elements?.first?.integer   // 1
/// ```
enum HeaderJSON {
    case object([(key: String, value: HeaderJSON)])
    case array([HeaderJSON])
    case string(String)
    case number(String)
    case bool(Bool)
    case null

    /// Why the text is not acceptable JSON, with the byte offset.
    struct SyntaxError: Error, CustomStringConvertible {
        let message: String
        let offset: Int
        var description: String { "\(message.escapingControlCharacters) at byte \(offset) of the header" }
    }

    /// Deepest nesting accepted (a safetensors header needs three levels).
    static let maxDepth = 32

    /// Parses one JSON value filling all of `bytes` (whitespace around it allowed).
    static func parse(_ bytes: [UInt8]) throws(SyntaxError) -> HeaderJSON {
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw SyntaxError(message: "not UTF-8 text", offset: 0)
        }
        var reader = Reader(bytes: bytes)
        let value = try reader.value(depth: 0)
        reader.skipWhitespace()
        guard reader.position == bytes.count else { throw reader.error("unexpected text after the JSON value") }
        return value
    }

    /// The members of an object, else nil.
    var members: [(key: String, value: HeaderJSON)]? { if case .object(let m) = self { return m } else { return nil } }
    /// The elements of an array, else nil.
    var elements: [HeaderJSON]? { if case .array(let a) = self { return a } else { return nil } }
    /// The text of a string, else nil.
    var string: String? { if case .string(let s) = self { return s } else { return nil } }
    /// An integer written without fraction or exponent that fits an Int, else nil.
    var integer: Int? {
        guard case .number(let text) = self, !text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) else { return nil }
        return Int(text)
    }
    /// The value of an object's member, if present.
    func member(_ key: String) -> HeaderJSON? { members?.first { $0.key == key }?.value }

    /// A short description for error messages ("a string", "the number 1.5").
    var kind: String {
        switch self {
        case .object: return "an object"
        case .array: return "an array"
        case .string(let s): return "the string \"\(s.prefix(40))\""
        case .number(let n): return "the number \(n.prefix(40))"
        case .bool(let b): return "\(b)"
        case .null: return "null"
        }
    }

    private struct Reader {
        let bytes: [UInt8]
        var position = 0

        func error(_ message: String) -> SyntaxError { SyntaxError(message: message, offset: position) }

        mutating func skipWhitespace() {
            while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
        }

        mutating func value(depth: Int) throws(SyntaxError) -> HeaderJSON {
            skipWhitespace()
            guard position < bytes.count else { throw error("the JSON text ends early") }
            switch bytes[position] {
            case UInt8(ascii: "{"):
                guard depth < HeaderJSON.maxDepth else { throw error("nested deeper than \(HeaderJSON.maxDepth) levels") }
                return try object(depth: depth + 1)
            case UInt8(ascii: "["):
                guard depth < HeaderJSON.maxDepth else { throw error("nested deeper than \(HeaderJSON.maxDepth) levels") }
                return try array(depth: depth + 1)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
            default: throw error("unexpected character '\(Character(Unicode.Scalar(bytes[position])))'")
            }
        }

        mutating func literal(_ word: String) throws(SyntaxError) {
            let w = Array(word.utf8)
            guard bytes.count - position >= w.count, Array(bytes[position..<(position + w.count)]) == w else {
                throw error("invalid literal (expected \(word))")
            }
            position += w.count
        }

        mutating func object(depth: Int) throws(SyntaxError) -> HeaderJSON {
            position += 1   // {
            var members: [(key: String, value: HeaderJSON)] = []
            var seen = Set<String>()
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "}") { position += 1; return .object(members) }
            while true {
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw error("expected a quoted key") }
                let keyStart = position
                let key = try string()
                guard seen.insert(key).inserted else {
                    throw SyntaxError(message: "duplicate key \"\(key.prefix(60))\"", offset: keyStart)
                }
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw error("expected ':' after a key") }
                position += 1
                members.append((key, try value(depth: depth)))
                skipWhitespace()
                guard position < bytes.count else { throw error("the JSON text ends inside an object") }
                if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
                if bytes[position] == UInt8(ascii: "}") { position += 1; return .object(members) }
                throw error("expected ',' or '}' in an object")
            }
        }

        mutating func array(depth: Int) throws(SyntaxError) -> HeaderJSON {
            position += 1   // [
            var elements: [HeaderJSON] = []
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "]") { position += 1; return .array(elements) }
            while true {
                elements.append(try value(depth: depth))
                skipWhitespace()
                guard position < bytes.count else { throw error("the JSON text ends inside an array") }
                if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
                if bytes[position] == UInt8(ascii: "]") { position += 1; return .array(elements) }
                throw error("expected ',' or ']' in an array")
            }
        }

        mutating func string() throws(SyntaxError) -> String {
            position += 1   // opening quote
            var out: [UInt8] = []
            while true {
                guard position < bytes.count else { throw error("a string is not closed") }
                let b = bytes[position]
                position += 1
                switch b {
                case UInt8(ascii: "\""):
                    return String(decoding: out, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard position < bytes.count else { throw error("a string is not closed") }
                    let e = bytes[position]
                    position += 1
                    switch e {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "u"): out.append(contentsOf: Array(String(try unicodeEscape()).utf8))
                    default: throw error("invalid escape in a string")
                    }
                case 0..<0x20:
                    throw error("control character in a string")
                default:
                    out.append(b)
                }
            }
        }

        /// The scalar of `\uXXXX` (after the `u`), joining a surrogate pair.
        mutating func unicodeEscape() throws(SyntaxError) -> Unicode.Scalar {
            let first = try hex4()
            if (0xD800..<0xDC00).contains(first) {
                guard bytes.count - position >= 2, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                    throw error("unpaired surrogate in a \\u escape")
                }
                position += 2
                let second = try hex4()
                guard (0xDC00..<0xE000).contains(second) else { throw error("unpaired surrogate in a \\u escape") }
                return Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))!
            }
            guard let scalar = Unicode.Scalar(first) else { throw error("unpaired surrogate in a \\u escape") }
            return scalar
        }

        mutating func hex4() throws(SyntaxError) -> UInt32 {
            guard bytes.count - position >= 4 else { throw error("a \\u escape needs four hex digits") }
            var v: UInt32 = 0
            for _ in 0..<4 {
                guard let d = Character(Unicode.Scalar(bytes[position])).hexDigitValue else {
                    throw error("a \\u escape needs four hex digits")
                }
                v = v << 4 | UInt32(d)
                position += 1
            }
            return v
        }

        /// JSON number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
        mutating func number() throws(SyntaxError) -> String {
            let start = position
            func digits(_ reader: inout Reader) -> Int {
                let s = reader.position
                while reader.position < reader.bytes.count, (0x30...0x39).contains(reader.bytes[reader.position]) { reader.position += 1 }
                return reader.position - s
            }
            if bytes[position] == UInt8(ascii: "-") { position += 1 }
            let intStart = position
            let n = digits(&self)
            guard n > 0 else { throw error("invalid number") }
            guard n == 1 || bytes[intStart] != UInt8(ascii: "0") else { throw error("invalid number (leading zero)") }
            if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
                position += 1
                guard digits(&self) > 0 else { throw error("invalid number") }
            }
            if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
                position += 1
                if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
                guard digits(&self) > 0 else { throw error("invalid number") }
            }
            return String(decoding: bytes[start..<position], as: UTF8.self)
        }
    }
}

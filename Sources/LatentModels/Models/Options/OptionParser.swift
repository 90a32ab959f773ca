import LatentTensor

/// Reads command-line words ("--latent 2 --hidden=512,256 --pcd") against a
/// list of `OptionSpec`s: every word must name an option of the list, each
/// option is given once, and an option that does nothing with the other
/// settings is refused. Messages name the owner ("train vae") and its options.
///
/// ```swift
/// let parser = OptionParser(specs: VAEModel.settingSpecs, owner: "train vae")
/// var settings = VAEModel.defaultSettings
/// let typed = try parser.parse(["--latent", "2", "--beta=4"], into: &settings)   // ["latent", "beta"]
/// ```
public struct OptionParser<Options> {
    public let specs: [OptionSpec<Options>]
    /// The command the options belong to, for messages ("train vae").
    public let owner: String

    public init(specs: [OptionSpec<Options>], owner: String) {
        self.specs = specs
        self.owner = owner
    }

    public func spec(_ name: String) -> OptionSpec<Options>? { specs.first { $0.name == name } }

    /// "--a, --b, …": every option of the list.
    public var flagList: String { specs.map(\.flag).joined(separator: ", ") }

    func unknown(_ word: String) -> LatentError {
        .invalidArgument("`\(owner)` has no option \(word); its options are \(flagList) (see `latent \(owner) --help`)")
    }

    /// Splits `words` into (option name, value text) pairs in order. A switch
    /// given alone gets the text "true".
    public func pairs(_ words: [String]) throws -> [(name: String, text: String)] {
        var result: [(String, String)] = []
        var i = 0
        while i < words.count {
            let word = words[i]
            guard word.hasPrefix("--"), word.count > 2 else {
                throw LatentError.invalidArgument("`\(owner)`: unexpected '\(word)' (options are written --name value)")
            }
            let body = word.dropFirst(2)
            let parts = body.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0])
            guard let spec = spec(name) else { throw unknown("--" + name) }
            if parts.count == 2 {
                result.append((name, String(parts[1])))
                i += 1
            } else if spec.valueName == nil {
                result.append((name, "true"))
                i += 1
            } else {
                guard i + 1 < words.count, !(words[i + 1].hasPrefix("--") && words[i + 1].count > 2) else {
                    throw LatentError.invalidArgument("`\(owner)`: \(spec.flag) needs a value (\(spec.valueName!))")
                }
                result.append((name, words[i + 1]))
                i += 2
            }
        }
        return result
    }

    /// Applies `words` to `options`; returns the names given, in order.
    @discardableResult
    public func parse(_ words: [String], into options: inout Options) throws -> [String] {
        let given = try pairs(words)
        var seen: Set<String> = []
        for (name, text) in given {
            guard seen.insert(name).inserted else { throw LatentError.invalidArgument("`\(owner)`: --\(name) is given twice") }
            try spec(name)!.set(&options, text)
        }
        for name in given.map(\.name) {
            if let why = spec(name)!.unmetCondition(in: options) {
                throw LatentError.invalidArgument("`\(owner)`: --\(name) does nothing without \(why)")
            }
        }
        return given.map(\.name)
    }

    /// Every value set in `options` checked again as if typed (a config.json
    /// edited by hand, a library caller's typo), and no value set that does nothing.
    public func check(_ options: Options) throws {
        for spec in specs {
            guard let text = spec.value(in: options) else { continue }
            var copy = options
            try spec.set(&copy, text)
            if spec.valueName != nil || text == "true", let why = spec.unmetCondition(in: options) {
                throw LatentError.invalidArgument("`\(owner)`: \(spec.flag) \(text) does nothing without \(why)")
            }
        }
    }

    /// The options in `changed` whose value differs from `original`: (name, old, new).
    public func differences(from original: Options, to changed: Options) -> [(name: String, old: String, new: String)] {
        specs.compactMap { spec in
            let (old, new) = (spec.value(in: original), spec.value(in: changed))
            return old == new ? nil : (spec.name, old ?? "default", new ?? "default")
        }
    }

    /// Help lines, "  --name <value>   help (default x)", wrapped to `width`
    /// columns with the help text aligned (a long head gets a line of its own).
    public func helpText(defaults: Options, width: Int = 78) -> String {
        let heads = specs.map { spec in "  " + spec.flag + (spec.valueName.map { " <\($0)>" } ?? "") }
        let column = 26
        return zip(specs, heads).map { spec, head in
            var help = spec.help
            if spec.valueName != nil, let value = spec.value(in: defaults) { help += " (default: \(value))" }
            var lines: [String] = []
            var line = ""
            for word in help.split(separator: " ") {
                if !line.isEmpty && line.count + 1 + word.count > width - column { lines.append(line); line = "" }
                line += (line.isEmpty ? "" : " ") + word
            }
            lines.append(line)
            let indent = String(repeating: " ", count: column)
            let first = head.count < column - 1 ? head + String(repeating: " ", count: column - head.count) + lines[0]
                                                : head + "\n" + indent + lines[0]
            return ([first] + lines.dropFirst().map { indent + $0 }).joined(separator: "\n")
        }.joined(separator: "\n")
    }
}

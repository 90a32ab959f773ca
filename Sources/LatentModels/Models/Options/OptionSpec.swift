import LatentTensor

/// One option a model family (or the training loop) takes: its flag, what it
/// means, and how its text becomes a checked value. A family lists its options
/// once (`TrainableModel.optionSpecs`); the command line, config.json checks,
/// `--resume --override` and sweeps all read that one list, so an option a
/// family does not take cannot be given to it.
///
/// ```swift
/// struct Toy: Codable, Sendable { var latent = 20; var beta: Float = 1 }
/// let specs: [OptionSpec<Toy>] = [
///     .count("latent", \.latent, "Latent dimensions."),
///     .number("beta", \.beta, "Weight of the KL term.", .nonNegative),
/// ]
/// var toy = Toy()
/// try specs[1].set(&toy, "4")          // toy.beta == 4
/// try specs[0].set(&toy, "0")          // throws: --latent must be at least 1, got 0
/// ```
public struct OptionSpec<Options> {
    /// The flag without its dashes ("gaussian-std").
    public let name: String
    /// What the value looks like in help ("n", "x", "list", "bernoulli|gaussian"); nil for a flag that takes no value.
    public let valueName: String?
    public let help: String
    /// May change when a run is resumed (with `--override`): it changes neither the model nor the data.
    public let resumable: Bool
    /// Reads the current value as the text that would set it (nil: not set).
    let read: (Options) -> String?
    /// Parses `text`, checks it and stores it.
    package let write: (inout Options, String) throws -> Void
    /// Why the option does nothing with the other settings of `Options` ("--likelihood gaussian"), or nil when it applies.
    let condition: ((Options) -> String?)?

    public var flag: String { "--" + name }

    /// Sets the option from its text, checking the value.
    public func set(_ options: inout Options, _ text: String) throws { try write(&options, text) }

    /// The value as text, or nil when unset.
    public func value(in options: Options) -> String? { read(options) }

    /// The settings the option needs in order to do anything, when `options` lacks them.
    public func unmetCondition(in options: Options) -> String? { condition?(options) }

    public init(name: String, valueName: String?, help: String, resumable: Bool = false,
                read: @escaping (Options) -> String?, write: @escaping (inout Options, String) throws -> Void,
                condition: ((Options) -> String?)? = nil) {
        self.name = name
        self.valueName = valueName
        self.help = help
        self.resumable = resumable
        self.read = read
        self.write = write
        self.condition = condition
    }

    /// The same option reached through `path` of a larger options type.
    public func lifted<Outer>(_ path: WritableKeyPath<Outer, Options>) -> OptionSpec<Outer> {
        let (read, write, condition) = (self.read, self.write, self.condition)
        return OptionSpec<Outer>(name: name, valueName: valueName, help: help, resumable: resumable,
                                 read: { read($0[keyPath: path]) }, write: { try write(&$0[keyPath: path], $1) },
                                 condition: condition.map { c in { c($0[keyPath: path]) } })
    }

    /// The same option, doing something only when `requirement` returns nil.
    public func only(when requirement: @escaping (Options) -> String?) -> OptionSpec {
        let previous = condition
        return OptionSpec(name: name, valueName: valueName, help: help, resumable: resumable, read: read, write: write,
                          condition: { previous?($0) ?? requirement($0) })
    }

    /// The same option, allowed to change on `--resume --override`.
    public func resumable(_ allowed: Bool = true) -> OptionSpec {
        OptionSpec(name: name, valueName: valueName, help: help, resumable: allowed, read: read, write: write, condition: condition)
    }
}

/// What a number option accepts.
public enum NumberRange: Sendable {
    /// A finite number above 0.
    case positive
    /// A finite number of at least 0.
    case nonNegative
    /// A finite number in [lower, upper).
    case from(Float, below: Float)
    /// 0, or a finite number above `minimum` (0 means "off").
    case offOrAbove(Float)

    func check(_ value: Float, _ flag: String) throws {
        let ok: Bool, expected: String
        switch self {
        case .positive: (ok, expected) = (value.isFinite && value > 0, "a finite number above 0")
        case .nonNegative: (ok, expected) = (value.isFinite && value >= 0, "a finite number of at least 0")
        case .from(let lower, let upper): (ok, expected) = (value.isFinite && value >= lower && value < upper, "at least \(lower) and below \(upper)")
        case .offOrAbove(let minimum): (ok, expected) = (value.isFinite && (value == 0 || value > minimum), "0 (off) or a number above \(minimum)")
        }
        guard ok else { throw LatentError.invalidArgument("\(flag) must be \(expected), got \(value)") }
    }
}

extension OptionSpec {
    /// Counts and sizes above this are refused: they could only exhaust memory
    /// or overflow the products that size tensors.
    public static var largestCount: Int { 10_000_000 }

    static func parseCount(_ text: String, _ flag: String, min: Int, max: Int) throws -> Int {
        guard let v = Int(text.trimmingCharacters(in: .whitespaces)) else {
            throw LatentError.invalidArgument("\(flag) wants a whole number, got '\(text)'")
        }
        guard v >= min, v <= max else { throw LatentError.invalidArgument("\(flag) must be from \(min) to \(max), got \(v)") }
        return v
    }

    static func parseNumber(_ text: String, _ flag: String, _ range: NumberRange) throws -> Float {
        guard let v = Float(text.trimmingCharacters(in: .whitespaces)) else {
            throw LatentError.invalidArgument("\(flag) wants a number, got '\(text)'")
        }
        try range.check(v, flag)
        return v
    }

    /// A whole number in `min…max`.
    public static func count(_ name: String, _ path: WritableKeyPath<Options, Int>, _ help: String,
                             min: Int = 1, max: Int = largestCount) -> OptionSpec {
        OptionSpec(name: name, valueName: "n", help: help, read: { String($0[keyPath: path]) },
                   write: { $0[keyPath: path] = try parseCount($1, "--" + name, min: min, max: max) })
    }

    /// A whole number in `min…max`, or unset (the family's default applies).
    public static func count(_ name: String, _ path: WritableKeyPath<Options, Int?>, _ help: String,
                             min: Int = 1, max: Int = largestCount) -> OptionSpec {
        OptionSpec(name: name, valueName: "n", help: help, read: { $0[keyPath: path].map(String.init) },
                   write: { $0[keyPath: path] = try parseCount($1, "--" + name, min: min, max: max) })
    }

    /// Positive whole numbers separated by commas ("512,256").
    public static func counts(_ name: String, _ path: WritableKeyPath<Options, [Int]>, _ help: String,
                              minCount: Int = 1) -> OptionSpec {
        OptionSpec(name: name, valueName: "list", help: help,
                   read: { $0[keyPath: path].map(String.init).joined(separator: ",") },
                   write: { options, text in
                       let values = try text.split(separator: ",", omittingEmptySubsequences: false)
                           .map { try parseCount(String($0), "--" + name, min: 1, max: largestCount) }
                       guard values.count >= minCount else {
                           throw LatentError.invalidArgument("--\(name) wants at least \(minCount) sizes separated by commas, got '\(text)'")
                       }
                       options[keyPath: path] = values
                   })
    }

    /// A number checked against `range`.
    public static func number(_ name: String, _ path: WritableKeyPath<Options, Float>, _ help: String,
                              _ range: NumberRange) -> OptionSpec {
        OptionSpec(name: name, valueName: "x", help: help, read: { "\($0[keyPath: path])" },
                   write: { $0[keyPath: path] = try parseNumber($1, "--" + name, range) })
    }

    /// A number checked against `range`, or unset.
    public static func number(_ name: String, _ path: WritableKeyPath<Options, Float?>, _ help: String,
                              _ range: NumberRange) -> OptionSpec {
        OptionSpec(name: name, valueName: "x", help: help, read: { $0[keyPath: path].map { "\($0)" } },
                   write: { $0[keyPath: path] = try parseNumber($1, "--" + name, range) })
    }

    /// A seed: any whole number from 0 to 2⁶⁴ − 1.
    public static func seed(_ name: String, _ path: WritableKeyPath<Options, UInt64>, _ help: String) -> OptionSpec {
        OptionSpec(name: name, valueName: "n", help: help, read: { String($0[keyPath: path]) },
                   write: { options, text in
                       guard let v = UInt64(text.trimmingCharacters(in: .whitespaces)) else {
                           throw LatentError.invalidArgument("--\(name) wants a whole number from 0 to \(UInt64.max), got '\(text)'")
                       }
                       options[keyPath: path] = v
                   })
    }

    /// One of the cases of `Choice`, by its raw value.
    public static func choice<Choice: RawRepresentable & CaseIterable>(
        _ name: String, _ path: WritableKeyPath<Options, Choice>, _ help: String
    ) -> OptionSpec where Choice.RawValue == String {
        let names = Choice.allCases.map(\.rawValue)
        return OptionSpec(name: name, valueName: names.joined(separator: "|"), help: help, read: { $0[keyPath: path].rawValue },
                          write: { options, text in
                              guard let v = Choice(rawValue: text.trimmingCharacters(in: .whitespaces)) else {
                                  throw LatentError.invalidArgument("--\(name) must be one of \(names.joined(separator: ", ")), got '\(text)'")
                              }
                              options[keyPath: path] = v
                          })
    }

    /// A switch: given alone it turns on; "--name=false" turns it off.
    public static func flag(_ name: String, _ path: WritableKeyPath<Options, Bool>, _ help: String) -> OptionSpec {
        OptionSpec(name: name, valueName: nil, help: help, read: { $0[keyPath: path] ? "true" : "false" },
                   write: { options, text in
                       switch text.trimmingCharacters(in: .whitespaces).lowercased() {
                       case "true", "": options[keyPath: path] = true
                       case "false": options[keyPath: path] = false
                       default: throw LatentError.invalidArgument("--\(name) takes no value (or =true / =false), got '\(text)'")
                       }
                   })
    }

    /// Free text checked by `parse` (which throws a one-line error for a bad value), or unset.
    public static func text(_ name: String, _ path: WritableKeyPath<Options, String?>, _ help: String, valueName: String,
                            check: @escaping (String) throws -> Void) -> OptionSpec {
        OptionSpec(name: name, valueName: valueName, help: help, read: { $0[keyPath: path] },
                   write: { options, text in
                       try check(text)
                       options[keyPath: path] = text
                   })
    }
}

import ArgumentParser

/// Checks of numeric options for `validate()`: each failure is a usage error
/// naming the flag, the value given and what is expected, e.g.
/// "--n must be at least 1, got 0".
///
/// ```swift
/// func validate() throws {
///     try Check.atLeast(n, 1, "--n")
///     try Check.positive(lr, "--lr")
/// }
/// ```
enum Check {
    /// Sizes and counts above this are refused: they could only exhaust memory
    /// or overflow the products that size tensors.
    static let largestCount = 10_000_000

    /// `value ≥ minimum` (and at most `largestCount`, or `maximum` when given).
    static func atLeast(_ value: Int?, _ minimum: Int, _ flag: String, maximum: Int = largestCount) throws {
        guard let value else { return }
        guard value >= minimum else { throw ValidationError("\(flag) must be at least \(minimum), got \(value)") }
        guard value <= maximum else { throw ValidationError("\(flag) must be at most \(maximum), got \(value)") }
    }

    /// A finite number above 0.
    static func positive<F: BinaryFloatingPoint>(_ value: F?, _ flag: String) throws {
        guard let value else { return }
        guard value.isFinite, value > 0 else { throw ValidationError("\(flag) must be a finite number above 0, got \(value)") }
    }

    /// A finite number of at least 0.
    static func nonNegative<F: BinaryFloatingPoint>(_ value: F?, _ flag: String) throws {
        guard let value else { return }
        guard value.isFinite, value >= 0 else { throw ValidationError("\(flag) must be a finite number of at least 0, got \(value)") }
    }

    /// A number in [lower, upper) — a probability that must stay below `upper`.
    static func inRange<F: BinaryFloatingPoint>(_ value: F?, _ lower: F, below upper: F, _ flag: String) throws {
        guard let value else { return }
        guard value.isFinite, value >= lower, value < upper else {
            throw ValidationError("\(flag) must be at least \(lower) and below \(upper), got \(value)")
        }
    }

    /// "1,2,3": positive integers (at most `largestCount`) separated by commas.
    static func integers(_ text: String?, _ flag: String) throws {
        guard let text else { return }
        for value in try integerList(text, name: flag) where value > largestCount {
            throw ValidationError("\(flag) values must be at most \(largestCount), got \(value)")
        }
    }

    /// "1e-3,1e-4": finite numbers above 0 separated by commas.
    static func positiveNumbers(_ text: String?, _ flag: String) throws {
        guard let text else { return }
        for value in try floatList(text, name: flag) where !(value > 0) {
            throw ValidationError("\(flag) wants numbers above 0, got \(value) in '\(text)'")
        }
    }
}

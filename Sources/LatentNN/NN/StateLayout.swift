import LatentTensor

/// The names and shapes a state dict must have. Loaders check a whole
/// checkpoint against it before assigning anything, so one that does not fit
/// is refused with the tensor, the shape found and the shape expected, and
/// the model is left as it was.
///
/// ```swift
/// var layout = rbm.stateLayout()                               // parameters and buffers, required
/// layout.allow("chains", shape: [StateLayout.anySize, rbm.hiddenCount])
/// try layout.check(state)                                      // throws before anything changes
/// ```
public struct StateLayout: Sendable {
    /// A dimension of any size of at least 1 (such as a number of chains).
    public static let anySize = -1

    /// Expected shape of every known name.
    public private(set) var shapes: [String: [Int]] = [:]
    /// Names that may be absent.
    public private(set) var optionalNames: Set<String> = []
    /// Sets of names that must be present together or not at all.
    public private(set) var groups: [[String]] = []

    public init() {}

    /// `name` must be present with `shape`.
    public mutating func require(_ name: String, shape: [Int]) {
        shapes[name] = shape
        optionalNames.remove(name)
    }

    /// `name` may be absent; if present it must have `shape`.
    public mutating func allow(_ name: String, shape: [Int]) {
        shapes[name] = shape
        optionalNames.insert(name)
    }

    /// Optional `names` that only make sense together (a momentum's three parts).
    public mutating func together(_ names: [String]) { groups.append(names) }

    /// Adds `other`'s names with `prefix` ("generator.").
    public mutating func include(_ other: StateLayout, prefix: String) {
        for (name, shape) in other.shapes {
            if other.optionalNames.contains(name) { allow(prefix + name, shape: shape) } else { require(prefix + name, shape: shape) }
        }
        groups += other.groups.map { $0.map { prefix + $0 } }
    }

    /// Throws unless `state` has every required name, only known names, and the expected shapes.
    /// Errors name the tensors with `prefix` in front, as the checkpoint spells them.
    public func check(_ state: [String: Tensor], naming prefix: String = "") throws {
        try check(shapes: state.mapValues(\.shape), naming: prefix)
    }

    /// The same check on shapes alone (from `Safetensors.header(from:)`, before any value is read).
    public func check(shapes found: [String: [Int]], naming prefix: String = "") throws {
        var wrong: [String] = []
        for name in found.keys.sorted() {
            guard let expected = shapes[name], let shape = found[name] else { continue }
            if !Self.fits(shape, expected) {
                wrong.append("tensor \(prefix)\(name): checkpoint has shape \(shape), model expects \(Self.format(expected))")
            }
        }
        if !wrong.isEmpty {
            let more = wrong.count > 3 ? " (and \(wrong.count - 3) more)" : ""
            throw LatentError.shapeMismatch(wrong.prefix(3).joined(separator: "; ") + more)
        }
        let missing = shapes.keys.filter { !optionalNames.contains($0) && found[$0] == nil }.sorted()
        if !missing.isEmpty { throw LatentError.missingTensors(missing.map { prefix + $0 }) }
        for group in groups where group.contains(where: { found[$0] != nil }) {
            let absent = group.filter { found[$0] == nil }
            if !absent.isEmpty { throw LatentError.missingTensors(absent.map { prefix + $0 }) }
        }
        let unknown = found.keys.filter { shapes[$0] == nil }.sorted().map { prefix + $0 }
        if !unknown.isEmpty {
            let listed = unknown.prefix(5).joined(separator: ", ") + (unknown.count > 5 ? " (and \(unknown.count - 5) more)" : "")
            throw LatentError.shapeMismatch("checkpoint has tensors this model does not have: \(listed)")
        }
    }

    static func fits(_ shape: [Int], _ expected: [Int]) -> Bool {
        shape.count == expected.count && zip(shape, expected).allSatisfy { $1 == anySize ? $0 >= 1 : $0 == $1 }
    }

    /// "[N, 100]" for a shape with `anySize` dimensions.
    static func format(_ shape: [Int]) -> String {
        "[" + shape.map { $0 == anySize ? "N" : String($0) }.joined(separator: ", ") + "]"
    }
}

/// Value checks for state that must be more than the right shape.
package enum StateValues {
    /// Throws unless every value of `tensor` is finite and inside `range`.
    package static func require(_ tensor: Tensor, named name: String, in range: ClosedRange<Float>, meaning: String) throws {
        let values = tensor.scalars
        if let bad = values.first(where: { !$0.isFinite || !range.contains($0) }) {
            throw LatentError.invalidArgument("checkpoint tensor \(name) holds \(bad), expected \(meaning)")
        }
    }

    /// A step count saved as a Float: a finite, non-negative whole number.
    package static func stepCount(_ tensor: Tensor?, named name: String) throws -> Int {
        guard let tensor else { return 0 }
        guard tensor.count == 1 else {
            throw LatentError.shapeMismatch("tensor \(name): checkpoint has shape \(tensor.shape), model expects []")
        }
        let v = tensor.item
        guard let n = Int(exactly: v), n >= 0 else {
            throw LatentError.invalidArgument("checkpoint tensor \(name) holds \(v), expected a step count (a whole number ≥ 0)")
        }
        return n
    }
}

import LatentTensor

/// The random generators that layers own (Dropout draws its masks from its
/// own), found by name like parameters ("layers.2"), so a checkpoint can
/// carry them and a resumed run draws the very same masks.
///
/// ```swift
/// let states = discriminator.randomStates()          // ["layers.2": …]
/// try discriminator.restoreRandomStates(states)
/// ```
extension Module {
    /// Every Dropout layer's generator, by the layer's path.
    public func randomStates() -> [String: RandomGenerator] {
        var result: [String: RandomGenerator] = [:]
        if let dropout = self as? Dropout { result[""] = dropout.rng }
        for (name, child) in children() {
            for (path, state) in child.randomStates() { result[path.isEmpty ? name : name + "." + path] = state }
        }
        return result
    }

    /// Sets the generators saved by `randomStates()`; every layer that owns one must be named.
    public func restoreRandomStates(_ states: [String: RandomGenerator]) throws {
        let mine = randomStates()
        let missing = mine.keys.filter { states[$0] == nil }.sorted()
        guard missing.isEmpty else {
            throw LatentError.missingTensors(missing.map { "random state of \($0)" })
        }
        set(states)
    }

    private func set(_ states: [String: RandomGenerator], prefix: String = "") {
        if let dropout = self as? Dropout, let s = states[prefix] { dropout.rng = s }
        for (name, child) in children() { child.set(states, prefix: prefix.isEmpty ? name : prefix + "." + name) }
    }
}

import LatentNN

/// The options of the `classifier` family: its architecture is fixed (the
/// feature space of FID must not change between runs); only the optimizer is chosen.
///
/// ```swift
/// var o = ClassifierOptions()
/// o.optimizer.learningRate = 3e-4
/// ```
public struct ClassifierOptions: FamilyOptions, Equatable {
    public var optimizer = OptimizerOptions()

    public init() {}

    public static var specs: [OptionSpec<ClassifierOptions>] { OptimizerOptions.specs.map { $0.lifted(\.optimizer) } }
}

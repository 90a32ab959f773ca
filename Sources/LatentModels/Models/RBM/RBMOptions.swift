/// The options of the `rbm` family: a Bernoulli RBM trained by CD-k or PCD-k
/// with its own update rule (no optimizer object).
///
/// ```swift
/// var o = RBMOptions()
/// o.hidden = 500
/// o.persistent = true
/// o.learningRate = 0.01
/// ```
public struct RBMOptions: FamilyOptions, Equatable {
    /// How the learning rate moves over the epochs.
    public enum Schedule: String, Codable, Sendable, CaseIterable {
        case constant
        /// Decays linearly to 0 at the last epoch.
        case linear
    }

    /// Hidden units.
    public var hidden = 100
    public var learningRate: Float = 1e-3
    /// Gibbs steps k of the negative phase.
    public var gibbsSteps = 1
    /// Persistent chains (PCD) instead of chains restarted at the data (CD).
    public var persistent = false
    /// Momentum of the parameter updates.
    public var momentum: Float = 0
    /// L2 weight decay.
    public var weightDecay: Float = 0
    public var schedule: Schedule = .constant

    public init() {}

    public static var specs: [OptionSpec<RBMOptions>] {
        [.count("hidden", \.hidden, "Hidden units."),
         OptionSpec.number("lr", \.learningRate, "Learning rate of the CD updates.", .positive).resumable(),
         .count("cd-k", \.gibbsSteps, "Gibbs steps k of the negative phase (CD-k, or PCD-k with --pcd)."),
         .flag("pcd", \.persistent, "Persistent contrastive divergence (chains kept across updates)."),
         .number("momentum", \.momentum, "Momentum of the updates.", .from(0, below: 1)),
         .number("weight-decay", \.weightDecay, "L2 weight decay.", .nonNegative),
         .choice("schedule", \.schedule, "Learning-rate schedule: constant, or linear (to 0 at the last epoch).")]
    }
}

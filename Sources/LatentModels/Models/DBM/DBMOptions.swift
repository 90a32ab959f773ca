/// The options of the `dbm` family: a Deep Boltzmann Machine pretrained
/// greedily, then trained jointly with persistent chains.
///
/// ```swift
/// var o = DBMOptions()
/// o.hidden = [500, 1000]
/// o.pretrainEpochs = 10
/// ```
public struct DBMOptions: FamilyOptions, Equatable {
    /// Hidden layer sizes, two or more.
    public var hidden = [500, 1000]
    public var learningRate: Float = 1e-3
    /// Gibbs sweeps of the persistent chains per update.
    public var gibbsSteps = 1
    /// Epochs of greedy pretraining per layer.
    public var pretrainEpochs = 5

    public init() {}

    public static var specs: [OptionSpec<DBMOptions>] {
        [.counts("hidden", \.hidden, "Hidden layer sizes, two or more, comma-separated (e.g. 500,1000).", minCount: 2),
         OptionSpec.number("lr", \.learningRate, "Learning rate of the joint training.", .positive).resumable(),
         .count("cd-k", \.gibbsSteps, "Gibbs sweeps of the persistent chains per update."),
         .count("pretrain-epochs", \.pretrainEpochs, "Epochs of greedy pretraining per layer (0: none).", min: 0)]
    }
}

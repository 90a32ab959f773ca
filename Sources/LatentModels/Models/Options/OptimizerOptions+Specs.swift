import LatentNN

/// How a family that trains by gradients lists its optimizer on the command line.
extension OptimizerOptions {
    /// `--optimizer`, `--lr`, `--momentum` (SGD only) and `--clip-norm`.
    public static var specs: [OptionSpec<OptimizerOptions>] {
        [.choice("optimizer", \.kind, "Optimizer: adam, adamax, or sgd (with --momentum)."),
         OptionSpec.number("lr", \.learningRate, "Learning rate.", .positive).resumable(),
         OptionSpec.number("momentum", \.momentum, "SGD's momentum (default \(defaultMomentum)).", .from(0, below: 1))
            .only { $0.kind == .sgd ? nil : "--optimizer sgd" },
         OptionSpec.number("clip-norm", \.clipNorm, "Clip the global gradient norm to this value (default: no clipping).", .positive).resumable()]
    }
}

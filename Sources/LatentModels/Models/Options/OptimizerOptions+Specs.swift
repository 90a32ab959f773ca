import LatentNN
import LatentTensor
import Foundation

/// How a family that trains by gradients lists its optimizer on the command line.
extension OptimizerOptions {
    /// `--optimizer`, `--lr`, `--momentum` (SGD only), `--clip-norm` and `--betas` (Adam, Adamax).
    public static var specs: [OptionSpec<OptimizerOptions>] {
        [.choice("optimizer", \.kind, "Optimizer: adam, adamax, or sgd (with --momentum)."),
         OptionSpec.number("lr", \.learningRate, "Learning rate.", .positive).resumable(),
         OptionSpec.number("momentum", \.momentum, "SGD's momentum (default \(defaultMomentum)).", .from(0, below: 1))
            .only { $0.kind == .sgd ? nil : "--optimizer sgd" },
         OptionSpec.number("clip-norm", \.clipNorm, "Clip the global gradient norm to this value (default: no clipping).", .positive).resumable(),
         betasSpec.only { $0.kind == .sgd ? "--optimizer adam or adamax" : nil }]
    }

    /// `--betas 0.5,0.999`: two numbers in [0, 1).
    static var betasSpec: OptionSpec<OptimizerOptions> {
        OptionSpec(name: "betas", valueName: "list", help: "Adam's and Adamax's β₁,β₂ (default 0.9,0.999).",
                   read: { $0.betas.map { $0.map { "\($0)" }.joined(separator: ",") } },
                   write: { options, text in
                       let values = text.split(separator: ",").map { Float($0.trimmingCharacters(in: .whitespaces)) }
                       guard values.count == 2, let b1 = values[0], let b2 = values[1], (0..<1).contains(b1), (0..<1).contains(b2) else {
                           throw LatentError.invalidArgument("--betas wants two numbers in [0, 1) separated by a comma, e.g. 0.5,0.999; got '\(text)'")
                       }
                       options.betas = [b1, b2]
                   })
    }
}

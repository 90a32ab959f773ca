import ArgumentParser
import Foundation
import Latent

struct ZooCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zoo",
        abstract: "Train (or pick) each generative family on the same data with matched budgets and score them alike: one table.",
        discussion: """
        Each family trains into runs/<name>-<family> and is scored as `latent evaluate` scores it: FID, KID \
        (with the real-vs-real floor) and precision/recall of --samples images in one feature network's space \
        (--features, else the newest classifier or autoencoder on the data, else a classifier trained first), the \
        FID of the same network before training (rebuilt from the run's seed: what training bought), the \
        test NLL where the family has one (importance-sampled for vae, iwae and avb; the bound in bits/dim for \
        ddpm; "—" with the reason for gan, dcgan and aae). "iwae" is a vae trained with --iw-samples K (default 5).

        The budget is matched by training images seen (--epochs E, the default: every family makes E passes over \
        the same training images; repeatable whatever else the machine runs) or by CPU time (--budget M: M \
        CPU-minutes each, stopping mid-epoch where the time runs out). Training cost is the process's CPU-seconds \
        (getrusage), not wall time, with images per CPU-second; FID at --points points along training gives \
        "CPU-minutes to reach FID ≤ X" (--fid-target, default: the worst final FID of the zoo).
        Scores use at most --test-limit test images (in a zoo 1,000 unless given). Each family trains on its own \
        pixel range, so --scale is refused. The CPU-seconds cover the training loop as `latent train` runs it \
        (validation and the sample grid drawn when a segment ends included), not the zoo's own evaluations.
        Writes runs/<name>/zoo.md, zoo.json and samples.png (a labelled row of samples per family).

        Examples:
          latent zoo --data ../shared/data/mnist --budget 5
          latent zoo --data fashion-mnist --families vae,iwae,gan --epochs 10 --limit 10000
          latent zoo --data fashion-mnist --reuse            the table again from the finished runs
          latent zoo --data mnist --epochs 1 --hidden 64 --channels 8      options of `latent train` go to every family that takes them
        """)

    @Option(help: "Families, comma-separated: ddpm, dcgan, gan, vae, iwae, aae, avb (or any family that samples).")
    var families = ZooOptions.defaultFamilies.joined(separator: ",")
    @Option(help: "Budget by training images seen: this many epochs for every family (the default, 5, unless --budget).") var epochs: Int?
    @Option(help: "Budget by CPU time: this many CPU-minutes of training for every family instead of --epochs.") var budget: Double?
    @Option(help: "With --budget: the most epochs a family may take.") var maxEpochs = 1_000
    @Option(help: "iwae: K of its K-sample bound (--iw-samples).") var iwSamples = 5
    @Option(help: "Name of the zoo: its folder and the prefix of its runs (default: zoo-<data>).") var name: String?
    @Flag(help: "Use finished runs instead of training: <name>-<family>, else the newest finished run of the family on the same data.") var reuse = false
    @Option(help: "Evaluations along training (FID at each); the last is at the end.") var points = 3
    @Option(help: "Generated images for FID, KID and precision/recall.") var samples = 2_000
    @Option(help: "Importance samples per test image for the NLL of vae, iwae and avb (0: none; ddpm's bound uses its own 50 timesteps).") var nllSamples = 100
    @Option(help: "CPU-minutes to reach FID ≤ this (default: the worst final FID of the zoo).") var fidTarget: Double?
    @Option(help: "The feature network's run (a classifier, or ae/conv-ae for data without labels).") var features: String?
    @Option(help: "Epochs of a feature network the zoo trains itself.") var featureEpochs = 5

    @OptionGroup(title: "Data") var data: DataArguments
    @OptionGroup(title: "Session") var session: SessionArguments

    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("Options of `latent train <family>`, given to every family that takes them.", valueName: "hyperparameters"))
    var options: [String] = []

    func validate() throws {
        try Check.atLeast(epochs, 1, "--epochs", maximum: 100_000)
        try Check.positive(budget, "--budget")
        if epochs != nil && budget != nil { throw ValidationError("give --epochs (images seen) or --budget (CPU-minutes), not both") }
        try Check.atLeast(maxEpochs, 1, "--max-epochs", maximum: 1_000_000)
        try Check.atLeast(iwSamples, 2, "--iw-samples", maximum: 5_000)
        try Check.atLeast(points, 1, "--points", maximum: 100)
        try Check.atLeast(samples, 10, "--samples", maximum: 1_000_000)
        try Check.atLeast(nllSamples, 0, "--nll-samples", maximum: 100_000)
        try Check.positive(fidTarget, "--fid-target")
        try Check.atLeast(featureEpochs, 1, "--feature-epochs", maximum: 100_000)
        if data.scale != nil { throw ValidationError("--scale: in a zoo each family trains on its own pixel range (GANs and ddpm [-1,1], the others [0,1])") }
    }

    func run() throws {
        try session.prepare()
        var zoo = ZooOptions(data: try data.options(seed: 0))
        zoo.families = families.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        zoo.budget = budget.map { .cpuMinutes($0) } ?? .epochs(epochs ?? 5)
        zoo.maxEpochs = maxEpochs
        zoo.iwSamples = iwSamples
        zoo.name = name
        zoo.reuse = reuse
        zoo.words = options
        zoo.points = points
        zoo.samples = samples
        zoo.testLimit = data.testLimit ?? 1_000
        zoo.nllSamples = nllSamples
        zoo.fidTarget = fidTarget
        zoo.features = features
        zoo.featureEpochs = featureEpochs
        // With --json standard output carries the one JSON object; progress lines go to standard error.
        let log: (String) -> Void = session.json ? { FileHandle.standardError.write(Data(($0 + "\n").utf8)) } : { print($0) }
        log("budget: \(zoo.budget.description)")
        let result: ZooResult
        do {
            result = try Zoo.run(zoo, root: session.location.runs, log: log)
        } catch let stop as TrainingInterrupted {
            FileHandle.standardError.write(Data((stop.description + "\n").utf8))
            throw ExitCode(stop.exitCode)
        }
        let folder = session.location.runs + "/" + result.name
        if session.json { return print(try String(contentsOfFile: folder + "/zoo.json", encoding: .utf8)) }
        print(result.table)
        for file in ["zoo.md", "zoo.json", "samples.png"] { print(folder + "/" + file) }
    }
}

import ArgumentParser
import Foundation
import Latent

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time Latent's workloads side by side with the PyTorch reference.",
        discussion: """
        Each workload runs in Latent and then, when a Python with torch is given, in the \
        reference script of the same workload, at each thread count; the ratio is Latent ÷ reference \
        (above 1 means Latent is faster).

        Example:
          latent bench vae-mlp --threads 1,2 --steps 200 --python /tmp/ref/bin/python
        """,
        subcommands: [GemmBench.self, VAEMLPBench.self, VAEConvBench.self, RBMBench.self, GANMLPBench.self, DCGANBench.self, AllBench.self])
}

/// Options every benchmark shares.
struct BenchOptions: ParsableArguments {
    @Option(help: "Comma-separated thread counts to measure.")
    var threads: String = "1,2"

    @Option(help: "Python with torch for the reference run (default: $LATENT_PYTHON; none: Latent only).")
    var python: String?

    @Option(help: "Folder of the reference scripts (default: $LATENT_REFERENCE or ../shared/benchmarks/reference).")
    var reference: String?

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    func validate() throws { _ = try threadCounts() }

    func threadCounts() throws -> [Int] {
        let values = try integerList(threads, name: "--threads")
        if let tooMany = values.first(where: { $0 > 1_024 }) {
            throw ValidationError("--threads values must be at most 1024, got \(tooMany)")
        }
        return values
    }

    func referenceRunner() -> ReferenceRunner? {
        let (runner, reason) = ReferenceRunner.locate(python: python, reference: reference)
        if runner == nil && !json { print("reference: skipped — \(reason)") }
        return runner
    }
}

func printJSON(_ object: Any) {
    if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted]) {
        print(String(decoding: data, as: UTF8.self))
    }
}

func ratioText(_ a: Double, _ b: Double?) -> String {
    guard let b, b > 0 else { return "—" }
    return String(format: "%.2f×", a / b)
}

struct GemmBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gemm",
        abstract: "W7: float32 matrix products (GFLOP/s) against numpy and torch.",
        discussion: "Example:\n  latent bench gemm --threads 1 --python /path/to/venv/bin/python")

    @OptionGroup var options: BenchOptions

    func run() throws {
        let counts = try options.threadCounts()
        let runner = options.referenceRunner()
        var reference: [String: Any] = [:]
        if let runner {
            reference = try runner.run("gemm.py", ["--threads", counts.map(String.init).joined(separator: ",")], threads: counts.max()!)
        }
        let refRows = (reference["results"] as? [[String: Any]]) ?? []
        var rows: [[String: Any]] = []
        if !options.json {
            print("W7 sgemm, GFLOP/s (median of 7 trials; best in brackets)")
            print("shape                     thr   Latent          numpy           torch           Latent/numpy")
        }
        for threads in counts {
            BLAS.threads = threads
            for s in GemmBenchmark.shapes {
                let r = GemmBenchmark.run(m: s.m, k: s.k, n: s.n)
                let ref = refRows.first { ($0["shape"] as? String) == r.shape }
                let numpy = (ref?["numpy_gflops_\(threads)t"] as? [String: Any])?["median"] as? Double
                let torch = (ref?["torch_gflops_\(threads)t"] as? [String: Any])?["median"] as? Double
                rows.append(["shape": r.shape, "threads": threads, "latent_median": r.gflops.median, "latent_best": r.gflops.best,
                             "numpy_median": numpy ?? NSNull(), "torch_median": torch ?? NSNull(),
                             "ratio_vs_numpy": numpy.map { r.gflops.median / $0 } ?? NSNull()])
                if !options.json {
                    func cell(_ v: Double?) -> String { v.map { String(format: "%7.1f", $0) } ?? "      —" }
                    print("\(r.shape.padding(toLength: 25, withPad: " ", startingAt: 0)) \(threads)   "
                          + "\(cell(r.gflops.median)) [\(cell(r.gflops.best))]  \(cell(numpy))         \(cell(torch))         \(ratioText(r.gflops.median, numpy))")
                }
            }
        }
        if options.json { printJSON(["workload": "W7", "rows": rows]) }
    }
}

/// The loop every training-throughput benchmark shares: at each thread count,
/// Latent's images/s, then the reference script's, then the ratio; a table or JSON.
struct ThroughputComparison {
    let options: BenchOptions
    let workload: String
    let title: String
    let script: String
    let arguments: [String]

    func run(ours: () throws -> Double) throws {
        let counts = try options.threadCounts()
        let runner = options.referenceRunner()
        var rows: [[String: Any]] = []
        if !options.json {
            print("\(workload) \(title)")
            print("threads   Latent img/s   PyTorch img/s   ratio")
        }
        for threads in counts {
            BLAS.threads = threads
            let mine = try ours()
            let theirs = try runner.map { try $0.run(script, arguments, threads: threads)["train_images_per_sec"] as? Double } ?? nil
            rows.append(["threads": threads, "latent_images_per_sec": mine, "pytorch_images_per_sec": theirs ?? NSNull(),
                         "ratio": theirs.map { mine / $0 } ?? NSNull()])
            if !options.json {
                let reference = theirs.map { String(format: "%.0f", $0) } ?? "—"
                print(String(format: "%7d   %12.0f   ", threads, mine)
                      + String(repeating: " ", count: Swift.max(0, 13 - reference.count)) + reference
                      + "   " + ratioText(mine, theirs))
            }
        }
        if options.json { printJSON(["workload": workload, "arguments": arguments, "rows": rows]) }
    }
}

/// W1 and W6 share everything but the body and the reference script.
struct VAEBenchRunner {
    let options: BenchOptions
    let body: VAEArchitecture.Body
    let steps: Int

    func run() throws {
        let train = try DatasetLocations.loadFashionMNIST(.train).flatImages
        let mlp = body == .mlp
        let comparison = ThroughputComparison(
            options: options, workload: mlp ? "W1" : "W6",
            title: "\(mlp ? "MLP" : "conv") VAE training, batch 128, Adam, Fashion-MNIST, \(steps == 0 ? "one epoch" : "\(steps) steps")",
            script: mlp ? "vae_mlp.py" : "conv_vae.py",
            arguments: ["--epochs", "1", "--steps", String(steps)] + (mlp ? ["--nll-k", "0"] : []))
        try comparison.run { try VAETrainingBenchmark.run(images: train, body: body, steps: steps).imagesPerSecond }
    }
}

struct VAEMLPBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vae-mlp",
        abstract: "W1: MLP VAE training steps on Fashion-MNIST (images/s) against PyTorch.",
        discussion: "Example:\n  latent bench vae-mlp --steps 200 --threads 1,2 --python /path/to/venv/bin/python")

    @OptionGroup var options: BenchOptions

    @Option(help: "Training steps per measurement (batch 128); 0 = one whole epoch.")
    var steps = 200

    func validate() throws { try Check.atLeast(steps, 0, "--steps") }

    func run() throws { try VAEBenchRunner(options: options, body: .mlp, steps: steps).run() }
}

struct VAEConvBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vae-conv",
        abstract: "W6: convolutional VAE training steps on Fashion-MNIST (images/s) against PyTorch.",
        discussion: "Example:\n  latent bench vae-conv --steps 50 --threads 1 --python /path/to/venv/bin/python")

    @OptionGroup var options: BenchOptions

    @Option(help: "Training steps per measurement (batch 128); 0 = one whole epoch.")
    var steps = 50

    func validate() throws { try Check.atLeast(steps, 0, "--steps") }

    func run() throws { try VAEBenchRunner(options: options, body: .conv, steps: steps).run() }
}

struct RBMBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rbm",
        abstract: "W2: scikit-learn's BernoulliRBM setting (100 hidden, batch 10, PCD-1) on Fashion-MNIST against scikit-learn.",
        discussion: "Example:\n  latent bench rbm --epochs 1 --threads 1 --python /path/to/venv/bin/python")

    @OptionGroup var options: BenchOptions

    @Option(help: "Epochs over the 60,000 training images.")
    var epochs = 1

    func validate() throws { try Check.atLeast(epochs, 1, "--epochs", maximum: 10_000) }

    func run() throws {
        let counts = try options.threadCounts()
        let runner = options.referenceRunner()
        let train = try DatasetLocations.loadFashionMNIST(.train).flatImages
        let test = try DatasetLocations.loadFashionMNIST(.test).flatImages
        var rows: [[String: Any]] = []
        if !options.json {
            print("W2 Bernoulli RBM, 100 hidden, lr 0.01, batch 10, PCD-1, Fashion-MNIST, \(epochs) epoch(s)")
            print("threads   Latent img/s   sklearn img/s   ratio   test pseudo-likelihood Latent / sklearn")
        }
        for threads in counts {
            BLAS.threads = threads
            let ours = RBMTrainingBenchmark.run(train: train, test: test, epochs: epochs)
            var theirs: Double?, theirPL: Double?
            if let runner {
                let r = try runner.run("rbm_sklearn.py", ["--epochs", String(epochs)], threads: threads)
                theirs = r["train_images_per_sec"] as? Double
                theirPL = (r["test_pseudo_likelihood_per_epoch"] as? [Double])?.last
            }
            rows.append(["threads": threads, "latent_images_per_sec": ours.imagesPerSecond, "latent_test_pseudo_likelihood": ours.testPseudoLikelihood,
                         "sklearn_images_per_sec": theirs ?? NSNull(), "sklearn_test_pseudo_likelihood": theirPL ?? NSNull(),
                         "ratio": theirs.map { ours.imagesPerSecond / $0 } ?? NSNull()])
            if !options.json {
                let reference = theirs.map { String(format: "%.0f", $0) } ?? "—"
                print(String(format: "%7d   %12.0f   ", threads, ours.imagesPerSecond)
                      + String(repeating: " ", count: Swift.max(0, 13 - reference.count)) + reference
                      + "   " + ratioText(ours.imagesPerSecond, theirs)
                      + String(format: "   %.2f / ", ours.testPseudoLikelihood) + (theirPL.map { String(format: "%.2f", $0) } ?? "—"))
            }
        }
        if options.json { printJSON(["workload": "W2", "epochs": epochs, "rows": rows]) }
    }
}

/// W4 and W5 share everything but the networks and the reference script.
struct GANBenchRunner {
    let options: BenchOptions
    let convolutional: Bool
    let steps: Int

    func run() throws {
        let train = try DatasetLocations.loadFashionMNIST(.train).flatImages
        let comparison = ThroughputComparison(
            options: options, workload: convolutional ? "W5" : "W4",
            title: "\(convolutional ? "DCGAN 28×28, batch 64" : "MLP GAN, batch 512"), Fashion-MNIST, \(steps) steps",
            script: convolutional ? "dcgan.py" : "gan_mlp.py",
            arguments: convolutional ? ["--steps", String(steps)] : ["--epochs", "1", "--steps", String(steps)])
        try comparison.run { GANTrainingBenchmark.run(images: train, convolutional: convolutional, steps: steps).imagesPerSecond }
    }
}

struct GANMLPBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gan-mlp",
        abstract: "W4: MLP GAN training steps on Fashion-MNIST (images/s) against PyTorch.",
        discussion: "Example:\n  latent bench gan-mlp --steps 40 --threads 1 --python /path/to/venv/bin/python")

    @OptionGroup var options: BenchOptions
    @Option(help: "Training steps (batch 512).") var steps = 40

    func validate() throws { try Check.atLeast(steps, 1, "--steps") }

    func run() throws { try GANBenchRunner(options: options, convolutional: false, steps: steps).run() }
}

struct DCGANBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dcgan",
        abstract: "W5: DCGAN training steps on Fashion-MNIST (images/s) against PyTorch.",
        discussion: "Example:\n  latent bench dcgan --steps 100 --threads 1 --python /path/to/venv/bin/python")

    @OptionGroup var options: BenchOptions
    @Option(help: "Timed training steps (batch 64), after 5 untimed ones.") var steps = 100

    func validate() throws { try Check.atLeast(steps, 1, "--steps") }

    func run() throws { try GANBenchRunner(options: options, convolutional: true, steps: steps).run() }
}

struct AllBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "all", abstract: "Every benchmark in turn.",
        discussion: "Example:\n  LATENT_PYTHON=/path/to/venv/bin/python latent bench all")

    @OptionGroup var options: BenchOptions

    func run() throws {
        var gemm = GemmBench()
        gemm.options = options
        try gemm.run()
        try VAEBenchRunner(options: options, body: .mlp, steps: 200).run()
        try VAEBenchRunner(options: options, body: .conv, steps: 50).run()
        var rbm = RBMBench()
        rbm.options = options
        try rbm.run()
        try GANBenchRunner(options: options, convolutional: false, steps: 40).run()
        try GANBenchRunner(options: options, convolutional: true, steps: 100).run()
    }
}

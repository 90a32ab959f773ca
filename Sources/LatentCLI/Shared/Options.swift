import ArgumentParser
import Foundation
import Latent

extension DataOptions.Scale: ExpressibleByArgument {}
extension DataOptions.Binarization: ExpressibleByArgument {}
extension CSVImages.LabelColumn: ExpressibleByArgument {}
extension ReadOptions.Alpha: ExpressibleByArgument {}

/// How files are decoded: CSV label column, PNG transparency, size limit.
struct ReadingArguments: ParsableArguments {
    @Option(help: "CSV files: the label column (first, last, none).")
    var labelColumn: CSVImages.LabelColumn = .first

    @Option(help: "PNG files with transparency: drop (keep the stored colours, as PIL and torchvision do), black or white (composite onto that background).")
    var alpha: ReadOptions.Alpha = .drop

    @Option(help: "Refuse any file that holds more than this many bytes once decompressed (default 4 GiB; at least 1).")
    var maxBytes: Int?

    func validate() throws {
        try Check.atLeast(maxBytes, 1, "--max-bytes", maximum: Int.max)
    }

    func options() throws -> ReadOptions {
        if let maxBytes, maxBytes < 1 { throw ValidationError("--max-bytes must be at least 1, got \(maxBytes)") }
        return ReadOptions(labelColumn: labelColumn, alpha: alpha, maxBytes: maxBytes ?? ReadOptions.defaultMaxBytes)
    }
}

/// Where the data come from and how they are prepared.
struct DataArguments: ParsableArguments {
    @Option(help: "Data set: fashion-mnist, mnist, or a path (IDX folder, .npy, .csv, folder of PNGs).")
    var data = "fashion-mnist"

    @Option(help: "Pixel range: unit = [0,1], symmetric = [-1,1].")
    var scale: DataOptions.Scale?

    @Option(help: "Binarization: none, threshold (>0.5), fixed (one Bernoulli draw), dynamic (a fresh draw per batch).")
    var binarize: DataOptions.Binarization = .none

    @Option(help: "Training images held out for validation (default: 10% of them, at most 5,000; 0: none).")
    var validation: Int?

    @Option(help: "Use at most this many training images (quick runs; at least 1). The test split is not touched: see --test-limit.")
    var limit: Int?

    @Option(help: "Use at most this many test images: a fixed random subset, the same for every run (at least 1; default: all).")
    var testLimit: Int?

    @OptionGroup var reading: ReadingArguments

    func validate() throws {
        try Check.atLeast(validation, 0, "--validation", maximum: Int.max)
        try Check.atLeast(limit, 1, "--limit", maximum: Int.max)
        try Check.atLeast(testLimit, 1, "--test-limit", maximum: Int.max)
    }

    func options(seed: UInt64, defaultScale: DataOptions.Scale = .unit) throws -> DataOptions {
        let read = try reading.options()
        var o = DataOptions(source: data)
        o.scale = scale ?? defaultScale
        o.binarize = binarize
        o.validation = validation
        o.limit = limit
        o.testLimit = testLimit
        o.seed = seed
        o.labelColumn = read.labelColumn
        o.alpha = read.alpha == .drop ? nil : read.alpha
        o.maxBytes = read.maxBytes == ReadOptions.defaultMaxBytes ? nil : read.maxBytes
        return o
    }
}

/// Where runs live.
struct RunsLocation: ParsableArguments {
    @Option(help: "Folder holding the runs.")
    var runs = ProcessInfo.processInfo.environment["LATENT_RUNS"] ?? "runs"
}

/// A run named on the command line, opened with its model.
struct RunArgument: ParsableArguments {
    @Argument(help: "A run: its name under the runs folder, or a path.")
    var run: String

    @OptionGroup var location: RunsLocation

    @Option(help: "Compute threads, 1 to 256 (default: $LATENT_THREADS, else the count the run's training measured best, else 1).")
    var threads: Int?

    func validate() throws {
        if let threads, !BLAS.threadRange.contains(threads) {
            throw ValidationError("--threads must be from \(BLAS.threadRange.lowerBound) to \(BLAS.threadRange.upperBound), got \(threads)")
        }
    }

    func open() throws -> RunDirectory { try RunDirectory.open(run, root: location.runs) }
}

/// Parses "1,2,3".
func integerList(_ text: String, name: String) throws -> [Int] {
    let values = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
    guard !values.isEmpty, values.allSatisfy({ $0 != nil && $0! > 0 }) else {
        throw ValidationError("\(name) wants positive integers separated by commas, got '\(text)'")
    }
    return values.map { $0! }
}

/// Parses "1e-3,1e-4".
func floatList(_ text: String, name: String) throws -> [Float] {
    let values = text.split(separator: ",").map { Float($0.trimmingCharacters(in: .whitespaces)) }
    guard !values.isEmpty, values.allSatisfy({ $0 != nil && $0!.isFinite }) else {
        throw ValidationError("\(name) wants finite numbers separated by commas, got '\(text)'")
    }
    return values.map { $0! }
}

/// One clear line on standard error and a non-zero exit.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

/// Casts a run's model to a capability, or fails with one line naming the
/// families of `ModelRegistry` that have it (`isCapable` tells from a family's type).
func require<T>(_ model: any TrainableModel, _ type: T.Type, family: String, command: String,
                isCapable: (any TrainableModel.Type) -> Bool) throws -> T {
    guard let m = model as? T else {
        throw CommandFailure("model '\(family)' does not support `\(command)` (\(ModelRegistry.names(where: isCapable)) do)")
    }
    return m
}

func writeJSON(_ object: Any) {
    if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted]) {
        print(String(decoding: data, as: UTF8.self))
    }
}

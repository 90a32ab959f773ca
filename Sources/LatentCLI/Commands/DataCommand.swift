import ArgumentParser
import Foundation
import Latent

struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Inspect, fetch and synthesize data sets.",
        subcommands: [DataInfo.self, DataDownload.self, DataSynth.self, DataPackCommand.self])
}

struct DataInfo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Shape, value range and class counts of a data set, and a 10×10 grid of examples.",
        discussion: """
        Examples:
          latent data info fashion-mnist
          latent data info ../shared/data/mnist --grid mnist.png --json
        """)

    @Argument(help: "A name (fashion-mnist, mnist) or a path (IDX folder, .npy, .csv, PNG folder).")
    var source: String

    @Option(help: "Where to write the grid of examples (default: <name>-examples.png).")
    var grid: String?

    @OptionGroup var reading: ReadingArguments

    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let set = try DatasetRegistry.load(source, reading: reading.options())
        var splits: [[String: Any]] = []
        for (name, part) in [("train", set.train), ("test", set.test)] {
            var entry: [String: Any] = ["split": name, "count": part.count, "image_shape": part.imageShape]
            if part.count > 0 {
                let images = part.images   // converted once (bytes → Floats)
                entry["min"] = Double(images.minValue())
                entry["max"] = Double(images.maxValue())
                entry["mean"] = Double(images.mean().item)
            }
            if part.hasLabels { entry["class_counts"] = part.classCounts }
            splits.append(entry)
        }
        let path = grid ?? "\(set.name.replacingOccurrences(of: ".", with: "_"))-examples.png"
        let examples = set.train.count > 0 ? set.train : set.test
        let shown = examples.prefix(100)
        let lo = shown.images.minValue(), hi = shown.images.maxValue()
        let scaled = hi > lo && (lo < 0 || hi > 1) ? (shown.images - lo) / (hi - lo) : shown.images
        var g = ImageGrid(images: scaled, columns: 10)
        g.scale = 2
        g.title = "\(set.name): first \(shown.count) training images"
        try g.render().write(to: path)
        if json { return writeJSON(["name": set.name, "source": set.description, "splits": splits, "grid": path]) }
        print("\(set.name): \(set.description)")
        let names = DatasetRegistry.classNames(source)
        for s in splits {
            print("  \(s["split"]!): \(s["count"]!) images of shape \(s["image_shape"]!)"
                  + ((s["min"] as? Double).map { String(format: ", values %.3g … %.3g, mean %.3f", $0, s["max"] as! Double, s["mean"] as! Double) } ?? ""))
            if let counts = s["class_counts"] as? [Int] {
                let parts = counts.enumerated().map { i, c in "\(names.flatMap { i < $0.count ? $0[i] : nil } ?? String(i)): \(c)" }
                print("    classes: " + parts.joined(separator: ", "))
            }
        }
        print("grid: \(path)")
    }
}

struct DataDownload: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "download",
        abstract: "Download MNIST, verify each file's size and MD5, and move it atomically into the cache.",
        discussion: """
        Files go to ~/.cache/latent/mnist (or --into), where `--data mnist` finds them. Each file is \
        downloaded to <name>.part and renamed only once its size and MD5 match the published ones. \
        --mirror takes a URL or a local folder holding the four .gz files.

        Examples:
          latent data download mnist
          latent data download mnist --mirror /media/usb/mnist
        """)

    @Argument(help: "The data set (mnist).") var name: String
    @Option(help: "Destination folder.") var into: String?
    @Option(help: "Mirror URL or local folder (repeatable; default: the public mirrors).") var mirror: [String] = []
    @Flag(help: "Only the 10,000 test digits (t10k files).") var testOnly = false
    @Flag(help: "Skip the MD5 check (for re-compressed copies); the size is still checked.") var noVerify = false

    func validate() throws {
        guard name == "mnist" else {
            throw ValidationError("only mnist can be downloaded, got '\(name)'; fashion-mnist comes from `sudo apt-get install dataset-fashion-mnist`")
        }
    }

    func run() throws {
        let files = MNISTDownload.files.filter { !testOnly || $0.name.hasPrefix("t10k") }
        let dir = try MNISTDownload.run(into: into ?? DatasetLocations.mnistCache,
                                        mirrors: mirror.isEmpty ? MNISTDownload.mirrors : mirror,
                                        files: files, verify: !noVerify) { print($0) }
        print("MNIST is in \(dir)")
    }
}

struct DataSynth: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Render a synthetic data set of known factors (for the MIG score of `latent evaluate --disentanglement`).",
        discussion: """
        shapes: a dSprites-like set of 1-channel images, one white shape on black each, its five factors drawn \
        independently and uniformly from a grid: shape (square, ellipse, heart, triangle; also the label), \
        scale (0.5, 0.6, …, 1.0 of a circumradius of 0.2 × the side), rotation (0°, 36°, …, 324°), \
        x and y (0.25 … 0.75 of the side, 8 values each). The folder holds IDX files that --data DIR reads \
        (the first 80 % train, the rest test), each split's factor indices (train-factors.npy, t10k-factors.npy: \
        [N, 5]) and factors.json naming the factors and their values.

        Examples:
          latent data synth shapes --into shapes --count 5000
          latent train factor-vae --data shapes --latent 10 --epochs 20
        """)

    @Argument(help: "The data set to render (shapes).") var name: String
    @Option(help: "Destination folder (default: ./<name>).") var into: String?
    @Option(help: "Image side: 32 or 64.") var size = 32
    @Option(help: "Images in all (train and test).") var count = 10_000
    @Option(help: "Random seed of the factors.") var seed: UInt64 = 0
    @Flag(help: "Binary pixels (the pixel centre inside the shape or not) instead of anti-aliased ones.") var binary = false
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard name == "shapes" else { throw ValidationError("only shapes can be synthesized, got '\(name)'") }
    }

    func run() throws {
        let folder = into ?? name
        let (set, files) = try SyntheticShapes.synthesize(.init(size: size, count: count, seed: seed, antialiased: !binary), into: folder)
        if json { return writeJSON(["name": name, "folder": folder, "count": set.count, "size": size, "files": files,
                                    "factors": set.factors.map { $0.name }]) }
        print("\(set.count) images of \(size)×\(size) in \(folder) (train \(set.count * 4 / 5), test \(set.count - set.count * 4 / 5)); factors: "
              + set.factors.map { "\($0.name) (\($0.values.count))" }.joined(separator: ", "))
        print("train on it with --data \(folder)")
    }
}

struct DataPackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pack",
        abstract: "Write a data set as uncompressed IDX files that training memory-maps instead of decoding.",
        discussion: """
        Reads SOURCE as --data reads it (a PNG folder, gzip IDX files, an 8-bit .npy, …) and writes its \
        training and test splits to the folder --out as train-/t10k-images-idx3-ubyte and \
        train-/t10k-labels-idx1-ubyte, uncompressed. `--data FOLDER` then maps these files read-only: \
        nothing is inflated or decoded again, and processes on one machine share the pages. Training on \
        the folder sees the same images in the same order as on SOURCE. Pixels must be 8-bit (k/255); \
        an unlabelled source gets label 0 for every image.

        Examples:
          latent data pack fashion-mnist --out fashion-packed
          latent data pack faces/ --out faces-packed && latent train vae --data faces-packed
        """)

    @Argument(help: "A name (fashion-mnist, mnist) or a path (IDX folder, .npy, .csv, PNG folder).")
    var source: String

    @Option(help: "The folder to write the IDX files into (created if missing).")
    var out: String

    @OptionGroup var reading: ReadingArguments

    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let r = try DataPack.pack(source, to: out, reading: reading.options())
        if json {
            return writeJSON(["directory": r.directory, "train": r.trainCount, "test": r.testCount,
                              "image_shape": r.imageShape, "files": r.files, "bytes": r.bytes])
        }
        print("\(source) → \(r.directory): \(r.trainCount) training and \(r.testCount) test images of shape \(r.imageShape), \(r.bytes) bytes")
        for f in r.files { print("  \(f)") }
        print("train on it with --data \(r.directory)")
    }
}

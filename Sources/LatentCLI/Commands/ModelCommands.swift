import ArgumentParser
import Foundation
import Latent

/// Opens a run and rebuilds its model from the last checkpoint.
func loadRun(_ target: RunArgument) throws -> (RunDirectory, any TrainableModel) {
    BLAS.configureFromEnvironment()
    let run = try target.open()
    let (model, _) = try ModelRegistry.load(run)
    return (run, model)
}

/// Images of a run's data in [0, 1] for display.
func display(_ t: Tensor, _ run: RunDirectory) -> Tensor {
    let images = t.reshaped([-1] + run.config.imageShape)
    return run.config.data.scale == .symmetric ? (images + 1) * 0.5 : images
}

/// The run's test images (prepared exactly as for training) and their labels.
func testImages(_ run: RunDirectory) throws -> (images: Tensor, labels: [Int]) {
    let data = try PreparedData.load(run.config.data)
    return (data.evaluationImages(data.test), data.test.labels)
}

struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Draw new images from a trained model as a grid (10×10 for 100).",
        discussion: "Example:\n  latent sample vae-fashion-mnist --n 100 --seed 3")

    @OptionGroup var target: RunArgument
    @Option(help: "Number of images.") var n = 100
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Output PNG (default: the run's images/sample-<n>.png).") var output: String?
    @Option(help: "Also save the samples as a float32 .npy array [N, C, H, W].") var npy: String?
    @Option(help: "Conditional models: draw only this class.") var `class`: Int?
    @Option(help: "RBM/DBM: Gibbs steps, comma-separated; one grid per value.") var gibbsSteps: String?
    @Flag(help: "RBM/DBM: start the chains at test images instead of random noise.") var fromData = false

    func validate() throws {
        try Check.atLeast(n, 1, "--n", maximum: 1_000_000)
        try Check.atLeast(`class`, 0, "--class")
        try Check.integers(gibbsSteps, "--gibbs-steps")
    }

    func run() throws {
        let (run, model) = try loadRun(target)
        let sampler = try require(model, (any SamplingModel).self, family: run.config.family, command: "sample",
                                  supportedBy: "VAE, AE, PPCA, GAN, DCGAN, RBM and DBM")
        var rng = RandomGenerator(seed: seed)
        if let gibbsSteps {
            let gibbs = try require(model, (any GibbsSamplingModel).self, family: run.config.family, command: "sample --gibbs-steps",
                                    supportedBy: "RBM and DBM")
            var start: Tensor?
            if fromData {
                let test = try testImages(run).images
                start = test.rows(0..<Swift.min(n, test.shape[0]))
            }
            for steps in try integerList(gibbsSteps, name: "--gibbs-steps") {
                var chainRng = RandomGenerator(seed: seed)   // the same starting noise for every length
                var grid = ImageGrid(images: display(gibbs.sample(start?.shape[0] ?? n, gibbsSteps: steps, from: start, rng: &chainRng), run))
                grid.title = "\(steps) Gibbs steps from \(fromData ? "test images" : "noise")"
                let path = run.image("sample-gibbs-\(steps)\(fromData ? "-from-data" : "").png")
                try grid.render().write(to: path)
                print(path)
            }
            return
        }
        let drawn: Tensor
        if let chosen = `class` {
            guard let conditional = sampler as? any ConditionalSamplingModel, let classes = conditional.conditionalClasses else {
                throw CommandFailure("--class needs a conditional model (train with --conditional)")
            }
            guard chosen < classes else { throw CommandFailure("--class must be below \(classes) (the model's classes are 0 to \(classes - 1)), got \(chosen)") }
            drawn = conditional.sample(n, classes: Array(repeating: chosen, count: n), rng: &rng)
        } else {
            drawn = sampler.sample(n, rng: &rng)
        }
        let images = display(drawn, run)
        let path = output ?? run.image(`class`.map { "sample-\(n)-class\($0).png" } ?? "sample-\(n).png")
        try ImageGrid(images: images).render().write(to: path)
        if let npy { try NPY.write(images, to: npy); print(npy) }
        print(path)
    }
}

struct ReconstructCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconstruct",
        abstract: "Unseen test images beside their reconstructions.",
        discussion: "Example:\n  latent reconstruct vae-fashion-mnist --n 16")

    @OptionGroup var target: RunArgument
    @Option(help: "Number of test images.") var n = 16
    @Option(help: "Output PNG (default: the run's images/reconstruct-test.png).") var output: String?
    @Flag(help: "Print JSON.") var json = false

    func validate() throws { try Check.atLeast(n, 1, "--n") }

    func run() throws {
        let (run, model) = try loadRun(target)
        let rec = try require(model, (any ReconstructingModel).self, family: run.config.family, command: "reconstruct",
                              supportedBy: "VAE, AE, PPCA, RBM and DBM")
        let test = try testImages(run)
        let count = Swift.min(n, test.images.shape[0])
        let real = test.images.rows(0..<count)
        var rng = RandomGenerator(seed: 1)
        let back = try rec.reconstruct(real, labels: Array(test.labels.prefix(count)), rng: &rng)
        let columns = Swift.max(1, Int(Double(real.shape[0]).squareRoot().rounded(.up)))
        let path = output ?? run.image("reconstruct-test.png")
        try ImageGrid.sideBySide([display(real, run), display(back, run)], captions: ["real", "reconstructed"],
                                 columns: columns, scale: 2).write(to: path)
        let mse = withoutGradient { Loss.meanSquaredError(back, real).item }
        if json { return writeJSON(["run": run.name, "images": real.shape[0], "mse_per_pixel": Double(mse), "grid": path]) }
        print(path)
        print(String(format: "mean squared error per pixel: %.5f", mse))
    }
}

struct InterpolateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "interpolate",
        abstract: "Walk in a straight line through latent space and decode every step.",
        discussion: """
        Between two test images (--from, --to: their indices), or between random latent draws, one row per pair.

        Examples:
          latent interpolate vae-fashion-mnist --steps 20
          latent interpolate vae-fashion-mnist --from 0 --to 1
        """)

    @OptionGroup var target: RunArgument
    @Option(help: "Images per row, both ends included.") var steps = 20
    @Option(help: "Rows of random pairs (ignored with --from/--to).") var pairs = 5
    @Option(help: "Index of the first test image.") var from: Int?
    @Option(help: "Index of the second test image.") var to: Int?
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Conditional models: the class to decode with.") var `class`: Int?
    @Option(help: "Output PNG (default: the run's images/interpolate.png).") var output: String?

    func validate() throws {
        try Check.atLeast(steps, 2, "--steps", maximum: 10_000)
        try Check.atLeast(pairs, 1, "--pairs", maximum: 10_000)
        try Check.atLeast(from, 0, "--from", maximum: Int.max)
        try Check.atLeast(to, 0, "--to", maximum: Int.max)
        try Check.atLeast(`class`, 0, "--class")
        if (from == nil) != (to == nil) { throw ValidationError("give both --from and --to, or neither") }
    }

    func run() throws {
        let (run, model) = try loadRun(target)
        let latentModel = try require(model, (any LatentSpaceModel).self, family: run.config.family, command: "interpolate",
                                      supportedBy: "VAE, AE, GAN and DCGAN")
        var rng = RandomGenerator(seed: seed)
        let ends: (Tensor, Tensor)
        var decodeClass = `class`
        if from != nil || to != nil {
            guard let from, let to else { throw CommandFailure("give both --from and --to") }
            let test = try testImages(run)
            guard from < test.images.shape[0], to < test.images.shape[0] else {
                throw CommandFailure("--from and --to must be test indices below \(test.images.shape[0]), got \(from) and \(to)")
            }
            let codes = try latentModel.encode(test.images.gatherRows([from, to]), labels: [test.labels[from], test.labels[to]])
            ends = (codes.rows(0..<1), codes.rows(1..<2))
            if decodeClass == nil { decodeClass = test.labels[from] }
        } else {
            let a = Tensor.normal([pairs, latentModel.latentSize], rng: &rng)
            let b = Tensor.normal([pairs, latentModel.latentSize], rng: &rng)
            ends = (a, b)
        }
        let rows = ends.0.shape[0]
        var codes: [Tensor] = []
        for r in 0..<rows {
            let a = ends.0.rows(r..<(r + 1)), b = ends.1.rows(r..<(r + 1))
            for s in 0..<steps {
                let t = Float(s) / Float(steps - 1)
                codes.append(a * (1 - t) + b * t)
            }
        }
        let all = Tensor.concatenate(codes, axis: 0)
        let images = display(try latentModel.decode(all, labels: decodeClass.map { Array(repeating: $0, count: all.shape[0]) }), run)
        let path = output ?? run.image("interpolate.png")
        try ImageGrid(images: images, columns: steps).render().write(to: path)
        print(path)
    }
}

struct LatentMapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "latent-map",
        abstract: "Posterior means of test images reduced to 2-D by PCA, coloured by class.",
        discussion: """
        With --compare, the second run's map is drawn beside the first (e.g. AE against VAE).

        Example:
          latent latent-map vae-mnist --compare ae-mnist --n 2000
        """)

    @OptionGroup var target: RunArgument
    @Option(help: "A second run to draw beside the first.") var compare: String?
    @Option(help: "Number of test images (t-SNE: at most a few thousand, it is exact and O(N²)).") var n = 2_000
    @Option(help: "Reduction to 2-D: pca or tsne.") var method = "pca"
    @Option(help: "t-SNE perplexity.") var perplexity: Double = 30
    @Option(help: "Output SVG (default: the run's plots/latent-map.svg).") var output: String?

    func validate() throws {
        guard method == "pca" || method == "tsne" else { throw ValidationError("--method must be pca or tsne, got '\(method)'") }
        // t-SNE holds N×N distances and affinities: a few thousand points is what it is for.
        try Check.atLeast(n, method == "tsne" ? 4 : 1, "--n" + (method == "tsne" ? " (with --method tsne)" : ""),
                          maximum: method == "tsne" ? 20_000 : Check.largestCount)
        try Check.positive(perplexity, "--perplexity")
        guard perplexity <= 10_000 else { throw ValidationError("--perplexity must be at most 10000, got \(perplexity)") }
    }

    func map(_ run: RunDirectory, _ model: any TrainableModel) throws -> (ScatterPlot, [Double]) {
        let latentModel = try require(model, (any LatentSpaceModel).self, family: run.config.family, command: "latent-map",
                                      supportedBy: "VAE, AE, PPCA and GAN encoders")
        let data = try PreparedData.load(run.config.data)
        let set = data.test.prefix(n)
        let codes = try latentModel.encode(data.evaluationImages(set), labels: set.labels)
        let plane: Tensor
        var ratio = [1.0, 1.0]
        if method == "tsne" {
            guard codes.shape[0] >= 4 else { throw CommandFailure("t-SNE needs at least 4 test images, the run's test split has \(codes.shape[0])") }
            var rng = RandomGenerator(seed: 0)
            let progress = Progress("t-SNE of \(codes.shape[0]) codes", total: 1, unit: "maps")
            plane = TSNE.embed(codes, perplexity: perplexity, rng: &rng)
            progress.advance()
            progress.finish()
            var plot = ScatterPlot(title: "\(run.name): \(run.config.family) latent means (t-SNE, perplexity \(Int(perplexity)))",
                                   xLabel: "t-SNE 1", yLabel: "t-SNE 2")
            let p = plane.scalars
            plot.points = (0..<plane.shape[0]).map { (Double(p[2 * $0]), Double(p[2 * $0 + 1])) }
            if set.hasLabels { plot.classes = set.labels; plot.classNames = DatasetRegistry.classNames(run.config.data.source) }
            return (plot, ratio)
        } else if codes.shape[1] > 2 {
            let pca = try PCA.fit(codes, components: 2)
            plane = pca.transform(codes)
            ratio = pca.explainedVarianceRatio
        } else {
            plane = codes.shape[1] == 2 ? codes : Tensor.concatenate([codes, Tensor.zeros([codes.shape[0], 1])], axis: 1)
        }
        var plot = ScatterPlot(title: "\(run.name): \(run.config.family) latent means (PCA)",
                               xLabel: String(format: "PC 1 (%.0f%% of variance)", ratio[0] * 100),
                               yLabel: String(format: "PC 2 (%.0f%% of variance)", ratio[1] * 100))
        let p = plane.scalars
        plot.points = (0..<plane.shape[0]).map { (Double(p[2 * $0]), Double(p[2 * $0 + 1])) }
        if set.hasLabels { plot.classes = set.labels; plot.classNames = DatasetRegistry.classNames(run.config.data.source) }
        return (plot, ratio)
    }

    func run() throws {
        let (run, model) = try loadRun(target)
        let (plot, _) = try map(run, model)
        var svg = plot.svg()
        let stem = method == "tsne" ? "latent-map-tsne" : "latent-map"
        let path = output ?? run.plot(compare == nil ? "\(stem).svg" : "\(stem)-compare.svg")
        if let compare {
            let other = try RunDirectory.open(compare, root: target.location.runs)
            let (otherModel, _) = try ModelRegistry.load(other)
            let (otherPlot, _) = try map(other, otherModel)
            let w = plot.width
            svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(w * 2)\" height=\"\(plot.height)\" font-family=\"sans-serif\" font-size=\"12\">\n"
                + "<svg x=\"0\" y=\"0\">\(inner(plot.svg()))</svg>\n<svg x=\"\(w)\" y=\"0\">\(inner(otherPlot.svg()))</svg>\n</svg>\n"
        }
        try AtomicFile.write(Data(svg.utf8), to: URL(fileURLWithPath: path))
        print(path)
    }

    /// The body of a standalone SVG, to nest it in another.
    func inner(_ svg: String) -> String {
        guard let start = svg.range(of: ">")?.upperBound, let end = svg.range(of: "</svg>", options: .backwards)?.lowerBound else { return svg }
        return String(svg[start..<end])
    }
}

struct FiltersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "filters",
        abstract: "Show the weights of a layer as images, each stretched to its own range.",
        discussion: "Example:\n  latent filters rbm-mnist --layer 1 --n 100")

    @OptionGroup var target: RunArgument
    @Option(help: "Layer (1 = next to the pixels).") var layer = 1
    @Option(help: "How many filters to show.") var n = 100
    @Option(help: "Output PNG (default: the run's images/filters-layer<k>.png).") var output: String?

    func validate() throws {
        try Check.atLeast(layer, 1, "--layer")
        try Check.atLeast(n, 1, "--n")
    }

    func run() throws {
        let (run, model) = try loadRun(target)
        let f = try require(model, (any FilterModel).self, family: run.config.family, command: "filters",
                            supportedBy: "RBM, DBM, VAE and AE")
        guard layer >= 1, layer <= f.filterLayers else {
            throw CommandFailure("--layer must be between 1 and \(f.filterLayers) for this model, got \(layer)")
        }
        let weights = try f.filters(layer: layer)
        let shown = weights.rows(0..<Swift.min(n, weights.shape[0]))
        let path = output ?? run.image("filters-layer\(layer).png")
        try ImageGrid.filters(shown, imageShape: run.config.imageShape, scale: 2).write(to: path)
        print(path)
    }
}

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Score a trained model on the test split (nats per image).",
        discussion: "Example:\n  latent evaluate vae-fashion-mnist --nll-samples 1000 --limit 1000 --json")

    @OptionGroup var target: RunArgument
    @Option(help: "Importance samples per image for the NLL (0: skip).") var nllSamples = 0
    @Option(help: "Score only the first N test images.") var limit: Int?
    @Option(help: "Random seed.") var seed: UInt64 = 2
    @Flag(help: "RBM/DBM: estimate log Z by annealed importance sampling and report the test log-likelihood (or bound).") var ais = false
    @Flag(help: "Fréchet distance in the feature classifier's space.") var fid = false
    @Flag(help: "Kernel (polynomial MMD) distance in the feature classifier's space.") var kid = false
    @Flag(name: .customLong("is"), help: "Inception-style score from the feature classifier.") var inceptionScore = false
    @Flag(name: .customLong("pr"), help: "Precision and recall of generated against real features (k = 3).") var precisionRecall = false
    @Option(help: "Generated images for --fid/--kid/--is/--pr.") var samples = 2_000
    @Option(help: "The feature classifier's run (default: the newest classifier run on the same data).") var classifier: String?
    @Flag(help: "Quality of the codes: linear-probe accuracy, k-means silhouette and adjusted Rand index.") var representation = false
    @Option(help: "AIS: parallel chains.") var aisChains = 100
    @Option(help: "AIS: intermediate distributions (0: Salakhutdinov & Murray's 14,500-step schedule).") var aisSteps = 0
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        try Check.atLeast(nllSamples, 0, "--nll-samples", maximum: 1_000_000)
        try Check.atLeast(limit, 1, "--limit", maximum: Int.max)
        try Check.atLeast(samples, 10, "--samples", maximum: 1_000_000)
        try Check.atLeast(aisChains, 2, "--ais-chains", maximum: 1_000_000)
        try Check.atLeast(aisSteps, 0, "--ais-steps")
    }

    func run() throws {
        let (run, model) = try loadRun(target)
        if ais { return try evaluateAIS(run, model) }
        if fid || kid || inceptionScore || precisionRecall { return try evaluateSamples(run, model) }
        if representation { return try evaluateRepresentation(run, model) }
        let scorer = try require(model, (any LikelihoodModel).self, family: run.config.family, command: "evaluate",
                                 supportedBy: "VAE, AE, PPCA, RBM, DBM and classifiers")
        var (test, labels) = try testImages(run)
        if let limit {
            let count = Swift.min(limit, test.shape[0])
            test = test.rows(0..<count)
            labels = Array(labels.prefix(count))
        }
        var rng = RandomGenerator(seed: seed)
        // In chunks, so a long importance-sampling run shows progress; every metric is a mean per image.
        let progress = Progress("evaluate", total: test.shape[0])
        progress.quiet = json
        var sums: [String: Double] = [:], order: [String] = []
        for indices in MiniBatches(count: test.shape[0], batchSize: nllSamples > 0 ? 100 : 2_000) {
            for (k, v) in scorer.likelihoodMetrics(test.gatherRows(indices), labels: indices.map { labels[$0] },
                                                   nllSamples: nllSamples, rng: &rng) {
                if sums[k] == nil { order.append(k) }
                sums[k, default: 0] += v * Double(indices.count)
            }
            progress.advance(by: indices.count)
        }
        progress.finish()
        let metrics = order.map { ($0, sums[$0]! / Double(test.shape[0])) }
        var record: [String: Any] = ["run": run.name, "test_images": test.shape[0]]
        if nllSamples > 0 { record["nll_samples"] = nllSamples }
        for (k, v) in metrics { record[k] = v }
        try RunEvaluation.merge(Dictionary(uniqueKeysWithValues: metrics.map { ("test_" + $0.0, $0.1) }), into: run)
        if json { return writeJSON(record) }
        print("\(run.name) on \(test.shape[0]) test images (nats per image):")
        for (k, v) in metrics { print("  " + k.padding(toLength: 16, withPad: " ", startingAt: 0) + String(format: "%.3f", v)) }
    }
}

extension EvaluateCommand {
    /// log Z by AIS (and exactly when the model is small), then the test log-likelihood.
    func evaluateAIS(_ run: RunDirectory, _ model: any TrainableModel) throws {
        let energy = try require(model, (any PartitionFunctionModel).self, family: run.config.family, command: "evaluate --ais",
                                 supportedBy: "RBM and DBM")
        let data = try PreparedData.load(run.config.data)
        var test = data.evaluationImages(data.test)
        if let limit { test = test.rows(0..<Swift.min(limit, test.shape[0])) }
        let betas = AIS.schedule(aisSteps == 0 ? .paper : .linear(aisSteps + 1))
        let progress = Progress("AIS", total: betas.count - 1, unit: "β")
        progress.quiet = json
        var rng = RandomGenerator(seed: seed)
        let estimate = energy.logPartition(baseData: data.train.flatImages, chains: aisChains, betas: betas, rng: &rng, progress: progress)
        progress.finish()
        let ll = energy.logLikelihood(test, logPartition: estimate.logPartition)
        let mean = ll.reduce(0, +) / Double(ll.count)
        var record: [String: Any] = ["run": run.name, "test_images": test.shape[0], "ais_chains": aisChains, "ais_steps": estimate.steps,
                                     "log_z": estimate.logPartition, "log_z_lower": estimate.lower, "log_z_upper": estimate.upper,
                                     energy.logLikelihoodName: mean]
        if let exact = energy.exactLogPartition() { record["log_z_exact"] = exact }
        try RunEvaluation.merge(["ais_log_z": estimate.logPartition, energy.logLikelihoodName: mean], into: run)
        if json { return writeJSON(record.mapValues { ($0 as? Double).map { $0.isFinite ? $0 as Any : "-inf" as Any } ?? $0 }) }
        print("\(run.name): AIS with \(aisChains) chains and \(estimate.steps) intermediate distributions")
        print(String(format: "  log Z = %.3f  (±3 s.e.: %.3f … %.3f)", estimate.logPartition, estimate.lower, estimate.upper))
        if let exact = record["log_z_exact"] as? Double { print(String(format: "  exact log Z = %.3f", exact)) }
        let what = energy.logLikelihoodName == "test_lower_bound" ? "variational lower bound on the test log-likelihood" : "average test log-likelihood"
        print(String(format: "  %@: %.2f nats per image (%d images)", what, mean, test.shape[0]))
    }
}

struct InpaintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inpaint",
        abstract: "Remove rows of unseen test images and let the model restore them.",
        discussion: "Example:\n  latent inpaint rbm-mnist --rows 10:16 --n 16")

    @OptionGroup var target: RunArgument
    @Option(help: "Removed rows, start:end (end excluded), anywhere in the image.") var rows = "10:16"
    @Option(help: "Number of test images.") var n = 16
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Flag(help: "Print JSON.") var json = false
    @Option(help: "Output PNG (default: the run's images/inpaint-<start>-<end>.png).") var output: String?
    @Flag(help: "Plot the error against the number of removed rows, at the top, middle and bottom.") var sweep = false

    /// `--rows` as a range; its end is checked against the image's height once the run is open.
    static func parseRows(_ text: String) throws -> Range<Int> {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let start = parts[0], let end = parts[1], start >= 0, start < end else {
            throw ValidationError("--rows wants start:end with 0 ≤ start < end (end excluded), e.g. 10:16; got '\(text)'")
        }
        return start..<end
    }

    func validate() throws {
        _ = try Self.parseRows(rows)
        try Check.atLeast(n, 1, "--n")
    }

    /// Mask with rows start..<end removed (0) in every channel.
    static func mask(_ shape: [Int], count: Int, rows: Range<Int>) -> Tensor {
        let (c, h, w) = (shape[0], shape[1], shape[2])
        var known = Tensor.ones([count, c * h * w])
        known.withMutableData { p in
            for i in 0..<count { for ch in 0..<c { for y in rows { for x in 0..<w { p[i * c * h * w + (ch * h + y) * w + x] = 0 } } } }
        }
        return known
    }

    func run() throws {
        let (run, model) = try loadRun(target)
        let painter = try require(model, (any InpaintingModel).self, family: run.config.family, command: "inpaint",
                                  supportedBy: "RBM and DBM")
        if sweep { return try sweepRows(run, painter) }
        let removedRows = try Self.parseRows(rows)
        let (start, end) = (removedRows.lowerBound, removedRows.upperBound)
        let (c, h, w) = (run.config.imageShape[0], run.config.imageShape[1], run.config.imageShape[2])
        guard end <= h else {
            throw CommandFailure("--rows \(rows) ends past the image's \(h) rows; the end must be at most \(h)")
        }
        let test = try testImages(run)
        let real = test.images.rows(0..<Swift.min(n, test.images.shape[0]))
        let known = Self.mask(run.config.imageShape, count: real.shape[0], rows: start..<end)
        var rng = RandomGenerator(seed: seed)
        let restored = painter.inpaint(real, known: known, rng: &rng)
        let removed = Float(real.shape[0] * c * (end - start) * w)
        let error = withoutGradient { (((restored - real) * (1 - known)).pow(2)).sum().item / removed }
        let masked = real * known + (1 - known) * 0.5
        let columns = Swift.max(1, Int(Double(real.shape[0]).squareRoot().rounded(.up)))
        let path = output ?? run.image("inpaint-\(start)-\(end).png")
        try ImageGrid.sideBySide([display(real, run), display(masked, run), display(restored, run)],
                                 captions: ["original", "rows removed", "restored"], columns: columns, scale: 2).write(to: path)
        if json { return writeJSON(["run": run.name, "images": real.shape[0], "rows": "\(start):\(end)", "mse_removed": Double(error), "grid": path]) }
        print(path)
        print(String(format: "mean squared error on the removed rows: %.5f", error))
    }

    func sweepRows(_ run: RunDirectory, _ painter: any InpaintingModel) throws {
        let (c, h, w) = (run.config.imageShape[0], run.config.imageShape[1], run.config.imageShape[2])
        let test = try testImages(run)
        let real = test.images.rows(0..<Swift.min(Swift.max(n, 100), test.images.shape[0]))
        let counts = Array(stride(from: 2, through: h / 2, by: 2))
        var chart = LineChart(title: "Inpainting error against removed rows", xLabel: "rows removed", yLabel: "mean squared error per removed pixel")
        var rows: [[String: Any]] = []
        let progress = Progress("inpaint sweep", total: counts.count * 3, unit: "settings")
        progress.quiet = json
        for (place, range) in [("top", { (k: Int) in 0..<k }), ("middle", { (k: Int) in (h - k) / 2..<((h - k) / 2 + k) }),
                               ("bottom", { (k: Int) in (h - k)..<h })] {
            var errors: [Double] = []
            for k in counts {
                let known = Self.mask(run.config.imageShape, count: real.shape[0], rows: range(k))
                var rng = RandomGenerator(seed: seed)
                let restored = painter.inpaint(real, known: known, rng: &rng)
                let removed = Float(real.shape[0] * c * k * w)
                let e = Double(withoutGradient { (((restored - real) * (1 - known)).pow(2)).sum().item / removed })
                errors.append(e)
                rows.append(["place": place, "rows": k, "error": e])
                progress.advance()
            }
            chart.add(place, x: counts.map(Double.init), y: errors)
        }
        progress.finish()
        let path = run.plot("inpaint-sweep.svg")
        try chart.write(to: path)
        if json { return writeJSON(["run": run.name, "images": real.shape[0], "results": rows]) }
        print(path)
    }
}

struct ProjectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "project",
        abstract: "Place generated images in the data's own 2-D PCA plane, numbered, with a grid of the same numbers.",
        discussion: """
        The plane is fitted to the training images; test images form the coloured background.
        Comparing two models (e.g. a VAE and PPCA) this way shows where each puts its samples.

        Example:
          latent project vae-mnist --n 20
        """)

    @OptionGroup var target: RunArgument
    @Option(help: "Generated images to place.") var n = 20
    @Option(help: "Test images in the background.") var background = 2_000
    @Option(help: "Random seed.") var seed: UInt64 = 1

    func validate() throws {
        try Check.atLeast(n, 1, "--n", maximum: 100_000)
        try Check.atLeast(background, 1, "--background")
    }

    func run() throws {
        let (run, model) = try loadRun(target)
        let sampler = try require(model, (any SamplingModel).self, family: run.config.family, command: "project",
                                  supportedBy: "VAE, AE, PPCA, GAN, DCGAN, RBM and DBM")
        let data = try PreparedData.load(run.config.data)
        let pca = try PCA.fit(data.train.flatImages.rows(0..<Swift.min(10_000, data.train.count)), components: 2)
        let set = data.test.prefix(background)
        let realPlane = pca.transform(data.evaluationImages(set)).scalars
        var rng = RandomGenerator(seed: seed)
        let generated = sampler.sample(n, rng: &rng)
        let genPlane = pca.transform(generated).scalars
        var plot = ScatterPlot(title: "\(run.name): \(n) samples in the data's PCA plane",
                               xLabel: String(format: "PC 1 (%.0f%%)", pca.explainedVarianceRatio[0] * 100),
                               yLabel: String(format: "PC 2 (%.0f%%)", pca.explainedVarianceRatio[1] * 100))
        let classes = set.hasLabels ? set.classCount : 1
        plot.points = (0..<set.count).map { (Double(realPlane[2 * $0]), Double(realPlane[2 * $0 + 1])) }
            + (0..<n).map { (Double(genPlane[2 * $0]), Double(genPlane[2 * $0 + 1])) }
        plot.classes = (set.hasLabels ? set.labels : Array(repeating: 0, count: set.count)) + Array(repeating: classes, count: n)
        let names = DatasetRegistry.classNames(run.config.data.source) ?? (0..<classes).map { set.hasLabels ? "class \($0)" : "data" }
        plot.classNames = Array(names.prefix(classes)) + ["generated"]
        plot.pointLabels = Array(repeating: "", count: set.count) + (1...n).map(String.init)
        plot.radius = 2
        let svgPath = run.plot("project.svg")
        try plot.write(to: svgPath)
        var grid = ImageGrid(images: display(generated, run))
        grid.labels = (1...n).map(String.init)
        let pngPath = run.image("project-samples.png")
        try grid.render().write(to: pngPath)
        print(svgPath)
        print(pngPath)
    }
}

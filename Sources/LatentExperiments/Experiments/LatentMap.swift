import Foundation
import LatentTensor
import LatentData
import LatentOutput
import LatentEvaluation
import LatentModels
import LatentRuns

/// What `TrainedRun.latentMap` draws: `latent latent-map`'s options.
///
/// ```swift
/// let map = try run.latentMap(LatentMapOptions(count: 2_000, method: .tsne))
/// let train = try run.latentMap(LatentMapOptions(split: .train))   // codes of training images
/// ```
public struct LatentMapOptions: Sendable {
    /// Which images are encoded.
    public enum Split: String, CaseIterable, Sendable {
        /// The first `count` test images (the ones `latent evaluate` scores first).
        case test
        /// `count` training images prepared as for training: a fixed random
        /// subset (`PreparedData.fixedSubset`, the same for every run on the
        /// data set), in file order; all of them when there are at most `count`.
        case train
    }

    /// How the codes are brought to a plane.
    public enum Method: String, CaseIterable, Sendable {
        /// The two principal components (codes of 2 dimensions are drawn as they are).
        case pca
        /// t-SNE (exact, O(N²): a few thousand points at most).
        case tsne
    }

    /// Images to encode (see `split` for which).
    public var count = 2_000
    public var method = Method.pca
    /// The split the images come from.
    public var split = Split.test
    /// t-SNE perplexity.
    public var perplexity: Double = 30
    /// Show t-SNE's progress.
    public var showsProgress = true

    public init(count: Int = 2_000, method: Method = .pca, perplexity: Double = 30, showsProgress: Bool = true,
                split: Split = .test) {
        self.count = count
        self.method = method
        self.split = split
        self.perplexity = perplexity
        self.showsProgress = showsProgress
    }
}

/// Posterior means (codes) of test or training images in a plane, with their classes.
public struct LatentMap {
    public let directory: RunDirectory
    public let method: LatentMapOptions.Method
    public let perplexity: Double
    /// The split whose images were encoded.
    public let split: LatentMapOptions.Split
    /// One point per image, [N, 2].
    public let points: Tensor
    /// Their classes, when the data set has labels.
    public let labels: [Int]?
    public let classNames: [String]?
    /// PCA: the share of the codes' variance along each axis ([1, 1] for codes of
    /// at most 2 dimensions, drawn as they are); t-SNE: empty.
    public let explainedVarianceRatio: [Double]

    /// `codes` [N, L] in a plane [N, 2]: the first two principal components
    /// (and their shares of the variance) when L > 2, the codes themselves when
    /// L = 2 (a zero second axis when L = 1); t-SNE (seeded, `perplexity`) with `.tsne`.
    ///
    /// ```swift
    /// let (plane, ratios) = try LatentMap.plane(codes, method: .pca)
    /// ```
    public static func plane(_ codes: Tensor, method: LatentMapOptions.Method, perplexity: Double = 30,
                             showsProgress: Bool = false) throws -> (points: Tensor, explainedVarianceRatio: [Double]) {
        precondition(codes.rank == 2, "codes are [N, L], got \(codes.shape)")
        switch method {
        case .tsne:
            guard codes.shape[0] >= 4 else {
                throw LatentError.invalidArgument("t-SNE needs at least 4 test images, the run's test split has \(codes.shape[0])")
            }
            var rng = RandomGenerator(seed: 0)
            let iterations = 1_000, every = 50
            let progress = Progress("t-SNE of \(codes.shape[0]) codes", total: iterations, unit: "iterations")
            progress.quiet = !showsProgress
            var last = "", reported = 0
            let points = TSNE.embed(codes, perplexity: perplexity, iterations: iterations, progressEvery: every, rng: &rng) { done, kl in
                last = String(format: "KL divergence %.4g nats", kl)
                progress.advance(by: done - reported, status: last)
                reported = done
            }
            progress.finish(status: last)
            return (points, [])
        case .pca where codes.shape[1] > 2:
            let pca = try PCA.fit(codes, components: 2)
            return (pca.transform(codes), pca.explainedVarianceRatio)
        case .pca:
            let points = codes.shape[1] == 2 ? codes : Tensor.concatenate([codes, Tensor.zeros([codes.shape[0], 1])], axis: 1)
            return (points, [1, 1])
        }
    }

    /// The scatter plot, coloured by class.
    public func plot() -> ScatterPlot {
        var plot: ScatterPlot
        let of = split == .train ? " of training images" : ""
        switch method {
        case .tsne:
            plot = ScatterPlot(title: "\(directory.name): \(directory.config.family) latent means\(of) (t-SNE, perplexity \(Int(perplexity)))",
                               xLabel: "t-SNE 1", yLabel: "t-SNE 2")
        case .pca:
            plot = ScatterPlot(title: "\(directory.name): \(directory.config.family) latent means\(of) (PCA)",
                               xLabel: String(format: "PC 1 (%.0f%% of variance)", explainedVarianceRatio[0] * 100),
                               yLabel: String(format: "PC 2 (%.0f%% of variance)", explainedVarianceRatio[1] * 100))
        }
        plot.points = planePoints(points)
        if let labels {
            plot.classes = labels
            plot.classNames = classNames
        }
        return plot
    }

    /// Writes the first map, with any others drawn beside it, as one SVG to
    /// `path` (default: the first run's plots/latent-map[-tsne][-train][-compare].svg,
    /// -train for codes of training images, so the test map is kept); returns the path.
    ///
    /// ```swift
    /// let path = try LatentMap.write([vaeMap, aeMap])   // runs/vae-mnist/plots/latent-map-compare.svg
    /// ```
    public static func write(_ maps: [LatentMap], to path: String? = nil) throws -> String {
        guard let first = maps.first else { throw LatentError.invalidArgument("no latent map to write") }
        let stem = (first.method == .tsne ? "latent-map-tsne" : "latent-map") + (first.split == .train ? "-train" : "")
        let path = path ?? first.directory.plot(maps.count == 1 ? "\(stem).svg" : "\(stem)-compare.svg")
        let plots = maps.map { $0.plot() }
        var svg = plots[0].svg()
        if plots.count > 1 {
            let w = plots[0].width
            svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(w * plots.count)\" height=\"\(plots.map(\.height).max() ?? 0)\" font-family=\"sans-serif\" font-size=\"12\">\n"
                + plots.enumerated().map { "<svg x=\"\(w * $0.offset)\" y=\"0\">\(inner($0.element.svg()))</svg>\n" }.joined()
                + "</svg>\n"
        }
        try AtomicFile.write(Data(svg.utf8), to: URL(fileURLWithPath: path))
        return path
    }

    /// The body of a standalone SVG, to nest it in another.
    static func inner(_ svg: String) -> String {
        guard let start = svg.range(of: ">")?.upperBound, let end = svg.range(of: "</svg>", options: .backwards)?.lowerBound else { return svg }
        return String(svg[start..<end])
    }
}

/// Rows of a [N, 2] tensor as (x, y) pairs.
func planePoints(_ plane: Tensor) -> [(Double, Double)] {
    let p = plane.scalars
    return (0..<plane.shape[0]).map { (Double(p[2 * $0]), Double(p[2 * $0 + 1])) }
}

extension TrainedRun {
    /// Encodes the first `count` test images (or, with `split: .train`, a fixed
    /// subset of `count` training images prepared as for training) and brings
    /// their codes to a plane (VAE, AE, PPCA: the families with an encoder).
    ///
    /// ```swift
    /// let map = try run.latentMap(LatentMapOptions(count: 1_000, split: .train))
    /// try LatentMap.write([map])   // runs/vae-mnist/plots/latent-map-train.svg
    /// ```
    public func latentMap(_ options: LatentMapOptions = LatentMapOptions()) throws -> LatentMap {
        // A GAN's latent space has no encoder, so it cannot place test images.
        let model = try capability("latent-map", { $0 is GANModel ? nil : $0 as? any LatentSpaceModel },
                                   { $0 is any LatentSpaceModel.Type && !($0 is GANModel.Type) })
        guard options.count >= 1 else { throw LatentError.invalidArgument("the number of images must be at least 1, got \(options.count)") }
        guard options.perplexity.isFinite, options.perplexity > 0 else {
            throw LatentError.invalidArgument("the perplexity must be a finite number above 0, got \(options.perplexity)")
        }
        let images: Tensor, labels: [Int], hasLabels: Bool, classNames: [String]?
        switch options.split {
        case .test:
            let test = try testImages(limit: options.count)
            (images, labels, hasLabels, classNames) = (test.images, test.labels, test.hasLabels, test.classNames)
        case .train:
            let data = try data()
            let train = data.train.subset(PreparedData.fixedSubset(count: data.train.count, limit: options.count))
            guard train.count > 0 else { throw LatentError.invalidArgument("the data of \(name) have no training images") }
            (images, labels, hasLabels) = (data.evaluationImages(train), train.labels, train.hasLabels)
            classNames = train.classNames ?? DatasetRegistry.classNames(data.options.source)
            if options.method == .tsne && train.count < 4 {
                throw LatentError.invalidArgument("t-SNE needs at least 4 training images, the run's training split has \(train.count)")
            }
        }
        let codes = try model.encode(images, labels: labels)
        let (points, ratio) = try LatentMap.plane(codes, method: options.method, perplexity: options.perplexity,
                                                  showsProgress: options.showsProgress)
        return LatentMap(directory: directory, method: options.method, perplexity: options.perplexity, split: options.split, points: points,
                         labels: hasLabels ? labels : nil, classNames: classNames, explainedVarianceRatio: ratio)
    }
}

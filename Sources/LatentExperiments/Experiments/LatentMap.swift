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
/// let both = try run.latentMaps(LatentMapOptions(methods: [.tsne, .umap]))   // the same codes, two maps
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
        /// UMAP (exact neighbours, PCA initialisation; a few thousand points at most).
        case umap

        /// The method's name in titles.
        public var title: String {
            switch self {
            case .pca: "PCA"
            case .tsne: "t-SNE"
            case .umap: "UMAP"
            }
        }
    }

    /// Images to encode (see `split` for which).
    public var count = 2_000
    /// The methods `TrainedRun.latentMaps` draws the same codes with, in order (at least one).
    public var methods: [Method] = [.pca]
    /// The first of `methods` (the one `TrainedRun.latentMap` draws); setting it leaves it alone.
    public var method: Method {
        get { methods.first ?? .pca }
        set { methods = [newValue] }
    }
    /// The split the images come from.
    public var split = Split.test
    /// t-SNE perplexity.
    public var perplexity: Double = 30
    /// UMAP: neighbours per point (umap-learn's `n_neighbors`).
    public var neighbours = 15
    /// UMAP: the smallest distance between points of the map (umap-learn's `min_dist`).
    public var minDistance = 0.1
    /// Show t-SNE's and UMAP's progress.
    public var showsProgress = true

    /// `methods`, when given, replaces `method`.
    public init(count: Int = 2_000, method: Method = .pca, perplexity: Double = 30, showsProgress: Bool = true,
                split: Split = .test, methods: [Method]? = nil, neighbours: Int = 15, minDistance: Double = 0.1) {
        self.count = count
        self.methods = methods ?? [method]
        self.split = split
        self.perplexity = perplexity
        self.showsProgress = showsProgress
        self.neighbours = neighbours
        self.minDistance = minDistance
    }
}

/// Posterior means (codes) of test or training images in a plane, with their classes.
public struct LatentMap {
    public let directory: RunDirectory
    public let method: LatentMapOptions.Method
    public let perplexity: Double
    /// UMAP's neighbours and minimum distance (what the map was drawn with).
    public var neighbours = 15
    public var minDistance = 0.1
    /// The split whose images were encoded.
    public let split: LatentMapOptions.Split
    /// One point per image, [N, 2].
    public let points: Tensor
    /// Their classes, when the data set has labels.
    public let labels: [Int]?
    public let classNames: [String]?
    /// PCA: the share of the codes' variance along each axis ([1, 1] for codes of
    /// at most 2 dimensions, drawn as they are); t-SNE, UMAP: empty.
    public let explainedVarianceRatio: [Double]
    /// Trustworthiness of the map (Venna & Kaski; `Representation.trustworthiness`) against the
    /// codes it was drawn from, with `trustworthinessNeighbours` neighbours; nil for more than
    /// `trustworthinessLimit` points or fewer than 4.
    public var trustworthiness: Double?
    public var trustworthinessNeighbours = 10

    /// The most points whose map gets a trustworthiness (it costs O(N² L)).
    public static let trustworthinessLimit = 5_000

    public init(directory: RunDirectory, method: LatentMapOptions.Method, perplexity: Double, split: LatentMapOptions.Split,
                points: Tensor, labels: [Int]?, classNames: [String]?, explainedVarianceRatio: [Double]) {
        self.directory = directory
        self.method = method
        self.perplexity = perplexity
        self.split = split
        self.points = points
        self.labels = labels
        self.classNames = classNames
        self.explainedVarianceRatio = explainedVarianceRatio
    }

    /// The map's trustworthiness against `codes` (nil outside 4…`trustworthinessLimit` points), with its k.
    public static func trustworthiness(of points: Tensor, codes: Tensor) -> (value: Double?, neighbours: Int) {
        let n = codes.shape[0], k = Representation.trustworthinessNeighbours(points: n)
        guard n >= 4, n <= trustworthinessLimit else { return (nil, k) }
        return (Representation.trustworthiness(original: codes, embedding: points, k: k), k)
    }

    /// `codes` [N, L] in a plane [N, 2]: the first two principal components
    /// (and their shares of the variance) when L > 2, the codes themselves when
    /// L = 2 (a zero second axis when L = 1); t-SNE (seeded, `perplexity`) with `.tsne`;
    /// UMAP (seeded, `neighbours`, `minDistance`, 500 epochs) with `.umap`.
    ///
    /// ```swift
    /// let (plane, ratios) = try LatentMap.plane(codes, method: .pca)
    /// let (umap, _) = try LatentMap.plane(codes, method: .umap, neighbours: 15, minDistance: 0.1)
    /// ```
    public static func plane(_ codes: Tensor, method: LatentMapOptions.Method, perplexity: Double = 30,
                             neighbours: Int = 15, minDistance: Double = 0.1,
                             showsProgress: Bool = false) throws -> (points: Tensor, explainedVarianceRatio: [Double]) {
        precondition(codes.rank == 2, "codes are [N, L], got \(codes.shape)")
        switch method {
        case .umap:
            guard codes.shape[0] >= 4 else {
                throw LatentError.invalidArgument("UMAP needs at least 4 test images, the run's test split has \(codes.shape[0])")
            }
            var rng = RandomGenerator(seed: 0)
            let epochs = 500, every = 25
            let progress = Progress("UMAP of \(codes.shape[0]) codes", total: epochs, unit: "epochs")
            progress.quiet = !showsProgress
            var last = "", reported = 0
            let points = UMAP.embed(codes, neighbours: neighbours, minDistance: minDistance, epochs: epochs, progressEvery: every,
                                    rng: &rng) { done, crossEntropy in
                last = String(format: "fuzzy cross-entropy %.5g nats", crossEntropy)
                progress.advance(by: done - reported, status: last)
                reported = done
            }
            progress.finish(status: last)
            return (points, [])
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
        let trust = trustworthiness.map { String(format: ", trustworthiness %.3f (k = %d)", $0, trustworthinessNeighbours) } ?? ""
        switch method {
        case .tsne:
            plot = ScatterPlot(title: "\(directory.name): \(directory.config.family) latent means\(of) (t-SNE, perplexity \(Int(perplexity))\(trust))",
                               xLabel: "t-SNE 1", yLabel: "t-SNE 2")
        case .umap:
            plot = ScatterPlot(title: "\(directory.name): \(directory.config.family) latent means\(of) (UMAP, \(neighbours) neighbours, "
                                   + String(format: "min dist %g", minDistance) + "\(trust))",
                               xLabel: "UMAP 1", yLabel: "UMAP 2")
        case .pca:
            plot = ScatterPlot(title: "\(directory.name): \(directory.config.family) latent means\(of) (PCA\(trust))",
                               xLabel: String(format: "PC 1 (%.0f%% of variance)", explainedVarianceRatio[0] * 100),
                               yLabel: String(format: "PC 2 (%.0f%% of variance)", explainedVarianceRatio[1] * 100))
        }
        // Wide enough for the title (about 8 px a character at 15 px).
        plot.width = Swift.max(plot.width, plot.title.count * 8 + 40)
        plot.points = planePoints(points)
        if let labels {
            plot.classes = labels
            plot.classNames = classNames
        }
        return plot
    }

    /// Writes the first map, with any others drawn beside it, as one SVG to
    /// `path` (default: the first run's plots/latent-map[-tsne|-umap][-train][-compare].svg,
    /// -train for codes of training images, so the test map is kept; maps by several
    /// methods are named after all of them: latent-map-tsne-umap.svg) and refreshes the
    /// run's report.html when the file is in its plots folder; returns the path.
    ///
    /// ```swift
    /// let path = try LatentMap.write([vaeMap, aeMap])   // runs/vae-mnist/plots/latent-map-compare.svg
    /// let both = try LatentMap.write(try run.latentMaps(LatentMapOptions(methods: [.tsne, .umap])))
    /// // runs/vae-mnist/plots/latent-map-tsne-umap.svg
    /// ```
    public static func write(_ maps: [LatentMap], to path: String? = nil) throws -> String {
        guard let first = maps.first else { throw LatentError.invalidArgument("no latent map to write") }
        var methods: [LatentMapOptions.Method] = []
        for map in maps where !methods.contains(map.method) { methods.append(map.method) }
        let named = methods == [.pca] ? "latent-map" : methods.count == 1 ? "latent-map-\(methods[0].rawValue)"
            : "latent-map-" + methods.map(\.rawValue).joined(separator: "-")
        let stem = named + (first.split == .train ? "-train" : "")
        let runs = Set(maps.map(\.directory.path))
        let path = path ?? first.directory.plot(runs.count == 1 ? "\(stem).svg" : "\(stem)-compare.svg")
        let plots = maps.map { $0.plot() }
        var svg = plots[0].svg()
        if plots.count > 1 {
            var x = 0, panels = ""
            for plot in plots {
                panels += "<svg x=\"\(x)\" y=\"0\">\(inner(plot.svg()))</svg>\n"
                x += plot.width
            }
            svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(x)\" height=\"\(plots.map(\.height).max() ?? 0)\" font-family=\"sans-serif\" font-size=\"12\">\n"
                + panels + "</svg>\n"
        }
        try AtomicFile.write(Data(svg.utf8), to: URL(fileURLWithPath: path))
        if path == first.directory.plot((path as NSString).lastPathComponent) { _ = try RunReport.write(first.directory) }
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
    /// their codes to a plane by `options.method` (VAE, AE, PPCA: the families
    /// with an encoder), with the map's trustworthiness.
    ///
    /// ```swift
    /// let map = try run.latentMap(LatentMapOptions(count: 1_000, split: .train))
    /// try LatentMap.write([map])   // runs/vae-mnist/plots/latent-map-train.svg
    /// ```
    public func latentMap(_ options: LatentMapOptions = LatentMapOptions()) throws -> LatentMap {
        var one = options
        one.method = options.method
        return try latentMaps(one)[0]
    }

    /// The same codes (encoded once) brought to a plane by each of `options.methods`,
    /// in order, each map with its trustworthiness against the codes — e.g. t-SNE
    /// beside UMAP.
    ///
    /// ```swift
    /// let maps = try run.latentMaps(LatentMapOptions(methods: [.tsne, .umap]))
    /// for map in maps { print(map.method.title, map.trustworthiness ?? .nan) }
    /// try LatentMap.write(maps)   // runs/vae-mnist/plots/latent-map-tsne-umap.svg
    /// ```
    public func latentMaps(_ options: LatentMapOptions) throws -> [LatentMap] {
        // A GAN's latent space has no encoder, so it cannot place test images.
        let model = try capability("latent-map", { $0 is GANModel ? nil : $0 as? any LatentSpaceModel },
                                   { $0 is any LatentSpaceModel.Type && !($0 is GANModel.Type) })
        guard !options.methods.isEmpty else { throw LatentError.invalidArgument("no method to draw the latent map with") }
        guard options.count >= 1 else { throw LatentError.invalidArgument("the number of images must be at least 1, got \(options.count)") }
        guard options.perplexity.isFinite, options.perplexity > 0 else {
            throw LatentError.invalidArgument("the perplexity must be a finite number above 0, got \(options.perplexity)")
        }
        guard options.neighbours >= 2 else { throw LatentError.invalidArgument("UMAP needs at least 2 neighbours, got \(options.neighbours)") }
        guard options.minDistance.isFinite, options.minDistance >= 0, options.minDistance <= 1 else {
            throw LatentError.invalidArgument("UMAP's minimum distance must be between 0 and 1, got \(options.minDistance)")
        }
        let images: Tensor, labels: [Int], hasLabels: Bool, classNames: [String]?
        let nonlinear = options.methods.first { $0 != .pca }
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
            if let nonlinear, train.count < 4 {
                throw LatentError.invalidArgument("\(nonlinear.title) needs at least 4 training images, the run's training split has \(train.count)")
            }
        }
        let codes = try model.encode(images, labels: labels)
        return try options.methods.map { method in
            let (points, ratio) = try LatentMap.plane(codes, method: method, perplexity: options.perplexity, neighbours: options.neighbours,
                                                      minDistance: options.minDistance, showsProgress: options.showsProgress)
            var map = LatentMap(directory: directory, method: method, perplexity: options.perplexity, split: options.split, points: points,
                                labels: hasLabels ? labels : nil, classNames: classNames, explainedVarianceRatio: ratio)
            (map.neighbours, map.minDistance) = (options.neighbours, options.minDistance)
            (map.trustworthiness, map.trustworthinessNeighbours) = LatentMap.trustworthiness(of: points, codes: codes)
            return map
        }
    }
}

import LatentTensor
import LatentData
import LatentOutput
import LatentEvaluation
import LatentModels
import LatentRuns

/// What `TrainedRun.latentWalk` draws: the options of `latent project --walk`.
///
/// ```swift
/// let walk = try vae.latentWalk(LatentWalkOptions(count: 20), compare: [ppca])
/// let (plot, strips) = try walk.write()
/// ```
public struct LatentWalkOptions: Sendable {
    /// Images along the line from z to z′, both ends included (at least 2).
    public var count = 20
    /// Test images (of the first run) drawn as the coloured background.
    public var background = 2_000
    /// Seed of z and z′: each run draws them afresh from it, so runs of one
    /// latent size walk between the same two codes.
    public var seed: UInt64 = 1
    /// The plane is fitted to at most this many training images (the first ones) of the first run.
    public var fitImages = 10_000
    /// Conditional models: the class to decode with (other runs ignore it).
    public var classLabel: Int?

    public init(count: Int = 20, background: Int = 2_000, seed: UInt64 = 1, fitImages: Int = 10_000, classLabel: Int? = nil) {
        self.count = count
        self.background = background
        self.seed = seed
        self.fitImages = fitImages
        self.classLabel = classLabel
    }
}

/// Straight latent walks of one or more runs, decoded and placed in the
/// data's own 2-D PCA plane: where each model's path between two random
/// codes runs through the space of images.
///
/// The plane is fitted once, to the first run's training images as pictures
/// in [0, 1], so runs of either pixel range share it; every run's decoded
/// images are placed in it as pictures in [0, 1] too.
public struct LatentWalk {
    /// One run's walk.
    public struct Path {
        public let directory: RunDirectory
        /// The end codes z and z′ drawn from N(0, I), [2, latent].
        public let ends: Tensor
        /// The codes walked, [count, latent]: z·(1 − t) + z′·t for t = 0, 1/(count − 1), …, 1.
        public let codes: Tensor
        /// Their decoded (mean) images, [count, C, H, W] in [0, 1].
        public let images: Tensor
        /// The images in the plane, [count, 2], numbered 1…count.
        public let points: Tensor

        public var name: String { directory.name }
    }

    /// The plane: fitted to the first run's training images in [0, 1].
    public let pca: PCA
    /// The first run's test images in the plane, [B, 2].
    public let background: Tensor
    /// Their classes, when the data set has labels.
    public let backgroundLabels: [Int]?
    public let classNames: [String]?
    /// One walk per run, the first run's first.
    public let paths: [Path]

    /// Images per walk.
    public var count: Int { paths[0].codes.shape[0] }

    /// The scatter plot: test images coloured by class, each run's walk a
    /// numbered line in its own colour.
    public func plot() -> ScatterPlot {
        let b = background.shape[0]
        let title = paths.count == 1
            ? "\(paths[0].name): a latent walk of \(count) images in the data's PCA plane"
            : "Latent walks of \(count) images in the data's PCA plane"
        var plot = ScatterPlot(title: title,
                               xLabel: String(format: "PC 1 (%.0f%%)", pca.explainedVarianceRatio[0] * 100),
                               yLabel: String(format: "PC 2 (%.0f%%)", pca.explainedVarianceRatio[1] * 100))
        let classes = backgroundLabels.map { ($0.max() ?? -1) + 1 } ?? 1
        plot.points = planePoints(background)
        plot.classes = backgroundLabels ?? Array(repeating: 0, count: b)
        plot.classNames = Array((classNames ?? (0..<classes).map { backgroundLabels == nil ? "data" : "class \($0)" }).prefix(classes))
        plot.paths = paths.map { ScatterPlot.Path(name: $0.name, points: planePoints($0.points)) }
        plot.radius = 2
        plot.pointOpacity = 0.35
        return plot
    }

    /// The walks as images: one captioned row of `count` images per run,
    /// numbered as in the plot.
    public func strips() -> PNGImage {
        let rows = paths.map { path -> Canvas in
            var grid = ImageGrid(images: path.images, columns: count)
            grid.title = "\(path.name) (\(path.directory.config.family))"
            grid.labels = (1...count).map(String.init)
            return grid.canvas()
        }
        let gap = 6
        var canvas = Canvas(width: rows.map(\.width).max() ?? 1, height: rows.map(\.height).reduce(0, +) + gap * (rows.count - 1))
        var top = 0
        for row in rows {
            for y in 0..<row.height { for x in 0..<row.width {
                let i = (y * row.width + x) * 3
                canvas.setPixel(x, top + y, (row.pixels[i], row.pixels[i + 1], row.pixels[i + 2]))
            } }
            top += row.height + gap
        }
        return canvas.pngImage()
    }

    /// Writes the plot (default: the first run's plots/project-walk.svg, or
    /// project-walk-compare.svg for several runs) and the strips (default:
    /// images/project-walk[-compare].png); returns both paths.
    ///
    /// ```swift
    /// let (plot, strips) = try walk.write()   // runs/vae-mnist/plots/project-walk-compare.svg, …/images/project-walk-compare.png
    /// ```
    public func write(plot plotPath: String? = nil, strips stripsPath: String? = nil) throws -> (plot: String, strips: String) {
        let stem = paths.count == 1 ? "project-walk" : "project-walk-compare"
        let plotPath = plotPath ?? paths[0].directory.plot("\(stem).svg")
        try plot().write(to: plotPath)
        let stripsPath = stripsPath ?? paths[0].directory.image("\(stem).png")
        try strips().write(to: stripsPath)
        return (plotPath, stripsPath)
    }
}

extension TrainedRun {
    /// Walks in a straight line between two codes z, z′ ~ N(0, I) drawn from
    /// `seed`, decodes the `count` points (ends included) and places the images
    /// in the first two principal components of this run's training images,
    /// with the walks of `others` in the same plane (VAE, AE, P-PCA, GAN).
    ///
    /// Every run must have images of this run's shape.
    ///
    /// ```swift
    /// let vae = try TrainedRun.open("vae-faces"), ppca = try TrainedRun.open("ppca-faces")
    /// let walk = try vae.latentWalk(compare: [ppca])   // both paths, numbered 1…20, in one plane
    /// ```
    public func latentWalk(_ options: LatentWalkOptions = LatentWalkOptions(), compare others: [TrainedRun] = []) throws -> LatentWalk {
        guard options.count >= 2, options.background >= 1, options.fitImages >= 2 else {
            throw LatentError.invalidArgument("a walk needs at least 2 images, 1 background image and 2 images to fit; got \(options.count), \(options.background) and \(options.fitImages)")
        }
        let runs = [self] + others
        if let other = others.first(where: { $0.imageShape != imageShape }) {
            throw LatentError.invalidArgument("\(other.name) has images of shape \(other.imageShape), \(name) of \(imageShape): walks share one plane only for images of one shape")
        }
        let models = try runs.map { try $0.capability("project --walk", { $0 as? any LatentSpaceModel }, { $0 is any LatentSpaceModel.Type }) }
        let labels = try zip(runs, models).map { try $0.decodeLabels($1, options) }
        let data = try data()
        guard data.train.count >= 2 else { throw LatentError.invalidArgument("the data of \(name) have \(data.train.count) training image; a plane needs 2") }
        let scale = config.data.scale
        let pca = try PCA.fit(scale.toUnit(data.train.rows(Array(0..<Swift.min(options.fitImages, data.train.count)))), components: 2)
        let test = TestImages(data, limit: options.background)
        let paths = try zip(runs, zip(models, labels)).map { run, model -> LatentWalk.Path in
            var rng = RandomGenerator(seed: options.seed)
            let ends = Tensor.normal([2, model.0.latentSize], rng: &rng)
            let codes = Interpolation.straightLine(from: ends.rows(0..<1), to: ends.rows(1..<2), steps: options.count)
            let images = run.pictures(try model.0.decode(codes, labels: model.1))
            return LatentWalk.Path(directory: run.directory, ends: ends, codes: codes, images: images,
                                   points: pca.transform(images.reshaped([options.count, -1])))
        }
        return LatentWalk(pca: pca, background: pca.transform(scale.toUnit(test.images)),
                          backgroundLabels: test.hasLabels ? test.labels : nil, classNames: test.classNames, paths: paths)
    }

    /// The classes a walk of this run decodes with: `classLabel` for a conditional model, nil otherwise.
    private func decodeLabels(_ model: any LatentSpaceModel, _ options: LatentWalkOptions) throws -> [Int]? {
        guard let conditional = model as? any ConditionalSamplingModel, let classes = conditional.conditionalClasses else { return nil }
        guard let chosen = options.classLabel else {
            throw LatentError.invalidArgument("\(name) is conditional: give the class to decode with (--class)")
        }
        guard chosen >= 0, chosen < classes else {
            throw LatentError.invalidArgument("--class must be below \(classes) (the classes of \(name) are 0 to \(classes - 1)), got \(chosen)")
        }
        return Array(repeating: chosen, count: options.count)
    }
}

import LatentTensor
import LatentOutput
import LatentEvaluation
import LatentModels
import LatentRuns

/// What `TrainedRun.project` places: `latent project`'s options.
///
/// ```swift
/// let projection = try run.project(ProjectionOptions(count: 20))
/// let (plot, grid) = try projection.write()
/// ```
public struct ProjectionOptions: Sendable {
    /// Generated images to place.
    public var count = 20
    /// Test images drawn as the coloured background.
    public var background = 2_000
    /// Seed of the model's sampler.
    public var seed: UInt64 = 1
    /// The plane is fitted to at most this many training images (the first ones).
    public var fitImages = 10_000

    public init(count: Int = 20, background: Int = 2_000, seed: UInt64 = 1, fitImages: Int = 10_000) {
        self.count = count
        self.background = background
        self.seed = seed
        self.fitImages = fitImages
    }
}

/// Generated images placed in the data's own 2-D PCA plane (fitted to the
/// training images), over the test images.
///
/// This is the random-sample view of `latent project`; `TrainedRun.latentWalk`
/// (`latent project --walk`) places a straight latent walk of one or several
/// runs in the same kind of plane instead.
public struct Projection {
    public let directory: RunDirectory
    /// The plane: fitted to training images in the data's range.
    public let pca: PCA
    /// Test images in the plane, [B, 2].
    public let background: Tensor
    /// Their classes, when the data set has labels.
    public let backgroundLabels: [Int]?
    public let classNames: [String]?
    /// The generated images, [N, C, H, W] in [0, 1].
    public let samples: Tensor
    /// The generated images in the plane, [N, 2], numbered 1… in the plot and the grid.
    public let samplePoints: Tensor

    /// The scatter plot: test images coloured by class, generated ones numbered.
    public func plot() -> ScatterPlot {
        let (b, n) = (background.shape[0], samplePoints.shape[0])
        var plot = ScatterPlot(title: "\(directory.name): \(n) samples in the data's PCA plane",
                               xLabel: String(format: "PC 1 (%.0f%%)", pca.explainedVarianceRatio[0] * 100),
                               yLabel: String(format: "PC 2 (%.0f%%)", pca.explainedVarianceRatio[1] * 100))
        let classes = backgroundLabels.map { ($0.max() ?? -1) + 1 } ?? 1
        plot.points = planePoints(background) + planePoints(samplePoints)
        plot.classes = (backgroundLabels ?? Array(repeating: 0, count: b)) + Array(repeating: classes, count: n)
        let names = classNames ?? (0..<classes).map { backgroundLabels == nil ? "data" : "class \($0)" }
        plot.classNames = Array(names.prefix(classes)) + ["generated"]
        plot.pointLabels = Array(repeating: "", count: b) + (1...n).map(String.init)
        plot.radius = 2
        return plot
    }

    /// Writes the plot (default: the run's plots/project.svg) and the numbered
    /// samples (default: images/project-samples.png); returns both paths.
    public func write(plot plotPath: String? = nil, grid gridPath: String? = nil) throws -> (plot: String, grid: String) {
        let plotPath = plotPath ?? directory.plot("project.svg")
        try plot().write(to: plotPath)
        var grid = ImageGrid(images: samples)
        grid.labels = (1...samples.shape[0]).map(String.init)
        let gridPath = gridPath ?? directory.image("project-samples.png")
        try grid.render().write(to: gridPath)
        return (plotPath, gridPath)
    }
}

extension TrainedRun {
    /// Draws `count` images and places them, with `background` test images, in
    /// the first two principal components of the training images (every family
    /// that samples).
    public func project(_ options: ProjectionOptions = ProjectionOptions()) throws -> Projection {
        let sampler = try capability("project", { $0 as? any SamplingModel }, { $0 is any SamplingModel.Type })
        guard options.count >= 1, options.background >= 1, options.fitImages >= 2 else {
            throw LatentError.invalidArgument("project needs at least 1 sample, 1 background image and 2 images to fit; got \(options.count), \(options.background) and \(options.fitImages)")
        }
        let data = try data()
        guard data.train.count >= 2 else { throw LatentError.invalidArgument("the data of \(name) have \(data.train.count) training image; a plane needs 2") }
        let pca = try PCA.fit(data.train.rows(Array(0..<Swift.min(options.fitImages, data.train.count))), components: 2)
        let test = TestImages(data, limit: options.background)
        var rng = RandomGenerator(seed: options.seed)
        let generated = sampler.sample(options.count, rng: &rng)
        return Projection(directory: directory, pca: pca, background: pca.transform(test.images),
                          backgroundLabels: test.hasLabels ? test.labels : nil, classNames: test.classNames,
                          samples: pictures(generated), samplePoints: pca.transform(generated))
    }
}

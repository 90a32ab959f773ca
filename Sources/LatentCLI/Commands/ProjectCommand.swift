import ArgumentParser
import Foundation
import Latent

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

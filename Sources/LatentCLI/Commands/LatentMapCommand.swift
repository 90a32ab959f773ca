import ArgumentParser
import Foundation
import Latent

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

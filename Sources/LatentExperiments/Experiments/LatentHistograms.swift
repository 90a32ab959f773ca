import Foundation
import LatentTensor
import LatentData
import LatentOutput
import LatentModels
import LatentRuns

/// What `TrainedRun.latentHistograms` draws: `latent latent-histograms`'s options.
///
/// ```swift
/// let h = try run.latentHistograms(LatentHistogramsOptions(count: 2_000, dimensions: 16))
/// try h.write()   // runs/vae-mnist/plots/latent-histograms.svg
/// ```
public struct LatentHistogramsOptions: Sendable {
    /// Test images whose codes are counted (the first ones, as `latent evaluate` scores them).
    public var count = 2_000
    /// The most dimensions drawn: the first `dimensions` of the code (all of them when there are fewer).
    public var dimensions = 16
    /// Bins per histogram.
    public var bins = 30

    public init(count: Int = 2_000, dimensions: Int = 16, bins: Int = 30) {
        self.count = count
        self.dimensions = dimensions
        self.bins = bins
    }
}

/// The distribution of each latent dimension over test images: one histogram
/// per dimension of the codes (posterior means of VAE, AE and PPCA, hidden
/// probabilities of an RBM, mean-field activations of a DBM), as densities,
/// with the N(0, 1) density of the prior overlaid where the model's prior is
/// N(0, I) (VAEs with the standard prior, PPCA). Dimensions squeezed to a spike
/// at 0 are the ones a VAE left unused (posterior collapse).
public struct LatentHistograms {
    /// One dimension's histogram.
    public struct Dimension: Sendable {
        /// 0-based index in the code.
        public let index: Int
        /// `bins + 1` bin edges, ascending.
        public let edges: [Double]
        /// Density of each bin: count / (images · width), so the bars integrate to 1.
        public let density: [Double]
        public let mean: Double
        public let standardDeviation: Double
    }

    public let directory: RunDirectory
    /// The length of the codes (at least `dimensions.count`).
    public let codeDimension: Int
    /// Test images counted.
    public let images: Int
    /// The first dimensions, in order.
    public let dimensions: [Dimension]
    /// Whether the prior over each dimension is N(0, 1), whose density is overlaid.
    public let standardNormalPrior: Bool

    /// Histograms of the columns of `codes` [N, L]: the first `dimensions` of them, `bins` bins each
    /// over the column's range (widened to ±3.5 when `coveringPrior`, so N(0, 1) fits).
    ///
    /// ```swift
    /// let columns = LatentHistograms.histograms(codes, dimensions: 16, bins: 30, coveringPrior: true)
    /// ```
    public static func histograms(_ codes: Tensor, dimensions: Int, bins: Int, coveringPrior: Bool) -> [Dimension] {
        precondition(codes.rank == 2 && codes.shape[0] >= 1 && bins >= 1, "codes are [N ≥ 1, L], got \(codes.shape)")
        let (n, l) = (codes.shape[0], codes.shape[1])
        let v = codes.scalars.map(Double.init)
        return (0..<Swift.min(dimensions, l)).map { d in
            let column = (0..<n).map { v[$0 * l + d] }.filter(\.isFinite)
            var low = column.min() ?? 0, high = column.max() ?? 0
            if coveringPrior { low = Swift.min(low, -3.5); high = Swift.max(high, 3.5) }
            if high - low < 1e-6 { low -= 0.5; high += 0.5 }
            let width = (high - low) / Double(bins)
            var counts = [Int](repeating: 0, count: bins)
            for x in column { counts[Swift.min(Int((x - low) / width), bins - 1)] += 1 }
            let mean = column.reduce(0, +) / Double(Swift.max(column.count, 1))
            let variance = column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(Swift.max(column.count, 1))
            return Dimension(index: d, edges: (0...bins).map { low + Double($0) * width },
                             density: counts.map { Double($0) / (Double(Swift.max(column.count, 1)) * width) },
                             mean: mean, standardDeviation: variance.squareRoot())
        }
    }

    /// One small chart per dimension, four to a row, under a title; the prior's density dashed.
    public func svg() -> String {
        let columns = Swift.min(4, Swift.max(dimensions.count, 1)), (w, h) = (320, 230)
        let rows = (dimensions.count + columns - 1) / columns
        let header = 36
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(w * columns)\" height=\"\(header + h * rows)\" font-family=\"sans-serif\" font-size=\"12\">\n"
        s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        let shown = dimensions.count < codeDimension ? "the first \(dimensions.count) of \(codeDimension) dimensions" : "all \(codeDimension) dimensions"
        let prior = standardNormalPrior ? ", prior N(0, 1) dashed" : ""
        let title = "\(directory.name): \(directory.config.family) codes of \(images) test images, \(shown)\(prior)"
        s += "<text x=\"\(w * columns / 2)\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">\(escape(title))</text>\n"
        for (k, dimension) in dimensions.enumerated() {
            var chart = LineChart(title: String(format: "z%d: mean %.2f, sd %.2f", dimension.index + 1, dimension.mean, dimension.standardDeviation),
                                  xLabel: "value", yLabel: "density")
            (chart.width, chart.height) = (w, h)
            var x: [Double] = [dimension.edges[0]], y: [Double] = [0]
            for (b, density) in dimension.density.enumerated() {
                x += [dimension.edges[b], dimension.edges[b + 1]]; y += [density, density]
            }
            x.append(dimension.edges.last!); y.append(0)
            chart.add("codes", x: x, y: y)
            if standardNormalPrior {
                let (low, high) = (dimension.edges.first!, dimension.edges.last!)
                let grid = (0...120).map { low + (high - low) * Double($0) / 120 }
                chart.add("N(0, 1)", x: grid, y: grid.map { Foundation.exp(-$0 * $0 / 2) / (2 * Double.pi).squareRoot() }, dashed: true)
            }
            s += "<svg x=\"\(w * (k % columns))\" y=\"\(header + h * (k / columns))\">\(LatentMap.inner(chart.svg()))</svg>\n"
        }
        return s + "</svg>\n"
    }

    /// Writes the figure to `path` (default: the run's plots/latent-histograms.svg) and
    /// refreshes the run's report.html; returns the path.
    public func write(to path: String? = nil) throws -> String {
        let path = path ?? directory.plot("latent-histograms.svg")
        try AtomicFile.write(Data(svg().utf8), to: URL(fileURLWithPath: path))
        if path == directory.plot("latent-histograms.svg") { _ = try RunReport.write(directory) }
        return path
    }

    func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}

extension TrainedRun {
    /// Encodes the first `count` test images and histograms the first `dimensions`
    /// dimensions of their codes (VAE, AE, PPCA, RBM, DBM: the families with codes).
    ///
    /// ```swift
    /// let h = try run.latentHistograms(LatentHistogramsOptions(dimensions: 32))
    /// print(try h.write())   // runs/vae-mnist/plots/latent-histograms.svg
    /// ```
    public func latentHistograms(_ options: LatentHistogramsOptions = LatentHistogramsOptions()) throws -> LatentHistograms {
        guard options.count >= 1 else { throw LatentError.invalidArgument("the number of images must be at least 1, got \(options.count)") }
        guard options.dimensions >= 1 else { throw LatentError.invalidArgument("the number of dimensions must be at least 1, got \(options.dimensions)") }
        guard options.bins >= 1 else { throw LatentError.invalidArgument("the number of bins must be at least 1, got \(options.bins)") }
        let test = try testImages(limit: options.count)
        guard test.count >= 1 else { throw LatentError.invalidArgument("the data of \(name) have no test images") }
        guard let codes = try RepresentationEvaluation.codes(of: model, test.images, labels: test.labels) else {
            throw LatentError.invalidArgument("model '\(config.family)' has no codes to draw (vae, conv-vae, ae, conv-ae, ppca, rbm and dbm do)")
        }
        let standard = (model as? VAEModel).map { $0.options.prior == .standard } ?? (model is PPCAModel)
        return LatentHistograms(directory: directory, codeDimension: codes.shape[1], images: codes.shape[0],
                                dimensions: LatentHistograms.histograms(codes, dimensions: options.dimensions, bins: options.bins,
                                                                        coveringPrior: standard),
                                standardNormalPrior: standard)
    }
}

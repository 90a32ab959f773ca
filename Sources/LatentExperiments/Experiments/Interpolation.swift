import LatentTensor
import LatentOutput
import LatentModels
import LatentRuns

/// What `TrainedRun.interpolate` walks: `latent interpolate`'s options.
///
/// ```swift
/// var options = InterpolationOptions(steps: 10)
/// options.from = 0; options.to = 1          // between the codes of test images 0 and 1
/// ```
public struct InterpolationOptions: Sendable {
    /// Images per row, both ends included (at least 2).
    public var steps = 20
    /// Rows of random pairs of codes drawn from N(0, I) (ignored with `from`/`to`).
    public var pairs = 5
    /// Index of the first test image (give `to` as well): one row from its code to `to`'s.
    public var from: Int?
    /// Index of the second test image.
    public var to: Int?
    /// Seed of the random end codes.
    public var seed: UInt64 = 1
    /// Conditional models: the class to decode with (default: the class of test image `from`).
    public var classLabel: Int?
    /// Draw every step's pixels x ~ p(x | z) from the model's likelihood instead
    /// of showing the mean image (`LatentPixelDrawingModel`; images/interpolate-drawn.png).
    public var draw = false

    public init(steps: Int = 20, pairs: Int = 5, from: Int? = nil, to: Int? = nil, seed: UInt64 = 1, classLabel: Int? = nil,
                draw: Bool = false) {
        self.steps = steps
        self.pairs = pairs
        self.from = from
        self.to = to
        self.seed = seed
        self.classLabel = classLabel
        self.draw = draw
    }
}

/// Straight walks through a latent space, decoded: one row per pair of end codes.
public struct Interpolation {
    public let directory: RunDirectory
    /// The codes walked, [rows·steps, latent], row by row (both ends included).
    public let codes: Tensor
    /// Their decoded images, [rows·steps, C, H, W] in [0, 1].
    public let images: Tensor
    /// Images per row.
    public let steps: Int
    /// Whether the images are drawn from p(x | z) rather than its mean.
    public var drawn = false

    public var rows: Int { codes.shape[0] / steps }

    /// The points of the straight lines from each row of `start` to the same row
    /// of `end` ([P, L] each): `steps` points per pair, t = 0, 1/(steps−1), …, 1,
    /// as rows [P·steps, L] (start·(1 − t) + end·t).
    ///
    /// ```swift
    /// let line = Interpolation.straightLine(from: a, to: b, steps: 5)   // a, ¾a+¼b, ½a+½b, ¼a+¾b, b
    /// ```
    public static func straightLine(from start: Tensor, to end: Tensor, steps: Int) -> Tensor {
        precondition(steps >= 2, "a line needs at least 2 points, got \(steps)")
        precondition(start.rank == 2 && start.shape == end.shape, "straightLine: \(start.shape) and \(end.shape) ends")
        var points: [Tensor] = []
        for r in 0..<start.shape[0] {
            let a = start.rows(r..<(r + 1)), b = end.rows(r..<(r + 1))
            for s in 0..<steps {
                let t = Float(s) / Float(steps - 1)
                points.append(a * (1 - t) + b * t)
            }
        }
        return Tensor.concatenate(points, axis: 0)
    }

    /// Writes the walks as a grid, one row per pair, to `path` (default: the
    /// run's images/interpolate.png, or interpolate-drawn.png for drawn pixels, which
    /// refreshes the run's report.html); returns the path.
    public func write(to path: String? = nil) throws -> String {
        let inRun = directory.image(drawn ? "interpolate-drawn.png" : "interpolate.png")
        let path = path ?? inRun
        try ImageGrid(images: images, columns: steps).render().write(to: path)
        if path == inRun { _ = try RunReport.write(directory) }   // report.html shows the new picture
        return path
    }
}

extension TrainedRun {
    /// Walks in a straight line between the codes of two test images, or
    /// between `pairs` random draws from N(0, I), and decodes every step
    /// (VAE, AE, PPCA; GANs between random codes only). With `draw`, every
    /// step's pixels are drawn from p(x | z) instead of shown as the mean.
    public func interpolate(_ options: InterpolationOptions = InterpolationOptions()) throws -> Interpolation {
        let model = try capability("interpolate", { $0 as? any LatentSpaceModel }, { $0 is any LatentSpaceModel.Type })
        guard options.steps >= 2 else { throw LatentError.invalidArgument("an interpolation needs at least 2 steps, got \(options.steps)") }
        guard options.pairs >= 1 else { throw LatentError.invalidArgument("an interpolation needs at least 1 pair, got \(options.pairs)") }
        var start: Tensor, end: Tensor
        var decodeClass = options.classLabel
        switch (options.from, options.to) {
        case let (from?, to?):
            let test = try testImages()
            guard from >= 0, to >= 0, from < test.count, to < test.count else {
                throw LatentError.invalidArgument("--from and --to must be test indices below \(test.count), got \(from) and \(to)")
            }
            let ends = try model.encode(test.images.gatherRows([from, to]), labels: [test.labels[from], test.labels[to]])
            (start, end) = (ends.rows(0..<1), ends.rows(1..<2))
            if decodeClass == nil { decodeClass = test.labels[from] }
        case (nil, nil):
            var rng = RandomGenerator(seed: options.seed)
            start = Tensor.normal([options.pairs, model.latentSize], rng: &rng)
            end = Tensor.normal([options.pairs, model.latentSize], rng: &rng)
        default:
            throw LatentError.invalidArgument("give both --from and --to, or neither")
        }
        let codes = Interpolation.straightLine(from: start, to: end, steps: options.steps)
        let labels = decodeClass.map { Array(repeating: $0, count: codes.shape[0]) }
        if options.draw {
            guard let drawer = try pixelDrawer("interpolate") as? any LatentPixelDrawingModel else {
                throw LatentError.invalidArgument("`interpolate --draw` needs a model with codes and a pixel likelihood (vae, conv-vae, ae, conv-ae, ppca)")
            }
            var rng = RandomGenerator(seed: options.seed &+ 1)
            let drawn = try drawer.drawDecoded(codes, labels: labels, rng: &rng)
            var result = Interpolation(directory: directory, codes: codes, images: pictures(clippedToData(drawn)), steps: options.steps)
            result.drawn = true
            return result
        }
        let decoded = try model.decode(codes, labels: labels)
        return Interpolation(directory: directory, codes: codes, images: pictures(decoded), steps: options.steps)
    }
}

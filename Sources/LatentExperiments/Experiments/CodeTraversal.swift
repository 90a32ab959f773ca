import LatentTensor
import LatentOutput
import LatentModels
import LatentRuns

/// What `TrainedRun.traverse` draws: `latent traverse`'s options.
///
/// ```swift
/// var options = CodeTraversalOptions(steps: 7)
/// options.code = 0          // vary only the first continuous code
/// ```
public struct CodeTraversalOptions: Sendable {
    /// Columns: values of the continuous code, evenly from −range to range (both ends included; at least 2).
    public var steps = 9
    /// The continuous code runs from −range to range (training drew it from U(−1, 1), so beyond ±1 it extrapolates).
    public var range: Float = 2
    /// The continuous code to vary (0-based); nil: every code, one grid each, side by side.
    public var code: Int?
    /// Seed of the noise z, the same for every image of the picture.
    public var seed: UInt64 = 1

    public init(steps: Int = 9, range: Float = 2, code: Int? = nil, seed: UInt64 = 1) {
        self.steps = steps
        self.range = range
        self.code = code
        self.seed = seed
    }
}

/// An InfoGAN's codes varied one at a time with the noise z held fixed: in each
/// grid a row per value of the categorical code and a column per value of one
/// continuous code (the other continuous codes at 0). Without continuous codes,
/// one grid: a row per categorical value, a fresh z per column.
public struct CodeTraversal {
    public let directory: RunDirectory
    /// One grid per continuous code varied, each [K·steps, C, H, W] in [0, 1], row by row.
    public let grids: [Tensor]
    /// The caption above each grid ("code 1: -2 to 2").
    public let captions: [String]
    /// Columns of each grid.
    public let steps: Int
    /// The values the continuous code took, left to right (empty without continuous codes).
    public let values: [Float]

    /// Writes the grids side by side, each captioned, to `path` (default: the run's
    /// images/code-traversal.png, which also refreshes report.html); returns the path.
    public func write(to path: String? = nil) throws -> String {
        let inRun = directory.image("code-traversal.png")
        let path = path ?? inRun
        try ImageGrid.sideBySide(grids, captions: captions, columns: steps, scale: 2).write(to: path)
        if path == inRun { _ = try RunReport.write(directory) }   // report.html shows the new picture
        return path
    }
}

extension TrainedRun {
    /// Varies an InfoGAN's codes one at a time (see `CodeTraversal`); any other
    /// model is refused in one line.
    ///
    /// ```swift
    /// let traversal = try TrainedRun.open("infogan-mnist").traverse(CodeTraversalOptions(steps: 9))
    /// print(try traversal.write())   // runs/infogan-mnist/images/code-traversal.png
    /// ```
    public func traverse(_ options: CodeTraversalOptions = CodeTraversalOptions()) throws -> CodeTraversal {
        let model = try capability("traverse", { $0 as? any CodeTraversalModel }, { $0 is any CodeTraversalModel.Type })
        guard let codes = model.infoCodes else {
            throw LatentError.invalidArgument("`traverse` varies an InfoGAN's codes; \(name) has none (train gan or dcgan with --variant infogan)")
        }
        guard options.steps >= 2 else { throw LatentError.invalidArgument("a traversal needs at least 2 steps, got \(options.steps)") }
        guard options.range.isFinite, options.range > 0 else {
            throw LatentError.invalidArgument("the range of a traversal must be a finite number above 0, got \(options.range)")
        }
        if let code = options.code, !(0..<codes.continuous).contains(code) {
            throw LatentError.invalidArgument(codes.continuous == 0 ? "this InfoGAN has no continuous codes to vary"
                                              : "the continuous code must be from 1 to \(codes.continuous), got \(code + 1)")
        }
        var rng = RandomGenerator(seed: options.seed)
        let (k, c, steps) = (codes.categorical, codes.continuous, options.steps)
        let categorical = (0..<(k * steps)).map { $0 / steps }
        guard c > 0 else {
            // No continuous code: a fresh z per column, the same z down each column.
            let z = Tensor.normal([steps, model.latentSize], rng: &rng).gatherRows((0..<(k * steps)).map { $0 % steps })
            let images = model.generate(noise: z, categorical: categorical, continuous: nil)
            return CodeTraversal(directory: directory, grids: [pictures(images)], captions: ["rows: categorical code, columns: z"],
                                 steps: steps, values: [])
        }
        let values = (0..<steps).map { -options.range + 2 * options.range * Float($0) / Float(steps - 1) }
        let z = Tensor.normal([1, model.latentSize], rng: &rng).gatherRows(Array(repeating: 0, count: k * steps))
        let varied = options.code.map { [$0] } ?? Array(0..<c)
        let grids = varied.map { code -> Tensor in
            var continuous = [Float](repeating: 0, count: k * steps * c)
            for row in 0..<(k * steps) { continuous[row * c + code] = values[row % steps] }
            return pictures(model.generate(noise: z, categorical: categorical, continuous: Tensor(continuous, shape: [k * steps, c])))
        }
        let range = options.range == options.range.rounded() ? String(Int(options.range)) : String(options.range)
        return CodeTraversal(directory: directory, grids: grids, captions: varied.map { "code \($0 + 1): -\(range) to \(range)" },
                             steps: steps, values: values)
    }
}

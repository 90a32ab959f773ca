import Foundation
import LatentTensor
import LatentData
import LatentOutput
import LatentModels
import LatentRuns

/// What `TrainedRun.sample` draws: `latent sample`'s options.
///
/// ```swift
/// var options = SamplingOptions(count: 64, seed: 3)
/// options.gibbsSteps = [1, 10, 100]     // RBM/DBM: one grid per chain length
/// ```
public struct SamplingOptions: Sendable {
    /// Images to draw (a 10×10 grid for 100).
    public var count = 100
    /// Seed of the random generator (every Gibbs length starts from the same noise).
    public var seed: UInt64 = 1
    /// Conditional models: draw only this class.
    public var classLabel: Int?
    /// RBM/DBM: chain lengths, one grid each; empty draws with the model's own sampler.
    public var gibbsSteps: [Int] = []
    /// RBM/DBM with `gibbsSteps`: start the chains at the first test images instead of noise.
    public var fromData = false
    /// Show as many real test images beside the drawn ones (the course's "16 real and 16 generated").
    public var besideReal = false
    /// Draw the pixels x ~ p(x | z) from the model's likelihood instead of showing
    /// the mean image E[x | z] (`PixelDrawingModel`; files end in -drawn).
    public var draw = false
    /// Diffusion models: DDIM steps instead of the full ancestral chain (nil: the full chain; `StepSamplingModel`).
    public var steps: Int?
    /// Diffusion models with `steps`: DDIM's η (nil or 0: deterministic; 1 with steps = T: the ancestral chain).
    public var eta: Float?

    public init(count: Int = 100, seed: UInt64 = 1, classLabel: Int? = nil, gibbsSteps: [Int] = [], fromData: Bool = false,
                besideReal: Bool = false, draw: Bool = false, steps: Int? = nil, eta: Float? = nil) {
        self.count = count
        self.seed = seed
        self.classLabel = classLabel
        self.gibbsSteps = gibbsSteps
        self.fromData = fromData
        self.besideReal = besideReal
        self.draw = draw
        self.steps = steps
        self.eta = eta
    }
}

/// One grid of drawn images and the file it goes to under the run's images/.
public struct SampleGrid {
    /// [N, C, H, W] in [0, 1].
    public let images: Tensor
    /// Drawn above the grid (the Gibbs chain length), if any.
    public let title: String?
    /// The file name under the run's images/ folder ("sample-100.png").
    public let fileName: String
    /// Real test images shown beside the drawn ones ([N, C, H, W] in [0, 1]), if asked for.
    public var real: Tensor? = nil
}

/// Images drawn from a run's model: one grid, or one per Gibbs chain length.
public struct Samples {
    public let directory: RunDirectory
    public let grids: [SampleGrid]

    /// Writes every grid as a PNG and returns the paths written, in order.
    /// A single grid goes to `output` when given (else images/`fileName`) and,
    /// with `npy`, also as a float32 array [N, C, H, W] in [0, 1] (its path
    /// comes first). Gibbs grids always go to images/sample-gibbs-<k>[-from-data][-drawn].png.
    /// Pictures written into the run's images/ refresh its report.html.
    public func write(to output: String? = nil, npy: String? = nil) throws -> [String] {
        if grids.count == 1, let grid = grids.first {
            var paths: [String] = []
            if let npy {
                try NPY.write(grid.images, to: npy)
                paths.append(npy)
            }
            let path = output ?? directory.image(grid.fileName)
            if let real = grid.real {
                try ImageGrid.sideBySide([real, grid.images], captions: ["real (test)", "generated"],
                                         columns: ImageGrid.squareColumns(grid.images.shape[0]), scale: 2).write(to: path)
            } else {
                try ImageGrid(images: grid.images).render().write(to: path)
            }
            if output == nil { _ = try RunReport.write(directory) }   // report.html shows the new picture
            return paths + [path]
        }
        let paths = try grids.map { grid in
            var picture = ImageGrid(images: grid.images)
            picture.title = grid.title
            let path = directory.image(grid.fileName)
            try picture.render().write(to: path)
            return path
        }
        _ = try RunReport.write(directory)
        return paths
    }
}

extension TrainedRun {
    /// Draws new images: from the model's sampler, from one class of a
    /// conditional model (`classLabel`), or from Gibbs chains of each length in
    /// `gibbsSteps` (RBM, DBM). Each Gibbs length restarts from the same seed,
    /// so the grids differ only by the chain's length. With `draw`, the pixels
    /// are drawn from the model's likelihood (`PixelDrawingModel`) instead of
    /// shown as the mean image.
    ///
    /// ```swift
    /// let grids = try run.sample(SamplingOptions(count: 100, classLabel: 3)).grids
    /// let drawn = try run.sample(SamplingOptions(count: 16, draw: true))   // images/sample-16-drawn.png
    /// ```
    public func sample(_ options: SamplingOptions = SamplingOptions()) throws -> Samples {
        guard options.count >= 1 else { throw LatentError.invalidArgument("the number of samples must be at least 1, got \(options.count)") }
        let sampler = try capability("sample", { $0 as? any SamplingModel }, { $0 is any SamplingModel.Type })
        if !options.gibbsSteps.isEmpty {
            guard !options.besideReal else { throw LatentError.invalidArgument("--beside-real shows one grid; it does not combine with --gibbs-steps") }
            return Samples(directory: directory, grids: try gibbsGrids(options))
        }
        var rng = RandomGenerator(seed: options.seed)
        let stepper = sampler as? any StepSamplingModel
        if options.steps != nil && stepper == nil {
            throw LatentError.invalidArgument("--steps needs a diffusion model (ddpm); \(directory.config.family) samples in one pass")
        }
        if options.eta != nil && stepper == nil {
            throw LatentError.invalidArgument("--eta needs a diffusion model (ddpm); \(directory.config.family) samples in one pass")
        }
        if options.eta != nil && options.steps == nil {
            throw LatentError.invalidArgument("--eta is the noise of DDIM's steps; give --steps too (--steps T --eta 1 is the ancestral chain)")
        }
        let drawn: Tensor
        let drawer = options.draw ? try pixelDrawer("sample") : nil
        if let chosen = options.classLabel {
            guard let conditional = sampler as? any ConditionalSamplingModel, let classes = conditional.conditionalClasses else {
                throw LatentError.invalidArgument("--class needs a conditional model (train with --conditional)")
            }
            guard chosen >= 0, chosen < classes else {
                throw LatentError.invalidArgument("--class must be below \(classes) (the model's classes are 0 to \(classes - 1)), got \(chosen)")
            }
            let labels = Array(repeating: chosen, count: options.count)
            drawn = try drawer.map { try $0.drawSamples(options.count, classes: labels, rng: &rng) }
                ?? conditional.sample(options.count, classes: labels, rng: &rng)
        } else {
            drawn = try drawer.map { try $0.drawSamples(options.count, classes: nil, rng: &rng) }
                ?? stepper.map { try $0.sample(options.count, steps: options.steps, eta: options.eta ?? 0, showProgress: true, rng: &rng) }
                ?? sampler.sample(options.count, rng: &rng)
        }
        let file = (options.classLabel.map { "sample-\(options.count)-class\($0)" } ?? "sample-\(options.count)")
            + (options.steps.map { "-ddim\($0)" } ?? "")
            + (options.eta.map { String(format: "-eta%g", $0) } ?? "")
            + (options.draw ? "-drawn" : "") + (options.besideReal ? "-beside-real.png" : ".png")
        let real = options.besideReal ? pictures(try testImages(limit: options.count).images) : nil
        return Samples(directory: directory, grids: [SampleGrid(images: pictures(options.draw ? clippedToData(drawn) : drawn), title: nil,
                                                                fileName: file, real: real)])
    }

    private func gibbsGrids(_ options: SamplingOptions) throws -> [SampleGrid] {
        let gibbs = try capability("sample --gibbs-steps", { $0 as? any GibbsSamplingModel }, { $0 is any GibbsSamplingModel.Type })
        if let bad = options.gibbsSteps.first(where: { $0 < 1 }) {
            throw LatentError.invalidArgument("Gibbs chain lengths must be at least 1, got \(bad)")
        }
        let drawer = options.draw ? try pixelDrawer("sample --gibbs-steps") as? any GibbsPixelDrawingModel : nil
        if options.draw && drawer == nil { throw LatentError.invalidArgument("`sample --gibbs-steps --draw` needs an RBM or a DBM") }
        let start = try options.fromData ? testImages(limit: options.count).images : nil
        let suffix = (options.fromData ? "-from-data" : "") + (options.draw ? "-drawn" : "")
        return options.gibbsSteps.map { steps in
            var rng = RandomGenerator(seed: options.seed)   // the same starting noise for every length
            let count = start?.shape[0] ?? options.count
            let drawn = drawer.map { $0.drawSamples(count, gibbsSteps: steps, from: start, rng: &rng) }
                ?? gibbs.sample(count, gibbsSteps: steps, from: start, rng: &rng)
            return SampleGrid(images: pictures(drawn), title: "\(steps) Gibbs steps from \(options.fromData ? "test images" : "noise")"
                                  + (options.draw ? ", drawn" : ""),
                              fileName: "sample-gibbs-\(steps)\(suffix).png")
        }
    }
}

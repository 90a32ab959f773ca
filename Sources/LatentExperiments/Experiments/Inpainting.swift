import LatentTensor
import LatentOutput
import LatentModels
import LatentRuns

/// What `TrainedRun.inpaint` removes and restores: `latent inpaint`'s options.
///
/// ```swift
/// let result = try run.inpaint(InpaintingOptions(rows: 10..<16, count: 16))
/// print(result.meanSquaredError)      // on the removed pixels only
/// ```
public struct InpaintingOptions: Sendable {
    /// Image rows removed (in every channel), anywhere in the image. An empty
    /// range (`0..<0`) removes nothing: the calibration run, whose restoration must equal the input.
    public var rows: Range<Int> = 10..<16
    /// Test images (the first ones of the test split).
    public var count = 16
    /// Seed of the model's sampler.
    public var seed: UInt64 = 1
    /// Gibbs steps of the restoring chain (known pixels clamped).
    public var gibbsSteps = InpaintingOptions.defaultGibbsSteps

    public static let defaultGibbsSteps = 200

    public init(rows: Range<Int> = 10..<16, count: Int = 16, seed: UInt64 = 1, gibbsSteps: Int = InpaintingOptions.defaultGibbsSteps) {
        self.rows = rows
        self.count = count
        self.seed = seed
        self.gibbsSteps = gibbsSteps
    }
}

/// Masks and scores of inpainting by rows.
public enum InpaintingMask {
    /// A mask [count, C·H·W] for images of `imageShape` ([C, H, W]): 0 on
    /// image rows `rows` in every channel (removed), 1 elsewhere (known).
    ///
    /// ```swift
    /// let known = InpaintingMask.removingRows(10..<16, imageShape: [1, 28, 28], count: 16)
    /// ```
    public static func removingRows(_ rows: Range<Int>, imageShape: [Int], count: Int) -> Tensor {
        precondition(imageShape.count == 3, "images are [C, H, W], got \(imageShape)")
        let (c, h, w) = (imageShape[0], imageShape[1], imageShape[2])
        precondition(rows.lowerBound >= 0 && rows.upperBound <= h, "rows \(rows) outside an image of \(h) rows")
        var known = Tensor.ones([count, c * h * w])
        known.withMutableData { p in
            for i in 0..<count { for ch in 0..<c { for y in rows { for x in 0..<w { p[i * c * h * w + (ch * h + y) * w + x] = 0 } } } }
        }
        return known
    }

    /// Mean squared error between `restored` and `original` over the removed
    /// pixels (`known` = 0) only; 0 when nothing was removed.
    public static func removedError(restored: Tensor, original: Tensor, known: Tensor) -> Double {
        withoutGradient {
            let removed = Double((1 - known).sum().item)
            guard removed > 0 else { return 0 }
            return Double(((restored - original) * (1 - known)).pow(2).sum().item) / removed
        }
    }
}

/// Test images with rows removed and the model's restoration.
public struct Inpainting {
    public let directory: RunDirectory
    /// The removed image rows.
    public let rows: Range<Int>
    /// The test images, [N, C, H, W] in [0, 1].
    public let originals: Tensor
    /// The same with the removed rows drawn mid-grey, [N, C, H, W] in [0, 1].
    public let masked: Tensor
    /// The model's restoration, [N, C, H, W] in [0, 1]; equal to `originals` outside the removed rows.
    public let restored: Tensor
    /// Mean squared error per removed pixel, in the data's own range.
    public let meanSquaredError: Double

    public var count: Int { originals.shape[0] }

    /// Writes original, masked and restored side by side to `path` (default:
    /// the run's images/inpaint-<start>-<end>.png); returns the path.
    public func write(to path: String? = nil) throws -> String {
        let path = path ?? directory.image("inpaint-\(rows.lowerBound)-\(rows.upperBound).png")
        try ImageGrid.sideBySide([originals, masked, restored], captions: ["original", "rows removed", "restored"],
                                 columns: ImageGrid.squareColumns(count), scale: 2).write(to: path)
        return path
    }
}

/// Where `InpaintingSweep` removes its rows.
public enum RemovedRowsPlace: String, CaseIterable, Sendable {
    case top, middle, bottom

    /// `count` rows at this place of an image `height` rows high.
    public func rows(_ count: Int, height: Int) -> Range<Int> {
        switch self {
        case .top: return 0..<count
        case .middle: return (height - count) / 2..<((height - count) / 2 + count)
        case .bottom: return (height - count)..<height
        }
    }
}

/// What `TrainedRun.inpaintingSweep` measures: `latent inpaint --sweep`.
public struct InpaintingSweepOptions: Sendable {
    /// Test images (the first ones of the test split).
    public var count = 100
    /// Seed of the model's sampler (the same for every setting).
    public var seed: UInt64 = 1
    /// Show a progress bar.
    public var showsProgress = true
    /// Gibbs steps of each restoring chain.
    public var gibbsSteps = InpaintingOptions.defaultGibbsSteps

    public init(count: Int = 100, seed: UInt64 = 1, showsProgress: Bool = true, gibbsSteps: Int = InpaintingOptions.defaultGibbsSteps) {
        self.count = count
        self.seed = seed
        self.showsProgress = showsProgress
        self.gibbsSteps = gibbsSteps
    }
}

/// The inpainting error against the number of removed rows (2, 4, … up to half
/// the height) at the top, middle and bottom of the images.
public struct InpaintingSweep {
    public struct Point: Sendable {
        public let place: RemovedRowsPlace
        public let rows: Int
        /// Mean squared error per removed pixel.
        public let error: Double
    }

    public let directory: RunDirectory
    /// Test images used.
    public let count: Int
    /// One point per place and number of rows, places in `RemovedRowsPlace` order.
    public let points: [Point]

    /// The error chart, one line per place.
    public func chart() -> LineChart {
        var chart = LineChart(title: "Inpainting error against removed rows", xLabel: "rows removed",
                              yLabel: "mean squared error per removed pixel")
        for place in RemovedRowsPlace.allCases {
            let line = points.filter { $0.place == place }
            chart.add(place.rawValue, x: line.map { Double($0.rows) }, y: line.map(\.error))
        }
        return chart
    }

    /// Writes the chart to `path` (default: the run's plots/inpaint-sweep.svg); returns the path.
    public func write(to path: String? = nil) throws -> String {
        let path = path ?? directory.plot("inpaint-sweep.svg")
        try chart().write(to: path)
        return path
    }
}

extension TrainedRun {
    /// Removes `rows` of the first `count` test images and lets the model
    /// restore them (RBM, DBM: the known pixels stay clamped).
    public func inpaint(_ options: InpaintingOptions = InpaintingOptions()) throws -> Inpainting {
        let painter = try inpainter()
        let height = imageShape[1]
        guard options.rows.lowerBound >= 0 else {
            throw LatentError.invalidArgument("--rows must start at row 0 or later, got \(options.rows.lowerBound):\(options.rows.upperBound)")
        }
        guard options.rows.upperBound <= height else {
            throw LatentError.invalidArgument("--rows \(options.rows.lowerBound):\(options.rows.upperBound) ends past the image's \(height) rows; the end must be at most \(height)")
        }
        guard options.count >= 1 else { throw LatentError.invalidArgument("the number of images must be at least 1, got \(options.count)") }
        guard options.gibbsSteps >= 1 else { throw LatentError.invalidArgument("--gibbs-steps must be at least 1, got \(options.gibbsSteps)") }
        let real = try testImages(limit: options.count).images
        let known = InpaintingMask.removingRows(options.rows, imageShape: imageShape, count: real.shape[0])
        var rng = RandomGenerator(seed: options.seed)
        let restored = painter.inpaint(real, known: known, steps: options.gibbsSteps, rng: &rng)
        let error = InpaintingMask.removedError(restored: restored, original: real, known: known)
        let shownKnown = known.reshaped([-1] + imageShape)
        let originals = pictures(real)
        return Inpainting(directory: directory, rows: options.rows, originals: originals,
                          masked: originals * shownKnown + (1 - shownKnown) * 0.5, restored: pictures(restored),
                          meanSquaredError: error)
    }

    /// The inpainting error for 2, 4, … up to half the image's rows removed at
    /// the top, middle and bottom of the first `count` test images.
    public func inpaintingSweep(_ options: InpaintingSweepOptions = InpaintingSweepOptions()) throws -> InpaintingSweep {
        let painter = try inpainter()
        guard options.count >= 1 else { throw LatentError.invalidArgument("the number of images must be at least 1, got \(options.count)") }
        let height = imageShape[1]
        let counts = Array(stride(from: 2, through: height / 2, by: 2))
        guard !counts.isEmpty else { throw LatentError.invalidArgument("images of \(height) rows are too short for a sweep (at least 4)") }
        let real = try testImages(limit: options.count).images
        let progress = Progress("inpaint sweep", total: counts.count * RemovedRowsPlace.allCases.count, unit: "settings")
        progress.quiet = !options.showsProgress
        var points: [InpaintingSweep.Point] = []
        for place in RemovedRowsPlace.allCases {
            for k in counts {
                let known = InpaintingMask.removingRows(place.rows(k, height: height), imageShape: imageShape, count: real.shape[0])
                var rng = RandomGenerator(seed: options.seed)
                let restored = painter.inpaint(real, known: known, steps: options.gibbsSteps, rng: &rng)
                points.append(.init(place: place, rows: k, error: InpaintingMask.removedError(restored: restored, original: real, known: known)))
                progress.advance()
            }
        }
        progress.finish()
        return InpaintingSweep(directory: directory, count: real.shape[0], points: points)
    }

    private func inpainter() throws -> any InpaintingModel {
        try capability("inpaint", { $0 as? any InpaintingModel }, { $0 is any InpaintingModel.Type })
    }
}

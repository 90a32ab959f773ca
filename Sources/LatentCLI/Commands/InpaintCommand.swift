import ArgumentParser
import Foundation
import Latent

struct InpaintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inpaint",
        abstract: "Remove rows of unseen test images and let the model restore them.",
        discussion: "Example:\n  latent inpaint rbm-mnist --rows 10:16 --n 16")

    @OptionGroup var target: RunArgument
    @Option(help: "Removed rows, start:end (end excluded), anywhere in the image.") var rows = "10:16"
    @Option(help: "Number of test images.") var n = 16
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Flag(help: "Print JSON.") var json = false
    @Option(help: "Output PNG (default: the run's images/inpaint-<start>-<end>.png).") var output: String?
    @Flag(help: "Plot the error against the number of removed rows, at the top, middle and bottom.") var sweep = false

    /// `--rows` as a range; its end is checked against the image's height once the run is open.
    static func parseRows(_ text: String) throws -> Range<Int> {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let start = parts[0], let end = parts[1], start >= 0, start < end else {
            throw ValidationError("--rows wants start:end with 0 ≤ start < end (end excluded), e.g. 10:16; got '\(text)'")
        }
        return start..<end
    }

    func validate() throws {
        _ = try Self.parseRows(rows)
        try Check.atLeast(n, 1, "--n")
    }

    /// Mask with rows start..<end removed (0) in every channel.
    static func mask(_ shape: [Int], count: Int, rows: Range<Int>) -> Tensor {
        let (c, h, w) = (shape[0], shape[1], shape[2])
        var known = Tensor.ones([count, c * h * w])
        known.withMutableData { p in
            for i in 0..<count { for ch in 0..<c { for y in rows { for x in 0..<w { p[i * c * h * w + (ch * h + y) * w + x] = 0 } } } }
        }
        return known
    }

    func run() throws {
        let (run, model) = try loadRun(target)
        let painter = try require(model, (any InpaintingModel).self, family: run.config.family, command: "inpaint",
                                  supportedBy: "RBM and DBM")
        if sweep { return try sweepRows(run, painter) }
        let removedRows = try Self.parseRows(rows)
        let (start, end) = (removedRows.lowerBound, removedRows.upperBound)
        let (c, h, w) = (run.config.imageShape[0], run.config.imageShape[1], run.config.imageShape[2])
        guard end <= h else {
            throw CommandFailure("--rows \(rows) ends past the image's \(h) rows; the end must be at most \(h)")
        }
        let test = try testImages(run)
        let real = test.images.rows(0..<Swift.min(n, test.images.shape[0]))
        let known = Self.mask(run.config.imageShape, count: real.shape[0], rows: start..<end)
        var rng = RandomGenerator(seed: seed)
        let restored = painter.inpaint(real, known: known, rng: &rng)
        let removed = Float(real.shape[0] * c * (end - start) * w)
        let error = withoutGradient { (((restored - real) * (1 - known)).pow(2)).sum().item / removed }
        let masked = real * known + (1 - known) * 0.5
        let columns = Swift.max(1, Int(Double(real.shape[0]).squareRoot().rounded(.up)))
        let path = output ?? run.image("inpaint-\(start)-\(end).png")
        try ImageGrid.sideBySide([display(real, run), display(masked, run), display(restored, run)],
                                 captions: ["original", "rows removed", "restored"], columns: columns, scale: 2).write(to: path)
        if json { return writeJSON(["run": run.name, "images": real.shape[0], "rows": "\(start):\(end)", "mse_removed": Double(error), "grid": path]) }
        print(path)
        print(String(format: "mean squared error on the removed rows: %.5f", error))
    }

    func sweepRows(_ run: RunDirectory, _ painter: any InpaintingModel) throws {
        let (c, h, w) = (run.config.imageShape[0], run.config.imageShape[1], run.config.imageShape[2])
        let test = try testImages(run)
        let real = test.images.rows(0..<Swift.min(Swift.max(n, 100), test.images.shape[0]))
        let counts = Array(stride(from: 2, through: h / 2, by: 2))
        var chart = LineChart(title: "Inpainting error against removed rows", xLabel: "rows removed", yLabel: "mean squared error per removed pixel")
        var rows: [[String: Any]] = []
        let progress = Progress("inpaint sweep", total: counts.count * 3, unit: "settings")
        progress.quiet = json
        for (place, range) in [("top", { (k: Int) in 0..<k }), ("middle", { (k: Int) in (h - k) / 2..<((h - k) / 2 + k) }),
                               ("bottom", { (k: Int) in (h - k)..<h })] {
            var errors: [Double] = []
            for k in counts {
                let known = Self.mask(run.config.imageShape, count: real.shape[0], rows: range(k))
                var rng = RandomGenerator(seed: seed)
                let restored = painter.inpaint(real, known: known, rng: &rng)
                let removed = Float(real.shape[0] * c * k * w)
                let e = Double(withoutGradient { (((restored - real) * (1 - known)).pow(2)).sum().item / removed })
                errors.append(e)
                rows.append(["place": place, "rows": k, "error": e])
                progress.advance()
            }
            chart.add(place, x: counts.map(Double.init), y: errors)
        }
        progress.finish()
        let path = run.plot("inpaint-sweep.svg")
        try chart.write(to: path)
        if json { return writeJSON(["run": run.name, "images": real.shape[0], "results": rows]) }
        print(path)
    }
}

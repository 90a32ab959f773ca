import Foundation

/// Scalars, PNG images and text into an event file, in the form `tensorboard --logdir`
/// shows (scalars as `simple_value`, images as encoded PNGs, text through the text plugin).
///
/// ```swift
/// let board = try SummaryWriter(folder: "runs/vae-1/tensorboard")
/// try board.scalars(["epoch/loss": 101.5, "epoch/val_loss": 103.2], step: 375)
/// try board.image("images/samples", png: pngBytes, width: 290, height: 290, channels: 1, step: 375)
/// try board.text("options", "`latent train vae --epochs 5`", step: 0)
/// ```
public final class SummaryWriter {
    public let file: EventFileWriter
    /// The wall time of each event (a test may fix it).
    public var clock: () -> Date = { Date() }

    public init(folder: String) throws {
        file = try EventFileWriter(folder: folder)
    }

    /// The path of the event file.
    public var path: String { file.path }

    /// Scalars of one step, in one event (tags in sorted order).
    public func scalars(_ values: [String: Double], step: Int) throws {
        guard !values.isEmpty else { return }
        var summary = TensorBoardSummary()
        summary.value = values.keys.sorted().map { .init(tag: $0, kind: .simpleValue(Float(values[$0]!))) }
        try write(summary, step: step)
    }

    /// A PNG image (`channels` 1 gray, 3 RGB, 4 RGBA).
    public func image(_ tag: String, png: Data, width: Int, height: Int, channels: Int, step: Int) throws {
        var image = TensorBoardSummary.Image()
        image.width = Int32(width)
        image.height = Int32(height)
        image.colorspace = Int32(channels)
        image.encodedImageString = png
        var summary = TensorBoardSummary()
        summary.value = [.init(tag: tag, kind: .image(image))]
        try write(summary, step: step)
    }

    /// Markdown text, shown by TensorBoard's text plugin.
    public func text(_ tag: String, _ markdown: String, step: Int) throws {
        var summary = TensorBoardSummary()
        summary.value = [.init(tag: tag, kind: .tensor(TensorBoardTensor(text: markdown)),
                               metadata: TensorBoardSummaryMetadata(plugin: "text"))]
        try write(summary, step: step)
    }

    /// Tells readers that training (re)starts at `step`: points written earlier at this step
    /// or later (by a run killed and resumed from an earlier checkpoint) are dropped.
    public func start(step: Int) throws {
        var log = TensorBoardSessionLog()
        log.status = TensorBoardSessionLog.start
        try write(.sessionLog(log), step: step)
    }

    /// Makes everything written so far durable.
    public func sync() { file.sync() }

    func write(_ summary: TensorBoardSummary, step: Int) throws {
        try write(.summary(summary), step: step)
    }

    func write(_ what: TensorBoardEvent.What, step: Int) throws {
        var event = TensorBoardEvent()
        event.wallTime = clock().timeIntervalSince1970
        event.step = Int64(step)
        event.what = what
        try file.write(event)
    }
}

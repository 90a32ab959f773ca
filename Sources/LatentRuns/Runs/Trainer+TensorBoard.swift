import Foundation
import LatentTensor
import LatentData
import LatentOutput
import LatentModels
#if TensorBoard
import LatentTensorBoard

/// What `--tensorboard` adds to a run: an event file in `tensorboard/` of the run's folder
/// (a new one each time training starts or resumes), read by `tensorboard --logdir runs`.
///
/// Every event's step is the global step, (epoch − 1) × batches per epoch + step, so the
/// per-step losses (`step/<name>`, about 50 points per epoch), the per-epoch metrics of
/// metrics.jsonl (`epoch/<key>`, training and `val_` alike) and the images
/// (`images/samples`, the epoch's sample grid when one is drawn; `images/reconstructions`,
/// 16 validation images beside their reconstructions) share one axis. A resumed run first
/// writes a START session log at the step it resumes from, so TensorBoard drops the points
/// a killed run wrote past its last checkpoint. The run's command line and config.json go
/// in once per file as the text summary `options`.
///
/// ```swift
/// let board = try TrainingTensorBoard.open(trainer)   // nil without --tensorboard
/// ```
final class TrainingTensorBoard {
    let writer: SummaryWriter
    let batchesPerEpoch: Int
    let interval: Int

    init(writer: SummaryWriter, batchesPerEpoch: Int) {
        self.writer = writer
        self.batchesPerEpoch = Swift.max(batchesPerEpoch, 1)
        interval = Swift.max(1, self.batchesPerEpoch / 50)
    }

    /// Whether this build can write event files: yes (built with the package trait TensorBoard).
    static func checkAvailable(_ options: TrainingOptions) throws {}

    /// The folder event files go into.
    static func folder(_ run: RunDirectory) -> String { run.path + "/tensorboard" }

    /// A new event file for this session of training, or nil when the run does not ask for one.
    static func open(_ trainer: Trainer) throws -> TrainingTensorBoard? {
        let options = trainer.run.config.training
        guard options.writesTensorBoard else { return nil }
        let batches = (trainer.data.train.count + options.batchSize - 1) / Swift.max(options.batchSize, 1)
        let board = TrainingTensorBoard(writer: try SummaryWriter(folder: folder(trainer.run)), batchesPerEpoch: batches)
        let first = board.globalStep(epoch: trainer.startEpoch + 1, step: (trainer.resumeProgress?.steps ?? 0) + 1)
        try board.writer.start(step: first)
        let config = (try? String(contentsOfFile: trainer.run.configPath, encoding: .utf8)) ?? ""
        let command = trainer.run.config.command.joined(separator: " ")
        try board.writer.text("options", "`\(command)`\n\n" + config.split(separator: "\n", omittingEmptySubsequences: false)
                                .map { "    " + $0 }.joined(separator: "\n"), step: first)
        return board
    }

    func globalStep(epoch: Int, step: Int) -> Int { (epoch - 1) * batchesPerEpoch + step }

    /// The training values of step `step` of `epoch`, every `interval` steps.
    func step(epoch: Int, step: Int, values: [(String, Double)]) throws {
        guard step % interval == 0 else { return }
        var scalars: [String: Double] = [:]
        for (k, v) in values where v.isFinite { scalars["step/" + k] = v }
        try writer.scalars(scalars, step: globalStep(epoch: epoch, step: step))
    }

    /// The epoch's metrics line, its sample grid (if one was drawn) and reconstructions; then a sync.
    func epoch(_ epoch: Int, record: [String: Any], samples: Tensor?, trainer: Trainer) throws {
        let at = globalStep(epoch: epoch, step: batchesPerEpoch)
        var scalars: [String: Double] = [:]
        for (k, v) in record where k != "epoch" {
            if let d = v as? Double, d.isFinite { scalars["epoch/" + k] = d } else if let i = v as? Int { scalars["epoch/" + k] = Double(i) }
        }
        try writer.scalars(scalars, step: at)
        if let samples { try image("images/samples", ImageGrid(images: samples, columns: 10).render(), step: at) }
        if let rec = trainer.model as? any ReconstructingModel, trainer.data.validation.count > 0 {
            var r = RandomGenerator(seed: 3)
            let shown = trainer.data.validation.prefix(16)
            let real = trainer.data.evaluationImages(shown)
            let shape = trainer.data.imageShape
            let back = trainer.displayRange(try rec.reconstruct(real, labels: shown.labels, rng: &r))
            try image("images/reconstructions",
                      ImageGrid.sideBySide([trainer.displayRange(real).reshaped([-1] + shape), back.reshaped([-1] + shape)],
                                           captions: ["real", "reconstructed"], columns: 4, scale: 2), step: at)
        }
        writer.sync()
    }

    func image(_ tag: String, _ png: PNGImage, step: Int) throws {
        try writer.image(tag, png: try png.encoded(), width: png.width, height: png.height, channels: png.channels, step: step)
    }
}
#else
/// A build without the package trait TensorBoard (the default: `make demo` never compiles
/// swift-protobuf) has no event-file writer: `--tensorboard` is refused in one line before
/// a run folder is made.
final class TrainingTensorBoard {
    /// Throws when `options` ask for TensorBoard event files, which this build cannot write.
    static func checkAvailable(_ options: TrainingOptions) throws {
        guard options.writesTensorBoard else { return }
        throw LatentError.invalidArgument("--tensorboard needs a latent built with TensorBoard's writer: make build TRAITS=TensorBoard "
                                          + "(swift build --traits TensorBoard)")
    }

    static func open(_ trainer: Trainer) throws -> TrainingTensorBoard? {
        try checkAvailable(trainer.run.config.training)
        return nil
    }

    func step(epoch: Int, step: Int, values: [(String, Double)]) throws {}
    func epoch(_ epoch: Int, record: [String: Any], samples: Tensor?, trainer: Trainer) throws {}
}
#endif

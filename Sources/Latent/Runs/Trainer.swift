import Foundation

/// Runs the epochs of a run: mini-batches with progress, per-epoch metrics
/// (training averages and validation), a checkpoint after every epoch,
/// pictures, plots and the report. A non-finite loss stops training with an
/// error that names the epoch and step; the last good checkpoint stays.
///
/// ```swift
/// var trainer = Trainer(run: run, data: data, model: model)
/// try trainer.train(rng: &rng)
/// ```
public struct Trainer {
    public let run: RunDirectory
    public let data: PreparedData
    public let model: any TrainableModel
    /// Epochs already done (non-zero when resuming).
    public var startEpoch = 0
    /// Silence progress output (for --json).
    public var quiet = false
    public var log: (String) -> Void = { print($0) }

    public init(run: RunDirectory, data: PreparedData, model: any TrainableModel) {
        self.run = run
        self.data = data
        self.model = model
    }

    public func train(rng: inout RandomGenerator) throws {
        let options = run.config.training
        let x = data.train
        guard startEpoch < options.epochs else {
            log("\(run.name): all \(options.epochs) epochs are done")
            return
        }
        if startEpoch == 0, let pre = model as? any PretrainingModel { try pre.pretrain(data, rng: &rng) }
        for epoch in (startEpoch + 1)...options.epochs {
            let progress = Progress("epoch \(epoch)/\(options.epochs)", total: x.count)
            progress.quiet = quiet
            let watch = Stopwatch()
            var sums: [String: Double] = [:], order: [String] = []
            var seen = 0
            var step = 0
            for indices in MiniBatches(count: x.count, batchSize: options.batchSize, shuffle: &rng) {
                step += 1
                let batch = data.trainingBatch(indices, rng: &rng)
                let values = try model.trainStep(batch, labels: indices.map { x.labels[$0] }, epoch: epoch, rng: &rng)
                if let (name, value) = values.first, !value.isFinite {
                    try run.metrics.append(["epoch": epoch, "step": step, "status": "diverged", name: value])
                    _ = try? RunReport.write(run)   // the report is a courtesy; the error below is what matters
                    throw LatentError.nonFinite("""
                        \(run.name): the \(name) became \(value) at epoch \(epoch), step \(step). \
                        The checkpoint of epoch \(epoch - 1) is kept in \(run.lastCheckpoint). \
                        Try a smaller --lr or --clip-norm.
                        """)
                }
                for (k, v) in values {
                    if sums[k] == nil { order.append(k) }
                    sums[k, default: 0] += v * Double(indices.count)
                }
                seen += indices.count
                progress.advance(by: indices.count, status: String(format: "%@ %.4g", order.first ?? "", (sums[order.first ?? ""] ?? 0) / Double(seen)))
            }
            try (model as? any EpochEndingModel)?.endEpoch(epoch)
            let seconds = watch.elapsed
            var record: [String: Any] = ["epoch": epoch, "seconds": seconds, "images_per_sec": Double(seen) / seconds]
            for k in order { record[k] = sums[k]! / Double(seen) }
            if data.validation.count > 0 {
                var evalRng = RandomGenerator(seed: options.seed &+ 1_000 &+ UInt64(epoch))
                for (k, v) in model.validate(data.evaluationImages(data.validation), labels: data.validation.labels, rng: &evalRng) {
                    record["val_" + k] = v
                }
            }
            if let doctor = model as? any DiagnosingModel {
                var diagnoseRng = RandomGenerator(seed: options.seed ^ 0xD1A6)
                let warnings = doctor.diagnose(epoch: epoch, metrics: record.compactMapValues { $0 as? Double }, rng: &diagnoseRng)
                for w in warnings { log("warning (epoch \(epoch)): \(w)") }
                if !warnings.isEmpty { record["warnings"] = warnings.joined(separator: " ") }
            }
            try run.metrics.append(record)
            try TrainingCheckpoint(model: model.modelState(), optimizer: model.optimizerState(), epoch: epoch,
                                   rng: rng, family: run.config.family).save(to: run.lastCheckpoint)
            let main = order.first ?? "loss"
            progress.finish(status: [main, "val_" + main].compactMap { k in (record[k] as? Double).map { String(format: "%@ %.4g", k, $0) } }.joined(separator: ", "))
            let every = options.imageEvery
            if epoch == options.epochs || (every > 0 && epoch % every == 0) { try writeImages(epoch: epoch) }
            try writePlots()
            try RunReport.write(run)
        }
        try writeImages(epoch: nil)
        try RunReport.write(run)
    }

    /// Samples from a fixed set of random draws (comparable across epochs) and, at the end, reconstructions.
    func writeImages(epoch: Int?) throws {
        let shape = data.imageShape
        if let sampler = model as? any SamplingModel {
            var fixed = RandomGenerator(seed: run.config.training.seed ^ 0x5EED)
            let samples = displayRange(sampler.sample(100, rng: &fixed)).reshaped([100] + shape)
            let file = epoch.map { String(format: "samples-epoch-%03d.png", $0) } ?? "samples.png"
            try ImageGrid(images: samples, columns: 10).render().write(to: run.image(file))
        }
        if epoch == nil, let rec = model as? any ReconstructingModel, data.validation.count > 0 {
            var r = RandomGenerator(seed: 3)
            let shown = data.validation.prefix(16)
            let real = data.evaluationImages(shown)
            let back = displayRange(try rec.reconstruct(real, labels: shown.labels, rng: &r))
            try ImageGrid.sideBySide([displayRange(real).reshaped([-1] + shape), back.reshaped([-1] + shape)],
                                     captions: ["real", "reconstructed"], columns: 4, scale: 2)
                .write(to: run.image("reconstructions.png"))
        }
    }

    /// Data in [-1, 1] is shown mapped to [0, 1].
    func displayRange(_ t: Tensor) -> Tensor { data.options.scale == .symmetric ? (t + 1) * 0.5 : t }

    func writePlots() throws {
        for chart in model.charts {
            var c = LineChart(title: chart.title, xLabel: "epoch", yLabel: chart.yLabel)
            for key in chart.keys {
                let s = run.metrics.series(key)
                if !s.x.isEmpty { c.add(key, x: s.x, y: s.y, dashed: key.hasPrefix("val_")) }
            }
            if !c.series.isEmpty { try c.write(to: run.plot(chart.file + ".svg")) }
        }
    }
}

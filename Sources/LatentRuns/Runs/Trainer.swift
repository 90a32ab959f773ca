import Foundation
import LatentTensor
import LatentNN
import LatentData
import LatentOutput
import LatentModels

/// Runs the epochs of a run: mini-batches with progress, per-epoch metrics
/// (training averages and validation), a checkpoint after every epoch,
/// pictures, plots and the report.
///
/// Each epoch commits its checkpoint first (written, synced, renamed) and
/// appends its metrics line after; the checkpoint also carries that line, so a
/// kill at any moment leaves every epoch exactly once after `--resume`.
/// A non-finite loss, or one that grows past `divergenceFactor` times the
/// first epoch's typical magnitude, stops training with an error that names
/// the last checkpoint on disk. A stop request (Ctrl-C, SIGTERM) finishes the
/// step, saves a checkpoint of the position inside the epoch and the report,
/// and throws `TrainingInterrupted`.
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
    /// Where inside epoch `startEpoch + 1` a stopped run left off.
    public var resumeProgress: EpochProgress?
    /// The metrics record of epoch `startEpoch`, carried into the next checkpoint.
    public var lastRecord: [String: Any]?
    /// The loss magnitude that divergence is measured against (set after the first epoch).
    public var lossScale: Double?
    /// Silence progress output (for --json).
    public var quiet = false
    public var log: (String) -> Void = { print($0) }
    /// Asked after every step: a signal number stops training cleanly.
    public var stopRequested: () -> Int32? = { StopRequest.pending }
    /// The processes training this run together (data-parallel when there are several, see `DataParallel`):
    /// each takes its rows of every global mini-batch; rank 0 alone validates and writes files.
    public var communicator: any Communicator = SingleProcessCommunicator()
    /// Chooses the compute thread count from the run's first steps (`--threads` not given); the choice is
    /// set in `BLAS.threads`, written to config.json and logged. Ignored on several processes.
    public var threadTuner: ThreadTuner?
    /// Whether this process writes the run's files (rank 0).
    var isWriter: Bool { communicator.rank == 0 }

    public init(run: RunDirectory, data: PreparedData, model: any TrainableModel) {
        self.run = run
        self.data = data
        self.model = model
    }

    /// Resumes from `checkpoint`: model, optimizer, random states, position.
    public mutating func restore(_ checkpoint: TrainingCheckpoint) throws {
        let path = run.lastCheckpoint
        do {
            try model.loadModelState(checkpoint.model)
            try model.loadOptimizerState(checkpoint.optimizer)
            // A checkpoint from before random states were saved (Latent 0.1.0) keeps the fresh generators.
            if let owner = model as? any RandomStateModel, !checkpoint.randomStates.isEmpty {
                try owner.restoreRandomStates(checkpoint.randomStates)
            }
        } catch {
            throw LatentError.invalidFile(path: path, reason: "does not fit the run's model: \(error)")
        }
        if checkpoint.progress != nil && model is any EpochEndingModel {
            throw LatentError.invalidFile(path: path, reason: "holds a position inside an epoch, which \(run.config.family) cannot resume from")
        }
        startEpoch = checkpoint.epoch
        resumeProgress = checkpoint.progress
        lastRecord = checkpoint.record
        lossScale = checkpoint.lossScale
    }

    public func train(rng: inout RandomGenerator) throws {
        let options = run.config.training
        let x = data.train
        let parallel = communicator.size > 1
        let log = isWriter ? self.log : { _ in }
        if parallel && model is any EpochEndingModel {
            throw LatentError.invalidArgument("\(run.config.family) fits in closed form at the end of each pass, which does not train on several processes yet; start one process")
        }
        guard startEpoch < options.epochs else {
            log("\(run.name): all \(options.epochs) epochs are done")
            return
        }
        let factor = Double(options.divergenceFactor ?? TrainingOptions.defaultDivergenceFactor)
        var lossScale = self.lossScale
        var lastRecord = self.lastRecord
        var lastGrid: (epoch: Int, samples: Tensor?)?
        var savedAt: (epoch: Int, steps: Int)? = FileManager.default.fileExists(atPath: run.lastCheckpoint)
            ? (startEpoch, resumeProgress?.steps ?? 0) : nil
        if startEpoch == 0 && resumeProgress == nil, let pre = model as? any PretrainingModel { try pre.pretrain(data, rng: &rng) }
        let board = isWriter ? try TrainingTensorBoard.open(self) : nil   // --tensorboard: event files beside the run's other files
        var tuner = parallel ? nil : threadTuner
        var tuned: String?   // the tuner's decision, logged when its epoch ends (not across a progress bar)
        func settleThreads() {
            guard let choice = tuner?.choice else { return }
            BLAS.threads = choice
            _ = try? run.updatingConfig { $0.threads = choice }   // a resume keeps the count; a failed write only costs a new tuning
            tuned = tuner?.summary
            tuner = nil
        }
        settleThreads()   // one candidate only (one core): decided before any step
        for epoch in (startEpoch + 1)...options.epochs {
            let resume = epoch == startEpoch + 1 ? resumeProgress : nil
            let epochStart: RandomGenerator
            let batches: MiniBatches
            if let resume {
                epochStart = resume.epochStart
                var shuffle = resume.epochStart
                batches = MiniBatches(count: x.count, batchSize: options.batchSize, shuffle: &shuffle)
            } else {
                epochStart = rng
                batches = MiniBatches(count: x.count, batchSize: options.batchSize, shuffle: &rng)
            }
            let progress = Progress("epoch \(epoch)/\(options.epochs)" + (resume == nil ? "" : " (resumed)"), total: x.count - (resume?.seen ?? 0))
            progress.quiet = quiet || !isWriter
            let watch = Stopwatch()
            var sums: [String: Double] = [:], order: [String] = []
            for (k, v) in resume?.sums ?? [] { sums[k] = v; order.append(k) }
            var seen = resume?.seen ?? 0
            var step = resume?.steps ?? 0
            var magnitude = resume?.lossMagnitude ?? (sum: 0.0, count: 0)
            let seenBefore = seen
            for indices in batches.dropFirst(step) {
                step += 1
                let values: [(String, Double)]
                var agreedStop: Int32?? = .none   // data-parallel: the ranks' stop requests, summed with the metrics
                let tuning = tuner?.nextStep()
                if let tuning { BLAS.threads = tuning }
                let stepWatch = Stopwatch()
                if parallel {
                    let (reduced, stop) = try parallelStep(indices, epoch: epoch, rng: &rng)
                    values = reduced
                    agreedStop = .some(stop)
                } else {
                    let batch = data.trainingBatch(indices, rng: &rng)
                    values = try model.trainStep(batch, labels: indices.map { x.labels[$0] }, epoch: epoch, rng: &rng)
                }
                if tuning != nil {
                    tuner?.record(seconds: stepWatch.elapsed)
                    settleThreads()
                }
                try board?.step(epoch: epoch, step: step, values: values)
                if let (name, value) = values.first {
                    let scale = lossScale ?? (magnitude.count > 0 ? Swift.max(magnitude.sum / Double(magnitude.count), 1) : nil)
                    var problem: String?
                    if !value.isFinite {
                        problem = "the \(name) became \(value)"
                    } else if factor > 0, let scale, Swift.abs(value) > factor * scale {
                        problem = String(format: "the %@ grew to %.4g, more than %g× its typical magnitude %.4g", name, value, factor, scale)
                    }
                    if let problem {
                        if isWriter {
                            try run.metrics.append(["epoch": epoch, "step": step, "status": "diverged", name: value])
                            _ = try? RunReport.write(run)   // the report is a courtesy; the error below is what matters
                        }
                        throw LatentError.nonFinite("\(run.name): \(problem) at epoch \(epoch), step \(step). \(kept(savedAt)) Try a smaller --lr or --clip-norm\(factor > 0 ? " (or a larger --divergence-factor)" : "").")
                    }
                    if lossScale == nil { magnitude.sum += Swift.abs(value); magnitude.count += 1 }
                }
                for (k, v) in values {
                    if sums[k] == nil { order.append(k) }
                    sums[k, default: 0] += v * Double(indices.count)
                }
                seen += indices.count
                progress.advance(by: indices.count, status: order.first.map { String(format: "%@ %.4g", $0, sums[$0]! / Double(seen)) } ?? "")
                if let signal = agreedStop ?? stopRequested(), step < batches.batchCount {
                    guard !(model is any EpochEndingModel) else {
                        if isWriter { _ = try? RunReport.write(run) }
                        throw TrainingInterrupted(signal: signal, description: "\(run.name): stopped by signal \(signal) in epoch \(epoch); \(run.config.family) fits at the end of each pass, so that epoch is dropped. \(kept(savedAt)) Continue with `latent train --resume \(run.name)`.")
                    }
                    if isWriter {
                        var checkpoint = snapshot(epoch: epoch - 1, rng: rng, record: lastRecord, lossScale: lossScale)
                        checkpoint.progress = EpochProgress(steps: step, seen: seen, sums: order.map { ($0, sums[$0]!) }, epochStart: epochStart,
                                                            lossMagnitude: magnitude)
                        try checkpoint.save(to: run.lastCheckpoint)
                        try writePlots()
                        try RunReport.write(run)
                    }
                    progress.finish(status: "stopped")
                    throw TrainingInterrupted(signal: signal, description: "\(run.name): stopped by signal \(signal) at epoch \(epoch), step \(step) of \(batches.batchCount); checkpoint saved in \(run.lastCheckpoint). Continue with `latent train --resume \(run.name)`.")
                }
            }
            if lossScale == nil, magnitude.count > 0 { lossScale = Swift.max(magnitude.sum / Double(magnitude.count), 1) }
            try (model as? any EpochEndingModel)?.endEpoch(epoch)
            let seconds = watch.elapsed
            var record: [String: Any] = ["epoch": epoch, "seconds": seconds, "images_per_sec": Double(seen - seenBefore) / seconds]
            for k in order { record[k] = sums[k]! / Double(seen) }
            guard isWriter else {
                // Another rank: rank 0 validates and writes; this one only agrees on a stop.
                if let signal = agreedStopRequest(), epoch < options.epochs {
                    throw TrainingInterrupted(signal: signal, description: "\(run.name): stopped by signal \(signal) after epoch \(epoch) (rank \(communicator.rank)).")
                }
                continue
            }
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
            // Checkpoint first, metrics after: the checkpoint carries the record for a kill in between.
            try snapshot(epoch: epoch, rng: rng, record: record, lossScale: lossScale).save(to: run.lastCheckpoint)
            savedAt = (epoch, 0)
            lastRecord = record
            try run.metrics.append(record)
            // The report follows every epoch at once (atomically), so a run killed while it draws still shows this epoch.
            try RunReport.write(run)
            progress.finish(status: Trainer.epochStatus(record, trainingKey: order.first, primary: type(of: model).primaryMetric, charts: model.charts))
            if tuner != nil && epoch == options.epochs { tuner?.finish(); settleThreads() }   // too few steps: decide on what was timed
            if let line = tuned { log("threads: " + line); tuned = nil }
            let every = options.imageEvery
            if epoch == options.epochs || (every > 0 && epoch % every == 0) { lastGrid = (epoch, try writeImages(epoch: epoch)) }
            try board?.epoch(epoch, record: record, samples: lastGrid?.epoch == epoch ? lastGrid?.samples : nil, trainer: self)
            try writePlots()
            try RunReport.write(run)   // again, to link the pictures just written
            if let signal = agreedStopRequest(), epoch < options.epochs {
                throw TrainingInterrupted(signal: signal, description: "\(run.name): stopped by signal \(signal) after epoch \(epoch); checkpoint saved in \(run.lastCheckpoint). Continue with `latent train --resume \(run.name)`.")
            }
        }
        guard isWriter else { return }
        try writeImages(epoch: nil, reusing: lastGrid?.epoch == options.epochs ? lastGrid?.samples : nil)
        try RunReport.write(run)
    }

    /// One data-parallel step: every rank binarizes the whole global batch (the generator advances as in one
    /// process) and trains on its `RowShard` of it inside a `DataParallel` context (the optimizers sum the
    /// gradients over ranks). Then one small allreduce of doubles: the metrics weighted by each rank's share
    /// (the global batch's means), the stop requests, and rank 0's generator state, which every rank adopts
    /// (a family whose draws are not batch-shaped stays in step, if not exact).
    func parallelStep(_ indices: [Int], epoch: Int, rng: inout RandomGenerator) throws -> (values: [(String, Double)], stop: Int32?) {
        let shard = RowShard.split(total: indices.count, rank: communicator.rank, size: communicator.size)
        let batch = data.trainingBatch(indices, rng: &rng).rows(shard.range)
        let labels = shard.range.map { data.train.labels[indices[$0]] }
        let context = DataParallel(communicator: communicator, shard: shard)
        let local = try context.during { try model.trainStep(batch, labels: labels, epoch: epoch, rng: &rng) }
        var buffer = local.map { $0.1 * Double(shard.weight) }
        let signal = stopRequested()
        buffer.append(signal == nil ? 0 : 1)
        let words = [rng.s0, rng.s1, rng.s2, rng.s3]
        for word in words { for k in 0..<4 { buffer.append(isWriter ? Double((word >> (16 * UInt64(k))) & 0xFFFF) : 0) } }
        communicator.allreduceSum(&buffer)
        let n = local.count
        var state = [UInt64](repeating: 0, count: 4)
        for i in 0..<4 { for k in 0..<4 { state[i] |= UInt64(buffer[n + 1 + 4 * i + k]) << (16 * UInt64(k)) } }
        (rng.s0, rng.s1, rng.s2, rng.s3) = (state[0], state[1], state[2], state[3])
        return (zip(local, buffer).map { ($0.0, $1) }, buffer[n] > 0 ? (signal ?? SIGTERM) : nil)
    }

    /// A stop request every rank agrees on (one allreduce when there are several).
    func agreedStopRequest() -> Int32? {
        let signal = stopRequested()
        guard communicator.size > 1 else { return signal }
        var flag = [signal == nil ? 0.0 : 1.0]
        communicator.allreduceSum(&flag)
        return flag[0] > 0 ? (signal ?? SIGTERM) : nil
    }

    /// The end-of-epoch progress status: the first training metric and its validation twin, the family's
    /// primary metric (`TrainableModel.primaryMetric`) beside them, followed by the unit of its chart.
    ///
    /// ```swift
    /// Trainer.epochStatus(["reconstruction_error": 12.5, "val_pseudo_likelihood": -80.25], trainingKey: "reconstruction_error",
    ///                     primary: "val_pseudo_likelihood", charts: model.charts)
    /// // "reconstruction_error 12.5, val_pseudo_likelihood -80.25 nats per image"
    /// ```
    static func epochStatus(_ record: [String: Any], trainingKey: String?, primary: String,
                            charts: [(file: String, title: String, yLabel: String, keys: [String])]) -> String {
        var keys: [String] = []
        for k in [trainingKey, trainingKey.map { "val_" + $0 }, primary].compactMap({ $0 }) where !keys.contains(k) && record[k] is Double {
            keys.append(k)
        }
        let unit = charts.first(where: { $0.keys.contains(primary) })?.yLabel ?? ""
        return keys.map { k in
            String(format: "%@ %.4g", k, record[k] as! Double) + (k == primary && !unit.isEmpty ? " " + unit : "")
        }.joined(separator: ", ")
    }

    /// Everything the next run needs to continue from here.
    func snapshot(epoch: Int, rng: RandomGenerator, record: [String: Any]?, lossScale: Double?) -> TrainingCheckpoint {
        var c = TrainingCheckpoint(model: model.modelState(), optimizer: model.optimizerState(), epoch: epoch,
                                   rng: rng, family: run.config.family)
        c.randomStates = (model as? any RandomStateModel)?.randomStates() ?? [:]
        c.record = record?.filter { $0.key != "seconds" && $0.key != "images_per_sec" }   // timings would make checkpoints differ run to run
        c.lossScale = lossScale
        return c
    }

    /// Names the checkpoint that is actually on disk.
    func kept(_ savedAt: (epoch: Int, steps: Int)?) -> String {
        guard let savedAt else { return "No checkpoint was written yet, so nothing is kept." }
        let position = savedAt.steps > 0 ? "epoch \(savedAt.epoch + 1), step \(savedAt.steps)" : "epoch \(savedAt.epoch)"
        return "The checkpoint of \(position) is kept in \(run.lastCheckpoint)."
    }

    /// Samples from a fixed set of random draws (comparable across epochs) and, at the end, reconstructions.
    /// `reusing` is a grid just drawn from the same draws by the same model (the last epoch's), so the final
    /// grid need not be sampled again (a diffusion model's costs minutes). Returns the sample grid drawn.
    @discardableResult
    func writeImages(epoch: Int?, reusing: Tensor? = nil) throws -> Tensor? {
        var drawn: Tensor?
        let shape = data.imageShape
        if let sampler = model as? any SamplingModel {
            let samples: Tensor
            if let reusing {
                samples = reusing
            } else {
                var fixed = RandomGenerator(seed: run.config.training.seed ^ 0x5EED)
                samples = displayRange(sampler.sample(100, rng: &fixed)).reshaped([100] + shape)
            }
            drawn = samples
            let file = epoch.map { String(format: "samples-epoch-%03d.png", $0) } ?? "samples.png"
            try ImageGrid(images: samples, columns: 10).render().write(to: run.image(file))
            if epoch == nil, data.test.count > 0 {
                // The course's last look: 16 real test images beside the final 16 generated ones.
                let shown = data.test.prefix(Swift.min(16, data.test.count))
                let real = displayRange(data.evaluationImages(shown)).reshaped([-1] + shape)
                try ImageGrid.sideBySide([real, samples.rows(0..<real.shape[0])], captions: ["real (test)", "generated"],
                                         columns: 4, scale: 2).write(to: run.image("real-vs-generated.png"))
            }
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
        return drawn
    }

    /// Data in [-1, 1] is shown mapped to [0, 1].
    func displayRange(_ t: Tensor) -> Tensor { data.options.scale.toUnit(t) }

    func writePlots() throws {
        for chart in model.charts {
            var c = LineChart(title: chart.title, xLabel: "epoch", yLabel: chart.yLabel)
            for key in chart.keys {
                let s = run.metrics.series(key)
                if !s.x.isEmpty { c.add(key, x: s.x, y: s.y, dashed: key.hasPrefix("val_")) }
            }
            if !c.series.isEmpty { try c.write(to: run.plot(chart.file + ".svg")) }
        }
        for figure in (model as? any FigureSource)?.figures ?? [] {
            try AtomicFile.write(Data(figure.svg.utf8), to: URL(fileURLWithPath: run.plot(figure.file)))
        }
    }
}

import ArgumentParser
import Foundation
import Latent

/// Model hyperparameters shared by `train` and `sweep`.
struct ModelArguments: ParsableArguments {
    @Option(help: "Latent dimensions (VAE, AE, GAN).")
    var latent: Int?

    @Option(help: "Hidden layer sizes, comma-separated, e.g. 512,256.")
    var hidden: String?

    @Option(help: "Decoder likelihood: bernoulli, gaussian (fixed --gaussian-std), gaussian-learned, categorical (256 levels).")
    var likelihood: String?

    @Option(help: "Standard deviation of the fixed Gaussian likelihood.")
    var gaussianStd: Float?

    @Option(help: "VAE prior: standard, mog (mixture of Gaussians), vamp (VampPrior).")
    var prior: String?

    @Option(help: "Mixture components or VampPrior pseudo-inputs.")
    var components: Int?

    @Option(help: "Weight of the KL term (beta-VAE).")
    var beta: Float?

    @Option(help: "Epochs of linear KL warm-up from 0 to beta.")
    var warmup: Int?

    @Flag(help: "Conditional VAE: encoder and decoder see the one-hot class.")
    var conditional = false

    @Option(help: "Autoencoder input noise: gaussian:STD or mask:P (denoising; targets stay clean).")
    var noise: String?

    @Option(help: "Autoencoder L1 weight on the code (sparse autoencoder).")
    var sparsity: Float?

    @Option(help: "RBM/DBM: Gibbs steps k of the negative phase (CD-k, or PCD-k with --pcd).")
    var cdK: Int?

    @Flag(help: "RBM/DBM: persistent contrastive divergence (chains kept across updates).")
    var pcd = false

    @Option(help: "RBM/DBM: L2 weight decay.")
    var weightDecay: Float?

    @Option(help: "RBM/DBM: learning-rate schedule, constant or linear (to 0 at the last epoch).")
    var schedule: String?

    @Option(help: "DBM: epochs of greedy pretraining per layer.")
    var pretrainEpochs: Int?

    @Option(help: "GAN: generator loss, non-saturating or minimax.")
    var loss: String?

    @Option(help: "GAN: one-sided label smoothing (real label 1 − s).")
    var labelSmoothing: Float?

    @Option(help: "GAN: discriminator steps per generator step.")
    var dSteps: Int?

    @Option(help: "GAN: the discriminator's learning rate (default: --lr).")
    var dLr: Float?

    func options() throws -> ModelOptions {
        var m = ModelOptions()
        m.latent = latent
        m.hidden = try hidden.map { try integerList($0, name: "--hidden") }
        m.likelihood = likelihood
        m.gaussianStd = gaussianStd
        m.prior = prior
        m.components = components
        m.beta = beta
        m.warmup = warmup
        m.conditional = conditional ? true : nil
        m.noise = noise
        m.sparsity = sparsity
        m.gibbsSteps = cdK
        m.persistent = pcd ? true : nil
        m.weightDecay = weightDecay
        m.schedule = schedule
        m.pretrainEpochs = pretrainEpochs
        m.ganLoss = loss
        m.labelSmoothing = labelSmoothing
        m.discriminatorSteps = dSteps
        m.discriminatorLearningRate = dLr
        return m
    }
}

/// Training-loop hyperparameters shared by `train` and `sweep`.
struct TrainingArguments: ParsableArguments {
    @Option(help: "Passes over the training images.")
    var epochs: Int?

    @Option(help: "Mini-batch size.")
    var batch = 128

    @Option(help: "Learning rate.")
    var lr: Float = 1e-3

    @Option(help: "Optimizer: adam, adamax or sgd (with --momentum).")
    var optimizer: TrainingOptions.OptimizerKind = .adam

    @Option(help: "Momentum: SGD's (default 0.9) or the RBM/DBM updates' (default 0).")
    var momentum: Float?

    @Option(help: "Clip the global gradient norm to this value.")
    var clipNorm: Float?

    @Option(help: "Random seed (data split, initialisation, batches, sampling).")
    var seed: UInt64 = 0

    @Option(help: "Write a sample grid every this many epochs (0: only at the end).")
    var imageEvery = 1

    @Option(help: ArgumentHelp("Stop when a batch's loss grows past this many times its typical magnitude in the first epoch (default 1000; 0: stop only on NaN/inf).",
                               discussion: "The run keeps its last checkpoint and says which; nothing is lowered silently."))
    var divergenceFactor: Float?

    func options(defaultEpochs: Int = 10) throws -> TrainingOptions {
        var t = TrainingOptions()
        t.epochs = epochs ?? defaultEpochs
        t.batchSize = batch
        t.learningRate = lr
        t.optimizer = optimizer
        t.momentum = momentum ?? 0.9
        t.clipNorm = clipNorm
        t.seed = seed
        t.imageEvery = imageEvery
        t.divergenceFactor = divergenceFactor
        return t
    }

    func validate() throws {
        if let epochs, !(1...TrainingCheckpoint.maxEpochs).contains(epochs) {
            throw ValidationError("--epochs must be in 1…\(TrainingCheckpoint.maxEpochs), got \(epochs)")
        }
        guard (1...1_000_000).contains(batch) else { throw ValidationError("--batch must be in 1…1000000, got \(batch)") }
        guard lr.isFinite, lr > 0 else { throw ValidationError("--lr must be a finite number > 0, got \(lr)") }
        if let momentum { guard momentum.isFinite, momentum >= 0, momentum < 1 else { throw ValidationError("--momentum must be in [0, 1), got \(momentum)") } }
        if let clipNorm { guard clipNorm.isFinite, clipNorm > 0 else { throw ValidationError("--clip-norm must be a finite number > 0, got \(clipNorm)") } }
        guard imageEvery >= 0 else { throw ValidationError("--image-every must be 0 (only at the end) or more, got \(imageEvery)") }
        if let divergenceFactor {
            guard divergenceFactor.isFinite, divergenceFactor == 0 || divergenceFactor > 1 else {
                throw ValidationError("--divergence-factor must be 0 (off) or a number > 1, got \(divergenceFactor)")
            }
        }
    }

    /// The training-loop settings typed on the command line, for `--resume`.
    func resumeChanges(typed: Set<String>) -> ResumeChanges {
        var c = ResumeChanges()
        c.epochs = epochs
        if typed.contains("--lr") { c.learningRate = lr }
        if typed.contains("--batch") { c.batchSize = batch }
        if typed.contains("--image-every") { c.imageEvery = imageEvery }
        c.clipNorm = clipNorm
        c.divergenceFactor = divergenceFactor
        return c
    }
}

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model; writes runs/<name>/ with config, metrics, checkpoints, images, plots and report.html.",
        discussion: """
        Models: \(ModelRegistry.families.map { $0.family }.joined(separator: ", ")).

        Examples:
          latent train vae --data fashion-mnist --latent 20 --epochs 10
          latent train vae --data mnist --binarize dynamic --limit 5000 --epochs 3 --name quick
          latent train rbm --data ../shared/data/mnist --hidden 500 --lr 0.01 --batch 10 --pcd --epochs 30
          latent train dbm --data ../shared/data/mnist --hidden 500,1000 --binarize fixed --pretrain-epochs 10 --lr 0.001
          latent train gan --data fashion-mnist --latent 20 --batch 512 --lr 1e-3 --epochs 70
          latent train dcgan --data ../shared/data/mnist --batch 64 --lr 2e-4 --epochs 20
          latent train --resume quick --epochs 6        continue a run (from its last checkpoint)
        """)

    @Argument(help: "The model family to train (omit with --resume).")
    var model: String?

    @OptionGroup(title: "Data") var data: DataArguments
    @OptionGroup(title: "Model") var modelArguments: ModelArguments
    @OptionGroup(title: "Training") var training: TrainingArguments
    @OptionGroup var location: RunsLocation

    @Option(help: "Name of the run folder (default: <model>-<data>, with a suffix if taken). A name you give must be new: letters, digits, '-', '_', '.'.")
    var name: String?

    @Option(help: "Continue this run from its last checkpoint (optionally with more --epochs).")
    var resume: String?

    @Flag(help: "With --resume: apply the training-loop options given (--lr, --batch, --clip-norm, --image-every, --divergence-factor) from the next epoch on, recorded in config.json.")
    var override = false

    @Flag(help: "Print the final metrics as JSON and no progress.")
    var json = false

    @Option(help: ArgumentHelp("Compute threads, 1 to 256 (default: $LATENT_THREADS, else 1). Recorded in config.json.",
                               discussion: "On a 2-core machine one thread was as fast as two for our models' small matrices; try the core count for large batches."))
    var threads: Int?

    func validate() throws {
        if let threads, !BLAS.threadRange.contains(threads) {
            throw ValidationError("--threads must be from \(BLAS.threadRange.lowerBound) to \(BLAS.threadRange.upperBound), got \(threads)")
        }
    }

    /// `--threads`, else `LATENT_THREADS`, else 1.
    func threadCount() throws -> Int {
        try threads ?? BLAS.threadCount(environment: ProcessInfo.processInfo.environment)
    }

    /// Options a resumed run may take: they do not change the model, the data or the random stream.
    static let resumable: Set<String> = ["--resume", "--epochs", "--json", "--threads", "--runs", "--override", "--lr", "--batch",
                                         "--clip-norm", "--image-every", "--divergence-factor"]

    func run() throws {
        BLAS.configureFromEnvironment()
        BLAS.threads = try threadCount()
        StopRequest.install()
        do {
            let session = try resume.map(resumeSession) ?? newSession()
            session.quiet = json
            try session.train()
            finish(session.run)
        } catch let stop as TrainingInterrupted {
            FileHandle.standardError.write(Data((stop.description + "\n").utf8))
            throw ExitCode(stop.exitCode)
        }
    }

    func newSession() throws -> TrainingSession {
        guard let model else { throw ValidationError("name a model to train (\(ModelRegistry.families.map { $0.family }.joined(separator: ", "))) or give --resume RUN") }
        if override { throw ValidationError("--override applies only with --resume") }
        if let name { try RunName.validate(name) }
        let family = try ModelRegistry.family(model)
        let trainingOptions = try training.options(defaultEpochs: family.defaultEpochs)
        let prepared = try PreparedData.load(data.options(seed: trainingOptions.seed, defaultScale: family.defaultScale))
        var modelOptions = try modelArguments.options()
        modelOptions.momentum = training.momentum
        var config = RunConfig(family: family.family, command: CommandLine.arguments, data: prepared,
                               training: trainingOptions, model: modelOptions)
        config.threads = BLAS.threads
        let session = try TrainingSession.start(config: config, data: prepared, root: location.runs,
                                                name: name ?? RunName.sanitized("\(family.family)-\(prepared.name)"),
                                                explicitName: name != nil)
        if !json {
            print("run \(session.run.path): \(family.family) on \(prepared.description)")
            print("  \(prepared.train.count) training, \(prepared.validation.count) validation, \(prepared.test.count) test images of shape \(prepared.imageShape)")
        }
        return session
    }

    func resumeSession(_ name: String) throws -> TrainingSession {
        if model != nil { throw ValidationError("give either a model to train or --resume RUN, not both") }
        let typed = typedOptions()
        var changes = training.resumeChanges(typed: typed)
        changes.override = override
        changes.refused = typed.subtracting(Self.resumable).sorted()
        let session = try TrainingSession.resume(name, root: location.runs, changes: changes)
        if !json {
            let position = session.resumedSteps > 0 ? "inside epoch \(session.startEpoch + 1) (step \(session.resumedSteps))" : "after epoch \(session.startEpoch)"
            print("resuming \(session.run.path) \(position) of \(session.run.config.training.epochs)")
        }
        return session
    }

    /// The long options typed on the command line ("--lr 1e-3" and "--lr=1e-3" alike).
    func typedOptions() -> Set<String> {
        Set(CommandLine.arguments.dropFirst().filter { $0.hasPrefix("--") }.map { String($0.split(separator: "=", maxSplits: 1)[0]) })
    }

    func finish(_ run: RunDirectory) {
        let last = run.metrics.epochRecords().last ?? [:]
        if json {
            writeJSON(["run": run.path, "metrics": last])
        } else {
            print("report: \(run.reportPath)")
        }
    }
}

import Foundation
import LatentTensor
import LatentNN
import LatentData
import LatentModels

/// One `latent train`: a new run or a resumed one, with its folder locked
/// for as long as the session lives, its data loaded and its model built.
/// Under mpirun (a build with MPI) every process makes a session: rank 0 creates or
/// resumes and locks the folder, the others open it read-only and train their share
/// of each batch (`Trainer.communicator`); config.json records `world_size`.
///
/// ```swift
/// let session = try TrainingSession.start(config: config, data: data, root: "runs", name: "vae-mnist", explicitName: true)
/// try session.train()
/// // later, or after a kill:
/// try TrainingSession.resume("vae-mnist", root: "runs").train()
/// ```
public final class TrainingSession {
    public private(set) var trainer: Trainer
    public var run: RunDirectory { trainer.run }
    private var rng: RandomGenerator
    private let lock: RunLock?

    private init(trainer: Trainer, rng: RandomGenerator, lock: RunLock?) {
        self.trainer = trainer
        self.rng = rng
        self.lock = lock
    }

    /// Progress lines and warnings go here (default: standard output).
    public var log: (String) -> Void {
        get { trainer.log }
        set { trainer.log = newValue }
    }
    /// Silence the progress bar (for --json).
    public var quiet: Bool {
        get { trainer.quiet }
        set { trainer.quiet = newValue }
    }
    /// Asked after every step; a signal number stops training cleanly (default: Ctrl-C/SIGTERM, see `StopRequest`).
    public var stopRequested: () -> Int32? {
        get { trainer.stopRequested }
        set { trainer.stopRequested = newValue }
    }
    /// This process's rank among those training the run (0 on one process): only rank 0 should print the run's results.
    public var rank: Int { trainer.communicator.rank }
    /// Processes training the run together (1 without mpirun).
    public var worldSize: Int { trainer.communicator.size }
    /// Measures the thread count over the first steps (see `ThreadTuner`); nil keeps `BLAS.threads`.
    public var threadTuner: ThreadTuner? {
        get { trainer.threadTuner }
        set { trainer.threadTuner = newValue }
    }
    /// Epochs already done when this session began.
    public var startEpoch: Int { trainer.startEpoch }
    /// Position inside the first epoch when resuming a stopped run.
    public var resumedSteps: Int { trainer.resumeProgress?.steps ?? 0 }

    /// Builds the model, claims a new run folder (a chosen name must be free;
    /// a generated one gets a free suffix) and locks it. `communicator` (default:
    /// `Communicators.world()`, MPI under mpirun) names the processes training together.
    public static func start(config: RunConfig, data: PreparedData, root: String, name: String,
                             explicitName: Bool, communicator: (any Communicator)? = nil) throws -> TrainingSession {
        let world = try communicator ?? Communicators.world()
        try TrainingTensorBoard.checkAvailable(config.training)
        var config = config
        config.worldSize = world.size > 1 ? world.size : nil
        if world.size > 1, let threads = parallelThreads(config, size: world.size) {
            BLAS.threads = threads
            config.threads = threads
        }
        var rng = RandomGenerator(seed: config.training.seed)
        let model = try config.buildModel(rng: &rng, trainingImages: data.train.count)
        guard world.size > 1 else {
            let run = try RunDirectory.create(root: root, name: name, config: config, explicitName: explicitName)
            let lock = try RunLock(runPath: run.path)
            return TrainingSession(trainer: Trainer(run: run, data: data, model: model), rng: rng, lock: lock)
        }
        // Rank 0 creates and locks the folder, then tells the others where it is ("" when it failed).
        var run: RunDirectory?, lock: RunLock?
        if world.rank == 0 {
            do {
                let created = try RunDirectory.create(root: root, name: name, config: config, explicitName: explicitName)
                lock = try RunLock(runPath: created.path)
                run = created
            } catch {
                _ = world.broadcast("")
                throw error
            }
        }
        let path = world.broadcast(run?.path ?? "")
        guard !path.isEmpty else { throw LatentError.invalidArgument("rank 0 could not create the run (its error is above)") }
        var trainer = Trainer(run: try run ?? RunDirectory.open(path, root: root), data: data, model: model)
        trainer.communicator = world
        return TrainingSession(trainer: trainer, rng: rng, lock: lock)
    }

    /// BLAS threads per process when several share the machine: the cores ÷ the processes on this machine,
    /// unless `--threads` or LATENT_THREADS says; nil to keep the current count.
    static func parallelThreads(_ config: RunConfig, size: Int,
                                environment: [String: String] = ProcessInfo.processInfo.environment) -> Int? {
        guard !config.command.contains(where: { $0 == "--threads" || $0.hasPrefix("--threads=") }) else { return nil }
        return Communicators.threadsPerProcess(size: size, environment: environment)
    }

    /// Locks an existing run, removes what a killed process left behind,
    /// checks `changes` against the run's settings, restores the last
    /// checkpoint and trims metrics.jsonl to it (each epoch exactly once).
    /// `communicator` as in `start`: under mpirun rank 0 does all of this, the others then open the
    /// run read-only and restore the same checkpoint; any number of processes resumes any checkpoint.
    public static func resume(_ nameOrPath: String, root: String, changes: ResumeChanges = ResumeChanges(),
                              communicator: (any Communicator)? = nil) throws -> TrainingSession {
        let world = try communicator ?? Communicators.world()
        guard world.size > 1 else { return try resumeWriting(nameOrPath, root: root, changes: changes) }
        if let threads = parallelThreads(try RunDirectory.open(nameOrPath, root: root).config, size: world.size) { BLAS.threads = threads }
        var session: TrainingSession?
        if world.rank == 0 {
            do {
                session = try resumeWriting(nameOrPath, root: root, changes: changes, worldSize: world.size)
            } catch {
                _ = world.broadcast("")
                throw error
            }
        }
        let path = world.broadcast(session?.run.path ?? "")
        guard !path.isEmpty else { throw LatentError.invalidArgument("rank 0 could not resume the run (its error is above)") }
        let resumed = try session ?? resumeReading(path, root: root)
        resumed.trainer.communicator = world
        return resumed
    }

    /// Another rank's view of a run rank 0 has just resumed: the same checkpoint, model and data; no lock, no writes.
    static func resumeReading(_ path: String, root: String) throws -> TrainingSession {
        let run = try RunDirectory.open(path, root: root)
        let checkpoint = FileManager.default.fileExists(atPath: run.lastCheckpoint)
            ? try TrainingCheckpoint.load(from: run.lastCheckpoint, family: run.config.family) : nil
        let data = try PreparedData.load(run.config.data)
        let (trainer, rng) = try restoredTrainer(run, data: data, checkpoint: checkpoint)
        return TrainingSession(trainer: trainer, rng: rng, lock: nil)
    }

    /// The run's model built as it began, then set to `checkpoint` (when there is one), with the generator to go on with.
    static func restoredTrainer(_ run: RunDirectory, data: PreparedData,
                                checkpoint: TrainingCheckpoint?) throws -> (Trainer, RandomGenerator) {
        var rng = RandomGenerator(seed: run.config.training.seed)
        let model = try run.config.buildModel(rng: &rng, trainingImages: data.train.count)
        var trainer = Trainer(run: run, data: data, model: model)
        if let checkpoint {
            try trainer.restore(checkpoint)
            rng = checkpoint.rng
        }
        return (trainer, rng)
    }

    /// `resume` on one process (rank 0's part under mpirun).
    static func resumeWriting(_ nameOrPath: String, root: String, changes: ResumeChanges, worldSize: Int = 1) throws -> TrainingSession {
        var run = try RunDirectory.open(nameOrPath, root: root)
        let lock = try RunLock(runPath: run.path)
        run.removeStaleTemporaries()
        // A run killed before its first checkpoint starts again from the beginning, exactly as it began.
        let checkpoint = FileManager.default.fileExists(atPath: run.lastCheckpoint)
            ? try TrainingCheckpoint.load(from: run.lastCheckpoint, family: run.config.family) : nil
        let done = checkpoint?.epoch ?? 0
        let plan = try ModelRegistry.family(run.config.family).resumePlan(run.config, arguments: changes.arguments, runName: run.name)
        guard plan.training.epochs >= done else {
            throw LatentError.invalidArgument("--epochs \(plan.training.epochs) is fewer than the \(done) epochs \(run.name) has already done")
        }
        try TrainingTensorBoard.checkAvailable(plan.training)
        let differences = plan.differences
        if !differences.isEmpty && !changes.override {
            let list = differences.map { "\($0.flag) \($0.new) (the run has \($0.old))" }.joined(separator: ", ")
            throw LatentError.invalidArgument("""
                --resume keeps \(run.name)'s settings, and these differ: \(list). Add --override to apply them \
                from epoch \(done + 1) on (recorded in config.json), or leave them out.
                """)
        }
        if checkpoint?.progress != nil && differences.contains(where: { $0.flag == "--batch" }) {
            throw LatentError.invalidArgument("\(run.name) stopped inside epoch \(done + 1); --batch can change only between epochs")
        }
        run = try run.updatingConfig { config in
            config.training = plan.training
            config.model = plan.model
            config.worldSize = worldSize > 1 ? worldSize : nil
            guard !differences.isEmpty else { return }
            config.changes = (config.changes ?? []) + differences.map { RunChange(afterEpoch: done, option: $0.flag, old: $0.old, new: $0.new) }
        }
        guard done <= run.config.training.epochs else {
            throw LatentError.invalidFile(path: run.lastCheckpoint, reason: "claims \(done) epochs, more than the run's \(run.config.training.epochs)")
        }
        let data = try PreparedData.load(run.config.data)
        guard data.imageShape == run.config.imageShape else {
            throw LatentError.invalidArgument("the data of \(run.name) now have images of shape \(data.imageShape), the run was trained on \(run.config.imageShape)")
        }
        let (trainer, rng) = try restoredTrainer(run, data: data, checkpoint: checkpoint)
        try run.metrics.truncate(afterEpoch: done)
        if done > 0, let record = checkpoint?.record, !run.metrics.epochRecords().contains(where: { ($0["epoch"] as? Int) == done }) {
            try run.metrics.append(record)
        }
        return TrainingSession(trainer: trainer, rng: rng, lock: lock)
    }

    /// Trains the remaining epochs (see `Trainer.train`).
    public func train() throws {
        defer { lock?.release() }
        try StopRequest.listening { try trainer.train(rng: &rng) }
    }
}

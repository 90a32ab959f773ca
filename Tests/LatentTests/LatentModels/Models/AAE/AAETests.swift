import Foundation
import Testing
@testable import Latent
@testable import LatentModels

/// The `aae` family: the prior samplers, the three phases (each moves only its
/// own networks), the codes' aggregate distribution pulled to the prior, a tiny
/// AAE that learns to reconstruct, and a run's checkpoint reopened as it was.
@Suite struct AAETests {
    /// 8×8 images of one horizontal bar (4 kinds) with a little pixel noise.
    static func bars(_ count: Int, seed: UInt64) -> Tensor {
        var rng = RandomGenerator(seed: seed)
        let noise = Tensor.uniform([count, 64], rng: &rng).scalars
        var pixels: [Float] = []
        for i in 0..<count {
            for p in 0..<64 { pixels.append(p / 16 == i % 4 ? 0.9 - noise[i * 64 + p] * 0.1 : noise[i * 64 + p] * 0.1) }
        }
        return Tensor(pixels, shape: [count, 64])
    }

    static func model(_ edit: (inout AAEOptions) -> Void = { _ in }, seed: UInt64 = 3) throws -> AAEModel {
        var options = AAEModel.defaultOptions
        options.network.latent = 2
        options.network.hidden = [32]
        options.discriminatorHidden = [32, 32]
        options.optimizer.learningRate = 1e-2
        options.discriminatorLearningRate = 2e-3
        edit(&options)
        var rng = RandomGenerator(seed: seed)
        return try AAEModel(options: options, context: ModelContext(imageShape: [1, 8, 8]), rng: &rng)
    }

    static func train(_ model: AAEModel, _ x: Tensor, epochs: Int, seed: UInt64 = 9) throws {
        var rng = RandomGenerator(seed: seed)
        for epoch in 1...epochs {
            for rows in MiniBatches(count: x.shape[0], batchSize: 32, shuffle: &rng) {
                _ = try model.trainStep(x.gatherRows(rows), labels: [], epoch: epoch, rng: &rng)
            }
        }
    }

    /// Per-dimension mean and standard deviation of codes [N, k].
    static func moments(_ z: Tensor) -> (mean: [Float], std: [Float]) {
        let mean = z.mean(axis: 0)
        let centred = z - mean
        return (mean.scalars, (centred * centred).mean(axis: 0).sqrt().scalars)
    }

    /// The largest distance of a code dimension's mean from 0 or its sd from 1.
    static func distanceFromStandardNormal(_ z: Tensor) -> Float {
        let (m, s) = moments(z)
        return (m.map { abs($0) } + s.map { abs($0 - 1) }).max()!
    }

    // MARK: the prior

    @Test func theMixturePriorsComponentsSitOnTheCircle() throws {
        let prior = try CodePrior(.mixture, latent: 3)
        let means = prior.componentMeans
        #expect(means.shape == [10, 3])
        for k in 0..<10 {
            let angle = 2 * Double.pi * Double(k) / 10
            let row = Array(means.scalars[(k * 3)..<(k * 3 + 3)])
            #expect(abs(Double(row[0]) - 3 * cos(angle)) < 1e-5 && abs(Double(row[1]) - 3 * sin(angle)) < 1e-5 && row[2] == 0)
        }
        // Draws grouped by the component they came from: each group centred on its mean with sd 0.5, groups of equal size.
        var rng = RandomGenerator(seed: 4)
        let (z, components) = prior.sampleWithComponents(20_000, rng: &rng)
        let chosen = try #require(components)
        for k in 0..<10 {
            let rows = chosen.indices.filter { chosen[$0] == k }
            #expect(abs(rows.count - 2_000) < 200, "component \(k) drawn \(rows.count) times of 20000")
            let (m, s) = Self.moments(z.gatherRows(rows))
            for j in 0..<3 {
                #expect(abs(m[j] - means.scalars[k * 3 + j]) < 0.05, "component \(k), dimension \(j): mean \(m[j])")
                #expect(abs(s[j] - 0.5) < 0.03, "component \(k), dimension \(j): sd \(s[j])")
            }
        }
        // The marginal spread the diagnostics compare codes with: sqrt(r²/2 + σ²) in the circle's plane, σ elsewhere.
        let spread = Self.moments(z).std.reduce(0, +) / 3
        #expect(abs(spread - prior.meanMarginalStd) < 0.03, "sampled \(spread), stated \(prior.meanMarginalStd)")
        #expect(try CodePrior(.gaussian, latent: 5).meanMarginalStd == 1)
        expectLatentError(["--prior mixture", "--latent 2 or more"]) { _ = try CodePrior(.mixture, latent: 1) }
    }

    @Test func theGaussianPriorIsStandardNormal() throws {
        var rng = RandomGenerator(seed: 5)
        let (z, components) = try CodePrior(.gaussian, latent: 4).sampleWithComponents(20_000, rng: &rng)
        #expect(components == nil && z.shape == [20_000, 4])
        #expect(Self.distanceFromStandardNormal(z) < 0.03)
    }

    // MARK: the phases

    /// Reconstruction moves encoder and decoder, the discriminator step only D, the generator step only the encoder.
    @Test func eachPhaseMovesOnlyItsOwnNetworks() throws {
        let model = try Self.model()
        let aae = model.aae
        let x = Self.bars(32, seed: 1)
        func state() -> (encoder: [Float], decoder: [Float], discriminator: [Float]) {
            (aae.encoder.parameters().flatMap { $0.value.scalars }, aae.decoder.parameters().flatMap { $0.value.scalars },
             aae.discriminator.parameters().flatMap { $0.value.scalars })
        }
        var rng = RandomGenerator(seed: 1)
        var before = state()
        aae.reconstructionStep(x)
        var after = state()
        #expect(after.encoder != before.encoder && after.decoder != before.decoder && after.discriminator == before.discriminator)
        before = after
        let d = aae.discriminatorStep(x, rng: &rng)
        after = state()
        #expect(after.encoder == before.encoder && after.decoder == before.decoder && after.discriminator != before.discriminator)
        #expect(d.loss > 0 && (0...1).contains(d.priorProbability) && (0...1).contains(d.codeProbability))
        before = after
        aae.generatorStep(x)
        after = state()
        #expect(after.encoder != before.encoder && after.decoder == before.decoder && after.discriminator == before.discriminator)
        #expect(aae.discriminator.parameters().allSatisfy { !$0.isFrozen })
    }

    /// D's first loss is the hand-computed BCE of its outputs on the very prior samples and codes it saw.
    @Test func theDiscriminatorLossIsTheBCEOfPriorAgainstCodes() throws {
        let model = try Self.model()
        let aae = model.aae
        let x = Self.bars(16, seed: 2)
        var rng = RandomGenerator(seed: 7)
        var copy = rng
        let z = aae.prior.sample(16, rng: &copy)
        let (p, q) = withoutGradient { (aae.discriminator(z).sigmoid().scalars, aae.discriminator(aae.encoder(x)).sigmoid().scalars) }
        let expected = -p.map { log(Double($0)) }.reduce(0, +) / 16 - q.map { log(1 - Double($0)) }.reduce(0, +) / 16
        let stats = aae.discriminatorStep(x, rng: &rng)
        #expect(abs(Double(stats.loss) - expected) < 1e-4, "\(stats.loss) against \(expected)")
        #expect(abs(Double(stats.priorProbability) - p.map(Double.init).reduce(0, +) / 16) < 1e-5)
        #expect(abs(Double(stats.codeProbability) - q.map(Double.init).reduce(0, +) / 16) < 1e-5)
    }

    // MARK: learning

    /// After a short training the codes' mean is near 0 and their sd near 1 in each dimension, much nearer
    /// than an untrained encoder's; an autoencoder without the regularisation phase is no nearer than the untrained one.
    @Test func theCodesAggregateDistributionApproachesTheGaussianPrior() throws {
        let train = Self.bars(256, seed: 1), test = Self.bars(256, seed: 2)
        let model = try Self.model()
        let untrained = Self.distanceFromStandardNormal(try model.encode(test, labels: []))
        try Self.train(model, train, epochs: 30)
        let codes = try model.encode(test, labels: [])
        let trained = Self.distanceFromStandardNormal(codes)
        #expect(trained < 0.35, "codes' moments \(Self.moments(codes)); untrained distance \(untrained)")
        #expect(untrained > 2 * trained, "untrained \(untrained), trained \(trained)")
    }

    @Test func aTinyAAELearnsToReconstruct() throws {
        let model = try Self.model()
        let (train, test) = (Self.bars(256, seed: 1), Self.bars(64, seed: 2))
        var rng = RandomGenerator(seed: 9)
        let first = model.validate(test, labels: [], rng: &rng)
        #expect(first.map(\.0) == ["reconstruction", "d_code", "code_std"])
        try Self.train(model, train, epochs: 30)
        let last = model.validate(test, labels: [], rng: &rng)
        #expect(last[0].1 < 0.6 * first[0].1, "held-out reconstruction NLL \(first[0].1) → \(last[0].1)")
        let restored = try model.reconstruct(test, labels: [], rng: &rng)
        #expect(((restored - test) * (restored - test)).mean().item < 0.03)
        // Samples decode prior draws: images in the data's range, as many as asked.
        let samples = model.sample(10, rng: &rng)
        #expect(samples.shape == [10, 64] && samples.scalars.allSatisfy { (0...1).contains($0) })
    }

    // MARK: runs

    /// A run trained by the session and reopened from its checkpoint has the same networks and optimizer moments:
    /// the same codes, reconstructions and samples.
    @Test func aCheckpointReopensTheSameModel() throws {
        let tmp = TempFolder()
        let images = Self.bars(60, seed: 3)
        try NPY.write(images.reshaped([60, 8, 8]), to: tmp.file("bars.npy"))
        var dataOptions = DataOptions(source: tmp.file("bars.npy"))
        dataOptions.validation = 10
        let data = try PreparedData.load(dataOptions)
        let config = try testConfig("aae", data: data, [("epochs", "2"), ("batch", "16"), ("latent", "2"), ("hidden", "16"),
                                                        ("d-hidden", "8,8"), ("prior", "mixture"), ("image-every", "0")])
        let session = try TrainingSession.start(config: config, data: data, root: tmp.file("runs"), name: "aae", explicitName: true)
        session.quiet = true
        session.log = { _ in }
        try session.train()
        let trained = try #require(session.trainer.model as? AAEModel)
        let reopened = try #require(try TrainedRun.open("aae", root: tmp.file("runs")).model as? AAEModel)
        #expect(reopened.options.prior == .mixture && reopened.options.discriminatorHidden == [8, 8])
        let (m, n) = (trained.modelState(), reopened.modelState())
        #expect(Set(m.keys) == Set(n.keys) && m.keys.allSatisfy { n[$0]!.scalars == m[$0]!.scalars }, "model tensors differ")
        // The three optimizers' moments load from the checkpoint into a fresh model of the run.
        let checkpoint = try TrainingCheckpoint.load(from: session.run.lastCheckpoint)
        let fresh = try buildModel(config, as: AAEModel.self, seed: 99)
        try fresh.loadOptimizerState(checkpoint.optimizer)
        let (a, b) = (trained.optimizerState(), fresh.optimizerState())
        #expect(Set(a.keys) == Set(b.keys) && ["reconstruction.", "discriminator.", "generator."].allSatisfy { p in a.keys.contains { $0.hasPrefix(p) } })
        #expect(a.keys.allSatisfy { b[$0].map(\.scalars) == a[$0]!.scalars }, "optimizer tensors differ")
        var r1 = RandomGenerator(seed: 1), r2 = RandomGenerator(seed: 1)
        #expect(trained.sample(5, rng: &r1).scalars == reopened.sample(5, rng: &r2).scalars)
        #expect(try trained.encode(images, labels: []).scalars == (try reopened.encode(images, labels: [])).scalars)
        let metrics = session.run.metrics.epochRecords()
        #expect(metrics.count == 2)
        for key in ["reconstruction", "d_loss", "g_loss", "d_prior", "d_code", "val_reconstruction", "val_d_code", "val_code_std"] {
            #expect(metrics.last?[key] is Double, "metrics.jsonl has no \(key)")
        }
    }
}

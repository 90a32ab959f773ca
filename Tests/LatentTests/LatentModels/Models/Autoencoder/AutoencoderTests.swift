import Testing
@testable import Latent
@testable import LatentModels

/// The `ae` family: it learns, its code is deterministic, denoising corrupts
/// only the training input, and the sparse objective adds exactly λ·|z|₁.
@Suite struct AutoencoderTests {
    /// 8×8 images of one horizontal bar (4 kinds) with a little pixel noise: structure a small code can hold.
    static func bars(_ count: Int, seed: UInt64) -> Tensor {
        var rng = RandomGenerator(seed: seed)
        let noise = Tensor.uniform([count, 64], rng: &rng).scalars
        var pixels: [Float] = []
        for i in 0..<count {
            for p in 0..<64 { pixels.append(p / 16 == i % 4 ? 0.9 - noise[i * 64 + p] * 0.1 : noise[i * 64 + p] * 0.1) }
        }
        return Tensor(pixels, shape: [count, 64])
    }

    static func model(_ edit: (inout AutoencoderOptions) -> Void = { _ in }, seed: UInt64 = 3) throws -> AutoencoderModel {
        var options = AutoencoderModel.defaultOptions
        options.network.latent = 4
        options.network.hidden = [32]
        options.optimizer.learningRate = 1e-2
        edit(&options)
        var rng = RandomGenerator(seed: seed)
        return try AutoencoderModel(options: options, context: ModelContext(imageShape: [1, 8, 8]), rng: &rng)
    }

    @Test func aSmallAutoencoderLearnsToReconstruct() throws {
        let model = try Self.model()
        let (train, test) = (Self.bars(128, seed: 1), Self.bars(64, seed: 2))
        var rng = RandomGenerator(seed: 9)
        let before = model.validate(test, labels: [], rng: &rng)[0].1
        for epoch in 1...40 {
            for rows in MiniBatches(count: 128, batchSize: 32, shuffle: &rng) {
                _ = try model.trainStep(train.gatherRows(rows), labels: [], epoch: epoch, rng: &rng)
            }
        }
        let after = model.validate(test, labels: [], rng: &rng)[0].1
        #expect(after < 0.6 * before, "held-out reconstruction NLL \(before) → \(after)")
        let restored = try model.reconstruct(test, labels: [], rng: &rng)
        let error = ((restored - test) * (restored - test)).mean().item
        #expect(error < 0.02, "mean squared error per pixel \(error)")
    }

    @Test func theCodeIsDeterministicAndDecodingItReconstructs() throws {
        let model = try Self.model()
        let x = Self.bars(10, seed: 4)
        var rng = RandomGenerator(seed: 1)
        let z = try model.encode(x, labels: [])
        #expect(z.shape == [10, 4])
        #expect(try model.encode(x, labels: []).scalars == z.scalars)
        #expect(try model.decode(z, labels: nil).scalars == (try model.reconstruct(x, labels: [], rng: &rng)).scalars)
    }

    @Test func denoisingCorruptsOnlyTheTrainingInput() throws {
        let clean = try Self.model()
        let denoising = try Self.model { $0.noise = "mask:0.5" }
        let x = Self.bars(16, seed: 5)
        var r1 = RandomGenerator(seed: 2), r2 = RandomGenerator(seed: 2)
        // The same weights: validation sees clean images, so both score the same.
        #expect(clean.validate(x, labels: [], rng: &r1)[0].1 == denoising.validate(x, labels: [], rng: &r2)[0].1)
        // Training sees half the pixels removed, scored against the clean batch: the loss is that of the masked input.
        let lossClean = try clean.trainStep(x, labels: [], epoch: 1, rng: &r1)[0].1
        var replay = r2
        let lossNoisy = try denoising.trainStep(x, labels: [], epoch: 1, rng: &r2)[0].1
        let masked = InputNoise.mask(probability: 0.5).apply(x, rng: &replay)
        #expect(masked.scalars != x.scalars && lossNoisy != lossClean)
        let fresh = try Self.model()   // the denoising model's weights before its step
        #expect(abs(Double(fresh.terms(masked, target: x).loss.item) - lossNoisy) < 1e-4 * lossNoisy, "masked-input loss \(lossNoisy)")
    }

    @Test func theSparseObjectiveAddsLambdaTimesTheCodesL1Norm() throws {
        let lambda: Float = 0.5
        let model = try Self.model { $0.sparsity = lambda }
        var rng = RandomGenerator(seed: 1)
        let metrics = Dictionary(uniqueKeysWithValues: try model.trainStep(Self.bars(16, seed: 6), labels: [], epoch: 1, rng: &rng))
        let (loss, reconstruction, l1) = (metrics["loss"]!, metrics["reconstruction"]!, metrics["code_l1"]!)
        #expect(l1 > 0)
        #expect(abs(loss - (reconstruction + Double(lambda) * l1)) < 1e-3 * loss, "\(loss) vs \(reconstruction) + \(lambda)·\(l1)")
        // Without sparsity the loss is the reconstruction alone.
        let plain = Dictionary(uniqueKeysWithValues: try Self.model().trainStep(Self.bars(16, seed: 6), labels: [], epoch: 1, rng: &rng))
        #expect(plain["loss"] == plain["reconstruction"])
    }

    @Test func samplesDecodeStandardNormalCodesIntoThePixelRange() throws {
        let model = try Self.model()
        var rng = RandomGenerator(seed: 1)
        let s = model.sample(12, rng: &rng)
        #expect(s.shape == [12, 64] && s.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
    }
}

/// The course's single-layer autoencoders: 784 → k → 784 with no hidden layer,
/// under-, exactly- and over-complete (`--hidden none --latent k`).
@Suite struct SingleLayerAutoencoderTests {
    @Test(arguments: [2, 64, 100])
    func aSingleLayerAutoencoderHasOneLinearMapEachWay(latent: Int) throws {
        let (settings, _) = try AutoencoderModel.parseSettings(["--hidden", "none", "--latent", "\(latent)"])
        #expect(settings.model.network.hidden == [])
        var rng = RandomGenerator(seed: 1)
        let model = try AutoencoderModel(options: settings.model, context: ModelContext(imageShape: [1, 8, 8]), rng: &rng)
        let shapes = model.modelState().mapValues(\.shape)
        #expect(shapes == ["encoder.head.weight": [latent, 64], "encoder.head.bias": [latent],
                           "decoder.network.layers.0.weight": [64, latent], "decoder.network.layers.0.bias": [64]], "\(shapes)")
        #expect(try model.filters(layer: 1).shape == [latent, 64])
        // Over-complete with a sparse code learns too.
        let x = AutoencoderTests.bars(64, seed: 1)
        let before = model.validate(x, labels: [], rng: &rng)[0].1
        for epoch in 1...30 { _ = try model.trainStep(x, labels: [], epoch: epoch, rng: &rng) }
        #expect(model.validate(x, labels: [], rng: &rng)[0].1 < before)
        // Written back to config.json as "none" and read again.
        let spec = AutoencoderModel.optionSpecs.first { $0.name == "hidden" }!
        #expect(spec.value(in: settings.model) == "none")
    }
}

import Foundation
import Testing
@testable import Latent
@testable import LatentModels

/// The GAN variants (`--variant plain|conditional|acgan|infogan`): the plain GAN
/// is the GAN of before, step for step; the conditional generator listens to
/// its label; AC-GAN's class head and InfoGAN's Q head learn; options and
/// checkpoints of one variant are refused by another in one line.
@Suite struct GANVariantTests {
    static let context = ModelContext(imageShape: [1, 8, 8], pixelRange: .symmetric, classCount: 3)

    static func options(_ family: GANModel.Type, _ variant: GANVariant? = nil) -> GANOptions {
        var o = family.defaultOptions
        o.latent = 4
        if o.hidden != nil { o.hidden = [16, 8] }
        o.variant = variant
        return o
    }

    /// The steps of the GAN as they were before variants existed, copied here so the
    /// plain variant can be compared with them on any machine, bit for bit.
    final class ReferenceGAN {
        let generator: Sequential, discriminator: Sequential
        let generatorOptimizer: Adam, discriminatorOptimizer: Adam
        let latent: Int

        init(generator: Sequential, discriminator: Sequential, latent: Int, learningRate: Float) {
            (self.generator, self.discriminator, self.latent) = (generator, discriminator, latent)
            generatorOptimizer = Adam(generator.parameters(), learningRate: learningRate, beta1: 0.5, beta2: 0.999)
            discriminatorOptimizer = Adam(discriminator.parameters(), learningRate: learningRate, beta1: 0.5, beta2: 0.999)
        }

        func step(_ real: Tensor, rng: inout RandomGenerator) -> [Float] {
            let fake = withoutGradient { generator(Tensor.normal([real.shape[0], latent], rng: &rng)) }
            let realLogits = discriminator(real), fakeLogits = discriminator(fake)
            let dReal = Loss.binaryCrossEntropyWithLogits(realLogits, targets: Tensor.ones(realLogits.shape))
            let dFake = Loss.binaryCrossEntropyWithLogits(fakeLogits, targets: Tensor.zeros(fakeLogits.shape))
            let d = dReal + dFake
            discriminatorOptimizer.zeroGrad()
            d.backward()
            discriminatorOptimizer.step()
            let dx = realLogits.detached().sigmoid().mean().item, dgz = fakeLogits.detached().sigmoid().mean().item
            for p in discriminator.parameters() { p.isFrozen = true }
            let logits = discriminator(generator(Tensor.normal([real.shape[0], latent], rng: &rng)))
            let g = Loss.binaryCrossEntropyWithLogits(logits, targets: Tensor.ones(logits.shape))
            generatorOptimizer.zeroGrad()
            g.backward()
            generatorOptimizer.step()
            for p in discriminator.parameters() { p.isFrozen = false }
            return [d.item, g.item, dReal.item, dFake.item, dx, dgz]
        }
    }

    @Test(arguments: [false, true])
    func thePlainVariantTrainsExactlyAsBefore(_ convolutional: Bool) throws {
        let family: GANModel.Type = convolutional ? DCGANModel.self : GANModel.self
        for variant in [nil, GANVariant.plain] {
            var rng = RandomGenerator(seed: 7)
            let model = try family.init(options: Self.options(family, variant), context: Self.context, rng: &rng)
            // The networks of before, from the same seed.
            var refRng = RandomGenerator(seed: 7)
            let (g, d) = convolutional
                ? (GANNetworks.dcganGenerator(latent: 4, imageShape: [1, 8, 8], rng: &refRng), GANNetworks.dcganDiscriminator(imageShape: [1, 8, 8], rng: &refRng))
                : (GANNetworks.mlpGenerator(latent: 4, hidden: [16, 8], outputs: 64, rng: &refRng), GANNetworks.mlpDiscriminator(inputs: 64, hidden: [8, 16], rng: &refRng))
            let reference = ReferenceGAN(generator: g, discriminator: d, latent: 4, learningRate: 1e-3)
            var data = RandomGenerator(seed: 8)
            for _ in 0..<3 {
                let batch = Tensor.uniform([6, 64], low: -1, high: 1, rng: &data)
                var a = rng, b = refRng
                let metrics = try model.trainStep(batch, labels: [0, 1, 2, 0, 1, 2], epoch: 1, rng: &a)
                let expected = reference.step(batch, rng: &b)
                #expect(metrics.map(\.0) == ["d_loss", "g_loss", "d_real_loss", "d_fake_loss", "d_x", "d_g_z"])
                #expect(metrics.map { Float($0.1) } == expected, "plain \(family.family) step differs from the GAN before variants")
                (rng, refRng) = (a, b)
            }
            #expect(model.gan.generator.parameters().map(\.value.scalars) == g.parameters().map(\.value.scalars))
            #expect(model.gan.discriminator.parameters().map(\.value.scalars) == d.parameters().map(\.value.scalars))
            #expect(model.modelState()["gan_variant"] == nil && model.gan.auxiliary == nil)
        }
    }

    @Test func configsWithoutAVariantReadAsPlain() throws {
        let json = try JSONEncoder().encode(GANModel.defaultOptions)
        #expect(!String(decoding: json, as: UTF8.self).contains("variant"), "an unset variant is not recorded")
        let back = try JSONDecoder().decode(GANOptions.self, from: json)
        #expect(back.chosenVariant == .plain && back.categorical == nil)
        let (settings, _) = try GANModel.parseSettings(["--variant", "infogan"])
        let o = settings.model
        #expect(o.chosenVariant == .infogan && o.categorical == nil)   // the defaults 10, 2 and 1 apply when built
    }

    @Test(arguments: [false, true])
    func theConditionalGeneratorListensToItsLabel(_ convolutional: Bool) throws {
        let family: GANModel.Type = convolutional ? DCGANModel.self : GANModel.self
        for variant in [GANVariant.conditional, .acgan] {
            var rng = RandomGenerator(seed: 3)
            let model = try family.init(options: Self.options(family, variant), context: Self.context, rng: &rng)
            #expect(model.conditionalClasses == 3)
            let z = Tensor.normal([1, 4], rng: &rng).gatherRows([0, 0, 0])
            let images = try model.decode(z, labels: [0, 1, 2])
            #expect(images.shape == [3, 64])
            #expect(images.rows(0..<1).scalars != images.rows(1..<2).scalars && images.rows(1..<2).scalars != images.rows(2..<3).scalars)
            // The same noise and label give the same image.
            #expect(try model.decode(z.rows(0..<1), labels: [1]).scalars == images.rows(1..<2).scalars)
            // A sample grid has the classes in blocks: a row per class.
            var a = RandomGenerator(seed: 1), b = RandomGenerator(seed: 1)
            #expect(model.sample(6, rng: &a).scalars == model.sample(6, classes: [0, 0, 1, 1, 2, 2], rng: &b).scalars)
            expectLatentError(["give a class"]) { _ = try model.decode(z, labels: nil) }
        }
        // The conditional D takes the label: beside the image (MLP) or beside the conv features (DCGAN).
        var rng = RandomGenerator(seed: 3)
        let model = try family.init(options: Self.options(family, .conditional), context: Self.context, rng: &rng)
        let x = Tensor.uniform([2, 64], low: -1, high: 1, rng: &rng)
        model.gan.discriminator.eval()
        let logits = withoutGradient { [model.gan.discriminate(x, labels: [0, 0]).logits, model.gan.discriminate(x, labels: [2, 2]).logits] }
        #expect(logits[0].scalars != logits[1].scalars)
    }

    /// Two classes of 8×8 images: the top half bright (class 0) or the bottom half (class 1), with noise.
    static func twoClasses(_ n: Int, rng: inout RandomGenerator) -> (Tensor, [Int]) {
        let labels = (0..<n).map { $0 % 2 }
        var pixels: [Float] = []
        for label in labels {
            for p in 0..<64 { pixels.append(((p < 32) == (label == 0) ? 0.8 : -0.8) + 0.2 * (rng.nextUniform() - 0.5)) }
        }
        return (Tensor(pixels, shape: [n, 64]), labels)
    }

    @Test func theACGANClassLossFallsOnTwoClasses() throws {
        var o = Self.options(GANModel.self, .acgan)
        o.learningRate = 2e-3
        var rng = RandomGenerator(seed: 11)
        let model = try GANModel(options: o, context: ModelContext(imageShape: [1, 8, 8], pixelRange: .symmetric, classCount: 2), rng: &rng)
        var losses: [Double] = [], accuracies: [Double] = []
        for _ in 0..<80 {
            let (batch, labels) = Self.twoClasses(32, rng: &rng)
            let m = Dictionary(uniqueKeysWithValues: try model.trainStep(batch, labels: labels, epoch: 1, rng: &rng))
            losses.append(m["d_class_loss"]!)
            accuracies.append(m["d_class_accuracy"]!)
            #expect(m["g_class_loss"] != nil && m["info_loss"] == nil)
        }
        let first = losses.prefix(5).reduce(0, +) / 5, last = losses.suffix(5).reduce(0, +) / 5
        // From about ln 2 ≈ 0.69 (a guess) to a small fraction of it.
        #expect(first > 0.4 && last < 0.25 * first, "class loss \(first) → \(last)")
        #expect(accuracies.suffix(5).allSatisfy { $0 > 0.9 }, "\(accuracies.suffix(5))")
        #expect(model.charts.contains { $0.file == "class-head" })
    }

    @Test func theInfoGANRecoversItsCategoricalCode() throws {
        var o = Self.options(GANModel.self, .infogan)
        o.categorical = 4
        o.continuous = 1
        o.infoWeight = 2
        o.learningRate = 2e-3
        var rng = RandomGenerator(seed: 12)
        // InfoGAN needs no labels.
        let model = try GANModel(options: o, context: ModelContext(imageShape: [1, 8, 8], pixelRange: .symmetric), rng: &rng)
        #expect(model.infoCodes?.categorical == 4 && model.infoCodes?.continuous == 1 && model.conditionalClasses == nil)
        var info: [Double] = []
        for _ in 0..<400 {
            let (batch, _) = Self.twoClasses(32, rng: &rng)
            let m = Dictionary(uniqueKeysWithValues: try model.trainStep(batch, labels: [], epoch: 1, rng: &rng))
            info.append(m["info_loss"]!)
        }
        let first = info.prefix(5).reduce(0, +) / 5, last = info.suffix(10).reduce(0, +) / 10
        // L_I starts near ln 4 + ½E[(c − μ)²] ≈ 1.39 + 0.17 and falls as G and Q agree on the codes.
        #expect(first > 1.2 && last < 0.5 * first, "info loss \(first) → \(last)")
        // Q names the categorical value G's samples were drawn with far above chance (¼).
        let codes = (0..<400).map { $0 % 4 }
        let (accuracy, ari): (Float, Double) = withoutGradient {
            model.gan.discriminator.eval()
            defer { model.gan.discriminator.train() }
            let images = model.generate(noise: Tensor.normal([400, 4], rng: &rng), categorical: codes,
                                        continuous: Tensor.uniform([400, 1], low: -1, high: 1, rng: &rng))
            let q = model.gan.discriminate(images, labels: []).auxiliary!.narrow(axis: 1, start: 0, length: 4)
            let guesses = q.argmax(axis: 1).scalars.map { Int($0) }
            return (GAN.accuracy(q, codes), Representation.adjustedRandIndex(codes, guesses))
        }
        #expect(accuracy > 0.8 && ari > 0.5, "Q's accuracy \(accuracy), ARI \(ari)")
    }

    @Test func infoLossIsTheCrossEntropyPlusHalfTheSquaredError() {
        // Q: logits (0, ln 3) for two values, mean 0.5 for one continuous code; drawn: value 1, c = −0.5.
        let q = Tensor([0, Float(log(3.0)), 0.5], shape: [1, 3])
        let loss = GAN.infoLoss(q, codes: GANCodes(labels: [1], continuous: Tensor([-0.5], shape: [1, 1])), categorical: 2).item
        // −log(3/4) + ½·1² 
        #expect(Swift.abs(Double(loss) - (-log(0.75) + 0.5)) < 1e-5)
    }

    @Test func optionsOfOneVariantAreRefusedByOthers() throws {
        expectLatentError(["--categorical does nothing without --variant infogan"]) { _ = try GANModel.parseSettings(["--categorical", "4"]) }
        expectLatentError(["--info-weight does nothing without --variant infogan"]) {
            _ = try DCGANModel.parseSettings(["--variant", "acgan", "--info-weight", "2"])
        }
        expectLatentError(["--variant must be one of plain, conditional, acgan, infogan"]) { _ = try GANModel.parseSettings(["--variant", "cgan"]) }
        // The VAE's --conditional is not a GAN option: refused, not ignored.
        expectLatentError(["`train gan` has no option --conditional", "--variant"]) { _ = try GANModel.parseSettings(["--conditional"]) }
        // The conditional variants need labels; InfoGAN does not.
        var rng = RandomGenerator(seed: 1)
        let unlabelled = ModelContext(imageShape: [1, 8, 8], pixelRange: .symmetric)
        for variant in [GANVariant.conditional, .acgan] {
            expectLatentError(["--variant \(variant.rawValue)", "no labels"]) {
                _ = try GANModel(options: Self.options(GANModel.self, variant), context: unlabelled, rng: &rng)
            }
        }
        _ = try DCGANModel(options: Self.options(DCGANModel.self, .infogan), context: unlabelled, rng: &rng)
    }

    @Test func aCheckpointOfOneVariantIsRefusedByAnother() throws {
        var rng = RandomGenerator(seed: 2)
        func model(_ v: GANVariant) throws -> GANModel { try GANModel(options: Self.options(GANModel.self, v), context: Self.context, rng: &rng) }
        let (plain, conditional, acgan, infogan) = (try model(.plain), try model(.conditional), try model(.acgan), try model(.infogan))
        for (state, target, saved, wanted) in [(acgan.modelState(), infogan, "an AC-GAN (--variant acgan)", "an InfoGAN (--variant infogan)"),
                                               (plain.modelState(), conditional, "a plain GAN (--variant plain)", "a conditional GAN"),
                                               (infogan.modelState(), plain, "an InfoGAN", "a plain GAN")] {
            do {
                try target.loadModelState(state)
                Issue.record("a \(saved) checkpoint loaded into \(wanted)")
            } catch let error as LatentError {
                #expect(error.description.contains("the checkpoint holds \(saved)") && error.description.contains("this model is \(wanted)"), "\(error)")
                #expect(!error.description.contains("\n"))
            }
        }
        // Each variant loads its own, auxiliary head included.
        let copy = try model(.acgan)
        try copy.loadModelState(acgan.modelState())
        #expect(copy.gan.auxiliary!.parameters().map(\.value.scalars) == acgan.gan.auxiliary!.parameters().map(\.value.scalars))
        try copy.loadOptimizerState(acgan.optimizerState())
    }
}

@Suite struct ConditionalAccuracyScoreTests {
    @Test func accuracyPerRequestedClass() {
        let r = ConditionalAccuracyEvaluation.score(requested: [0, 0, 1, 1, 2, 2], predicted: [0, 1, 1, 1, 0, 0], classes: 3,
                                                    perClass: 2, mode: .requestedClass)
        #expect(r.classAccuracy == [0.5, 1, 0] && r.accuracy == 0.5)
        #expect(r.scores["conditional_accuracy"]?.value == 0.5 && r.scores["conditional_accuracy_class_2"]?.value == 0)
        #expect(r.scores["conditional_accuracy"]?.generated == 6 && r.scores["conditional_accuracy_class_0"]?.generated == 2)
    }

    @Test func purityAndRandIndexOfACategoricalCode() {
        // Code 0 → class 2 twice, class 1 once; code 1 → class 0 three times: purity 5/6.
        let r = ConditionalAccuracyEvaluation.score(requested: [0, 0, 0, 1, 1, 1], predicted: [2, 2, 1, 0, 0, 0], classes: 2,
                                                    perClass: 3, mode: .categoricalCode)
        #expect(Swift.abs(r.purity! - 5.0 / 6.0) < 1e-12 && r.codeClasses == [2, 0])
        #expect(r.adjustedRandIndex == Representation.adjustedRandIndex([0, 0, 0, 1, 1, 1], [2, 2, 1, 0, 0, 0]))
        // A code that is the classes renamed: purity 1 and ARI 1.
        let perfect = ConditionalAccuracyEvaluation.score(requested: [0, 0, 1, 1], predicted: [3, 3, 1, 1], classes: 2, perClass: 2, mode: .categoricalCode)
        #expect(perfect.purity == 1 && Swift.abs(perfect.adjustedRandIndex! - 1) < 1e-12)
        #expect(r.scores["code_purity"] != nil && r.scores["conditional_accuracy"] == nil)
    }
}

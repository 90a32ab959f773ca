import Foundation
import Testing
@testable import Latent

@Suite struct GANTests {
    @Test func lossesMatchHandComputedValues() {
        // D(x) logits 2 and −1; D(G(z)) logits 0.5 and −3.
        let real = Tensor([2, -1], shape: [2, 1]), fake = Tensor([0.5, -3], shape: [2, 1])
        func sp(_ x: Double) -> Double { log1p(exp(x)) }   // softplus
        let d = GAN.discriminatorLoss(realLogits: real, fakeLogits: fake)
        // BCE(l, 1) = softplus(−l); BCE(l, 0) = softplus(l).
        let wantReal = (sp(-2) + sp(1)) / 2, wantFake = (sp(0.5) + sp(-3)) / 2
        #expect(Swift.abs(Double(d.real.item) - wantReal) < 1e-6 && Swift.abs(Double(d.fake.item) - wantFake) < 1e-6)
        #expect(Swift.abs(Double(d.total.item) - (wantReal + wantFake)) < 1e-6)
        let smoothed = GAN.discriminatorLoss(realLogits: real, fakeLogits: fake, labelSmoothing: 0.1).real.item
        // BCE(l, t) = softplus(l) − t·l
        #expect(Swift.abs(Double(smoothed) - ((sp(2) - 0.9 * 2) + (sp(-1) + 0.9)) / 2) < 1e-6)
        let ns = GAN.generatorLoss(fakeLogits: fake, kind: .nonSaturating).item
        #expect(Swift.abs(Double(ns) - (sp(-0.5) + sp(3)) / 2) < 1e-6)
        let mm = GAN.generatorLoss(fakeLogits: fake, kind: .minimax).item
        // log(1 − σ(l)) = −softplus(l)
        #expect(Swift.abs(Double(mm) - (-(sp(0.5) + sp(-3)) / 2)) < 1e-6)
    }

    func smallGAN(seed: UInt64, loss: GeneratorLoss = .nonSaturating) -> GAN {
        var rng = RandomGenerator(seed: seed)
        let g = GANNetworks.mlpGenerator(latent: 2, hidden: [16], outputs: 1, rng: &rng)
        let d = GANNetworks.mlpDiscriminator(inputs: 1, hidden: [16], dropout: 0, rng: &rng)
        return GAN(generator: g, discriminator: d, latent: 2, learningRate: 2e-3, loss: loss)
    }

    @Test func eachStepChangesOnlyItsOwnNetwork() {
        let gan = smallGAN(seed: 1)
        var rng = RandomGenerator(seed: 2)
        let g0 = gan.generator.parameters().map(\.value.scalars), d0 = gan.discriminator.parameters().map(\.value.scalars)
        gan.discriminatorStep(Tensor.uniform([8, 1], low: -1, high: 1, rng: &rng), rng: &rng)
        #expect(gan.generator.parameters().map(\.value.scalars) == g0, "a discriminator step must leave G alone")
        #expect(gan.discriminator.parameters().map(\.value.scalars) != d0)
        let d1 = gan.discriminator.parameters().map(\.value.scalars)
        gan.generatorStep(batchSize: 8, rng: &rng)
        #expect(gan.discriminator.parameters().map(\.value.scalars) == d1, "a generator step must leave D alone")
        #expect(gan.generator.parameters().map(\.value.scalars) != g0)
        #expect(gan.discriminator.parameters().allSatisfy { !$0.isFrozen }, "D is unfrozen after G's step")
    }

    @Test func learnsAOneDimensionalMixture() {
        // Target: ½ N(−0.5, 0.1²) + ½ N(0.5, 0.1²): mean 0, variance 0.25 + 0.01 = 0.26.
        let gan = smallGAN(seed: 3)
        var rng = RandomGenerator(seed: 4)
        for _ in 0..<1_500 {
            let signs = Tensor.uniform([64, 1], rng: &rng).greater(0.5) * 2 - 1
            let real = signs * 0.5 + Tensor.normal([64, 1], std: 0.1, rng: &rng)
            gan.discriminatorStep(real, rng: &rng)
            gan.generatorStep(batchSize: 64, rng: &rng)
        }
        let generated: Tensor = withoutGradient { gan.generate(20_000, rng: &rng).images }
        let samples: [Double] = generated.scalars.map { Double($0) }
        let mean: Double = samples.reduce(0, +) / Double(samples.count)
        var variance = 0.0
        for s in samples { variance += (s - mean) * (s - mean) }
        variance /= Double(samples.count)
        // Tolerance: mean within 0.1, variance within 30 % of 0.26 (GAN training is noisy).
        #expect(Swift.abs(mean) < 0.1, "mean \(mean)")
        #expect(Swift.abs(variance - 0.26) < 0.08, "variance \(variance)")
    }

    @Test func dcganShapesForOtherSizes() {
        var rng = RandomGenerator(seed: 5)
        for shape in [[1, 28, 28], [3, 24, 24], [3, 32, 32]] {
            let g = GANNetworks.dcganGenerator(latent: 8, imageShape: shape, rng: &rng)
            let d = GANNetworks.dcganDiscriminator(imageShape: shape, rng: &rng)
            let x = g(Tensor.normal([4, 8], rng: &rng))
            #expect(x.shape == [4, shape.reduce(1, *)] && x.maxValue() <= 1 && x.minValue() >= -1)
            #expect(d(x).shape == [4, 1])
        }
    }
}

@Suite struct GANDiagnosisTests {
    @Test func warnsWhenTheDiscriminatorWinsOrSamplesCollapse() throws {
        let tmp = TempFolder()
        try NPY.write(Tensor((0..<(40 * 16)).map { Float($0 % 5) / 5 }, shape: [40, 4, 4]), to: tmp.file("x.npy"))
        var o = DataOptions(source: tmp.file("x.npy"))
        o.scale = .symmetric
        o.validation = 0
        let data = try PreparedData.load(o)
        let config = try testConfig("gan", data: data, [("hidden", "8"), ("loss", "minimax")])
        var rng = RandomGenerator(seed: 1)
        let model = try buildModel(config, as: GANModel.self)
        _ = try model.trainStep(data.train.flatImages, labels: data.train.labels, epoch: 1, rng: &rng)
        let vanishing = model.diagnose(epoch: 1, metrics: ["d_g_z": 0.01], rng: &rng)
        #expect(vanishing.contains { $0.contains("vanishing") && $0.contains("non-saturating") })
        #expect(model.diagnose(epoch: 1, metrics: ["d_g_z": 0.4], rng: &rng).allSatisfy { !$0.contains("vanishing") })
        // A generator whose last layer is zeroed outputs one image: its samples do not vary at all.
        if let last = model.gan.generator.layers.compactMap({ $0 as? Linear }).last {
            last.weight.assign(Tensor.zeros(last.weight.value.shape))
        }
        #expect(model.diagnose(epoch: 1, metrics: ["d_g_z": 0.4], rng: &rng).contains { $0.contains("collapsing") })
    }
}

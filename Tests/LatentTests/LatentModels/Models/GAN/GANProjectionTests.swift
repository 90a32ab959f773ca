import Foundation
import Testing
@testable import Latent
@testable import LatentModels

/// The MLP conditional GAN's projection discriminator (Miyato & Koyama 2018):
/// D(x, y) = ψ(φ(x)) + embed(y)·φ(x). Its MLP sees the image alone; the class
/// enters through a learned vector per class; trained on two classes, G draws
/// the class it is asked for.
@Suite struct GANProjectionTests {
    static let context = ModelContext(imageShape: [1, 8, 8], pixelRange: .symmetric, classCount: 3)

    static func model(seed: UInt64 = 3, classes: Int = 3) throws -> GANModel {
        var o = GANVariantTests.options(GANModel.self, .conditional)
        o.learningRate = 2e-3
        var rng = RandomGenerator(seed: seed)
        return try GANModel(options: o, context: ModelContext(imageShape: [1, 8, 8], pixelRange: .symmetric, classCount: classes), rng: &rng)
    }

    @Test func theLogitIsPsiOfPhiPlusTheClassEmbeddingDotPhi() throws {
        let model = try Self.model()
        let gan = model.gan
        #expect(gan.conditioning.projection && gan.auxiliary != nil)
        #expect((gan.discriminator.layers.first as? Linear)?.inFeatures == 64, "D's MLP sees the image alone, not the class beside it")
        let embed = try #require(gan.auxiliary?.layers.first as? Linear)
        #expect(embed.bias == nil && embed.inFeatures == 3 && embed.outFeatures == 16, "one vector per class, of φ's width (D's last hidden layer)")
        gan.discriminator.eval()
        var rng = RandomGenerator(seed: 4)
        let x = Tensor.uniform([2, 64], low: -1, high: 1, rng: &rng)
        // φ(x) and ψ(φ(x)) by hand.
        var phi = x
        for layer in gan.discriminator.layers.dropLast() { phi = layer(phi) }
        let psi = gan.discriminator.layers.last!(phi)
        // Class k's embedding: every entry k + 1, so embed(y)·φ(x) = (y + 1)·Σ φ(x).
        embed.weight.assign(Tensor((0..<48).map { Float($0 % 3 + 1) }, shape: [16, 3]))
        let logits = withoutGradient { gan.discriminate(x, labels: [0, 2]).logits }
        let sums = phi.sum(axis: 1).scalars
        let expected = [psi.scalars[0] + 1 * sums[0], psi.scalars[1] + 3 * sums[1]]
        expectClose(logits, Tensor(expected, shape: [2, 1]), tolerance: 1e-4)
        // Without an embedding the logit is the unconditional D's.
        embed.weight.assign(Tensor.zeros([16, 3]))
        expectClose(withoutGradient { gan.discriminate(x, labels: [1, 1]).logits }, psi, tolerance: 1e-6)
        // The embedding is D's: saved with it and trained by its optimizer.
        #expect(model.modelState().keys.contains("auxiliary.layers.0.weight"))
        #expect(gan.discriminatorOptimizer.parameters.contains { $0 === embed.weight })
    }

    /// On two classes (top half bright or bottom half), the generator draws the requested class: a sample
    /// counts as class 0 when its top half is brighter than its bottom half.
    @Test func theGeneratorDrawsTheRequestedClass() throws {
        let model = try Self.model(seed: 11, classes: 2)
        var rng = RandomGenerator(seed: 11)
        for _ in 0..<150 {
            let (batch, labels) = GANVariantTests.twoClasses(32, rng: &rng)
            _ = try model.trainStep(batch, labels: labels, epoch: 1, rng: &rng)
        }
        let requested = (0..<200).map { $0 % 2 }
        let images = model.sample(200, classes: requested, rng: &rng)
        var right = 0
        for (i, label) in requested.enumerated() {
            let row = images.rows(i..<(i + 1)).scalars
            let top = row[0..<32].reduce(0, +), bottom = row[32..<64].reduce(0, +)
            if (top > bottom) == (label == 0) { right += 1 }
        }
        #expect(Double(right) / 200 >= 0.9, "\(right) of 200 samples show the requested class")
    }
}

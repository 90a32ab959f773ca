import Foundation
import Testing
@testable import Latent

/// d_loss is the sum of the discriminator's real and fake terms, and the chart says so.
@Suite struct GANLossNamingTests {
    let tmp = TempFolder()

    @Test func dLossIsTheSumOfTheRealAndFakeTermsAndTheChartNamesIt() throws {
        var pixels: [Float] = []
        for i in 0..<40 { for y in 0..<4 { for _ in 0..<4 { pixels.append(y == i % 4 ? 0.9 : 0.1) } } }
        try NPY.write(Tensor(pixels, shape: [40, 4, 4]), to: tmp.file("bars.npy"))
        var o = DataOptions(source: tmp.file("bars.npy"))
        o.validation = 0
        o.scale = .symmetric
        let data = try PreparedData.load(o)
        let config = try testConfig("gan", data: data, [("latent", "2"), ("hidden", "8")])
        var rng = RandomGenerator(seed: 2)
        let model = try config.buildModel(rng: &rng)
        let batch = data.evaluationImages(data.train).rows(0..<8)
        let values = Dictionary(uniqueKeysWithValues: try model.trainStep(batch, labels: Array(repeating: 0, count: 8), epoch: 1, rng: &rng))
        let (d, real, fake) = (try #require(values["d_loss"]), try #require(values["d_real_loss"]), try #require(values["d_fake_loss"]))
        #expect(Swift.abs(d - (real + fake)) < 1e-5 * Swift.max(1, Swift.abs(d)), "\(d) vs \(real) + \(fake)")
        let chart = try #require(model.charts.first { $0.keys.contains("d_loss") })
        #expect(chart.title.contains("d_loss = d_real_loss + d_fake_loss"))
        // A discriminator that outputs ½ on both batches scores 2 ln 2 as a sum.
        let half = GAN.discriminatorLoss(realLogits: Tensor.zeros([3, 1]), fakeLogits: Tensor.zeros([3, 1]))
        #expect(Swift.abs(Double(half.total.item) - 2 * log(2)) < 1e-6)
    }
}

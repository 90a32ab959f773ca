import Foundation
import Testing
@testable import Latent

/// The semi-supervised VAE M2: the labelled subset, the sum over y of the unlabelled loss, and that it learns.
@Suite struct M2Tests {
    let tmp = TempFolder()

    @Test func labelledRowsAreBalancedOverTheClassesAndChosenByTheSeed() {
        let labels = (0..<100).map { $0 % 4 }
        var rng = RandomGenerator(seed: 3)
        let chosen = M2.chooseLabelled(labels: labels, classes: 4, count: 10, rng: &rng)
        #expect(chosen.count == 10 && Set(chosen).count == 10)
        let perClass = (0..<4).map { c in chosen.filter { labels[$0] == c }.count }
        #expect(perClass.sorted() == [2, 2, 3, 3], "\(perClass)")
        var same = RandomGenerator(seed: 3), other = RandomGenerator(seed: 4)
        #expect(M2.chooseLabelled(labels: labels, classes: 4, count: 10, rng: &same) == chosen)
        #expect(M2.chooseLabelled(labels: labels, classes: 4, count: 10, rng: &other) != chosen)
        // More than there are: every row, each once.
        var all = RandomGenerator(seed: 5)
        #expect(M2.chooseLabelled(labels: labels, classes: 4, count: 500, rng: &all) == Array(0..<100))
        // A class with fewer rows gives what it has; the others fill up.
        var few = RandomGenerator(seed: 6)
        let skewed = M2.chooseLabelled(labels: [0, 1, 1, 1, 1, 1], classes: 2, count: 4, rng: &few)
        #expect(skewed.count == 4 && skewed.contains(0))
    }

    /// U = Σ_y q(y|x) (L(x, y) + log q(y|x)) by hand, and its gradients in the logits and in L by finite differences.
    @Test func theSumOverYOfTheUnlabelledLoss() {
        let logits = Tensor([0.5, -1, 2, 0, 0, 0], shape: [2, 3])
        let losses = Tensor([10, 20, 30, 5, 6, 7], shape: [2, 3])
        let u = M2.marginalise(logits: logits, negativeELBOs: losses).scalars
        for row in 0..<2 {
            let l = (0..<3).map { Double(logits.scalars[row * 3 + $0]) }
            let z = l.map(Foundation.exp).reduce(0, +)
            let q = l.map { Foundation.exp($0) / z }
            let expected = (0..<3).reduce(0.0) { $0 + q[$1] * (Double(losses.scalars[row * 3 + $1]) + Foundation.log(q[$1])) }
            #expect(Swift.abs(Double(u[row]) - expected) < 1e-4, "row \(row): \(u[row]) vs \(expected)")
        }
        // Uniform q over 3 classes: the mean of L minus log 3.
        #expect(Swift.abs(Double(u[1]) - (6 - Foundation.log(3.0))) < 1e-5)
        checkGradients([awayFromZero([3, 4], seed: 1), awayFromZero([3, 4], seed: 2, low: 1, high: 5)]) {
            M2.marginalise(logits: $0[0], negativeELBOs: $0[1])
        }
    }

    /// The unlabelled loss of a real M2 is the marginalisation of its labelled losses with the same noise.
    @Test func unlabelledLossPairsEveryImageWithEveryClass() {
        var rng = RandomGenerator(seed: 1)
        let m2 = M2(VAEArchitecture(body: .mlp, imageShape: [1, 3, 3], latent: 2, hidden: [5], conditionalClasses: 3), labelled: 4, rng: &rng)
        let x = Tensor.uniform([2, 9], rng: &rng)
        var a = RandomGenerator(seed: 7), b = RandomGenerator(seed: 7)
        let u = withoutGradient { m2.unlabelledLoss(x, rng: &a) }
        let rows = [0, 1, 0, 1, 0, 1], ys = [0, 0, 1, 1, 2, 2]
        let l = withoutGradient { m2.labelledLoss(x.gatherRows(rows), classes: ys, rng: &b) }.reshaped([3, 2]).transposed()
        expectClose(u, M2.marginalise(logits: m2.classify(x).detached(), negativeELBOs: l), tolerance: 1e-4)
        #expect(m2.labelled.classes.isEmpty && m2.alpha == 0, "nothing is labelled before keepLabelled")
        m2.keepLabelled(images: x, classes: [2, 0], alpha: nil, trainingCount: 20)
        #expect(m2.labelled.classes == [2, 0] && m2.alpha == 1, "α = 0.1·20/2")
        expectClose(m2.labelled.images, x)
    }

    /// 8×8 images of four classes (a bright band of two rows at one of four heights, with noise): with 8 labels
    /// and a few epochs, q(y|x) is far better than chance (0.25) on validation images.
    @Test func learnsToClassifyFromAFewLabels() throws {
        var rng = RandomGenerator(seed: 21)
        var pixels: [Float] = [], labels: [Float] = []
        for i in 0..<240 {
            let c = i % 4
            labels.append(Float(c))
            for y in 0..<8 { for _ in 0..<8 { pixels.append(y / 2 == c ? 0.9 - 0.1 * rng.nextUniform() : 0.1 * rng.nextUniform()) } }
        }
        try NPY.write(Tensor(pixels, shape: [240, 8, 8]), to: tmp.file("bands.npy"))
        try NPY.write(Tensor(labels), to: tmp.file("bands-labels.npy"))
        var options = DataOptions(source: tmp.file("bands.npy"))
        options.validation = 40
        let data = try PreparedData.load(options)
        let config = try testConfig("m2", data: data, [("epochs", "6"), ("batch", "20"), ("lr", "3e-3"), ("image-every", "0"),
                                                       ("latent", "2"), ("hidden", "32"), ("labelled", "8")])
        let session = try TrainingSession.start(config: config, data: data, root: tmp.file("runs"), name: "m2", explicitName: true)
        session.quiet = true
        session.log = { _ in }
        try session.train()
        let last = session.run.metrics.epochRecords().last ?? [:]
        let accuracy = last["val_accuracy"] as? Double ?? 0
        #expect(accuracy >= 0.6, "validation accuracy \(accuracy) after 6 epochs: \(last)")
        #expect(last["val_active_units"] is Double && last["val_loss"] is Double && last["cross_entropy"] is Double)
        #expect(fileExists(session.run.plot("kl-per-dimension.svg")) && fileExists(session.run.image("samples.png")))
        let model = try TrainedRun.open("m2", root: tmp.file("runs")).model as! M2Model
        #expect(model.m2.labelled.classes.count == 8 && model.m2.alpha == 0.1 * Float(data.train.count) / 8, "kept in the checkpoint")
        #expect((0..<4).allSatisfy { c in model.m2.labelled.classes.filter { $0 == c }.count == 2 })
    }
}

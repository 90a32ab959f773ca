import ArgumentParser
import Foundation
import Latent

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Train the W1 MLP VAE on Fashion-MNIST and report its test negative ELBO.",
        discussion: """
        Example:
          latent demo --epochs 2
        """)

    @Option(help: "Training epochs over the 60,000 images.")
    var epochs = 2

    @Option(help: "Random seed.")
    var seed: UInt64 = 0

    @Option(help: "Write the trained weights to this safetensors file.")
    var checkpoint: String?

    func run() throws {
        BLAS.configureFromEnvironment()
        let train = try DatasetLocations.loadFashionMNIST(.train).flatImages
        let test = try DatasetLocations.loadFashionMNIST(.test).flatImages
        var rng = RandomGenerator(seed: seed)
        let vae = MLPVAE(inputSize: 784, hidden: [512, 256], latent: 20, rng: &rng)
        let optimizer = Adam(vae.parameters(), learningRate: 1e-3)
        print("MLP VAE 784-512-256-20, \(vae.parameterCount) parameters, \(train.shape[0]) training images")
        for epoch in 1...epochs {
            let watch = Stopwatch()
            var total = 0.0
            for indices in MiniBatches(count: train.shape[0], batchSize: 128, shuffle: &rng) {
                let terms = vae.negativeELBO(train.gatherRows(indices), rng: &rng)
                optimizer.zeroGrad()
                terms.loss.backward()
                optimizer.step()
                let value = terms.loss.item
                guard value.isFinite else { throw LatentError.nonFinite("loss became \(value) in epoch \(epoch)") }
                total += Double(value) * Double(indices.count)
            }
            let seconds = watch.elapsed
            print(String(format: "epoch %d: train -ELBO %.2f nats, %.1f s, %.0f images/s", epoch,
                         total / Double(train.shape[0]), seconds, Double(train.shape[0]) / seconds))
        }
        var evalRng = RandomGenerator(seed: seed &+ 1)
        let testLoss = withoutGradient { () -> Double in
            var sum = 0.0
            for indices in MiniBatches(count: test.shape[0], batchSize: 1000) {
                sum += Double(vae.negativeELBO(test.gatherRows(indices), rng: &evalRng).loss.item) * Double(indices.count)
            }
            return sum / Double(test.shape[0])
        }
        print(String(format: "test -ELBO: %.2f nats per image", testLoss))
        if let checkpoint {
            try Safetensors.save(vae.stateDict(), metadata: ["model": "mlp-vae", "latent": "20"],
                                 to: URL(fileURLWithPath: checkpoint))
            print("weights: \(checkpoint)")
        }
    }
}

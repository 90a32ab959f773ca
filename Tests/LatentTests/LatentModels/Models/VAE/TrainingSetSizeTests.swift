import Foundation
import Testing
@testable import Latent
@testable import LatentModels

/// `ModelContext.trainingImages`: the session fills it from the prepared data
/// (new and resumed runs), and the β-TCVAE's training step uses it as N of the
/// minibatch-stratified estimator instead of the batch's size.
@Suite struct TrainingSetSizeTests {
    @Test func theSessionTellsTheModelHowManyTrainingImagesItSees() throws {
        let fixture = ExperimentFixture()
        let data = try fixture.data()
        let config = try testConfig("vae", data: data, [("epochs", "1"), ("batch", "16"), ("latent", "2"), ("hidden", "8"), ("image-every", "0")])
        let session = try TrainingSession.start(config: config, data: data, root: fixture.tmp.file("runs"), name: "vae", explicitName: true)
        #expect((session.trainer.model as? VAEModel)?.trainingImages == 160)
        session.quiet = true
        session.log = { _ in }
        try session.train()
        let resumed = try TrainingSession.resume("vae", root: fixture.tmp.file("runs"), changes: ResumeChanges(arguments: ["--epochs", "2"]))
        #expect((resumed.trainer.model as? VAEModel)?.trainingImages == 160)
        // A model rebuilt without its data (sampling, evaluation) does not know it.
        #expect(((try TrainedRun.open("vae", root: fixture.tmp.file("runs"))).model as? VAEModel)?.trainingImages == nil)
        #expect(ModelContext(imageShape: [1, 2, 2], batchSize: 16, trainingImages: 160).stepsPerEpoch == 10)
        #expect(ModelContext(imageShape: [1, 2, 2], batchSize: 16, trainingImages: 161).stepsPerEpoch == 11)
    }

    @Test func theTCVAEStepUsesTheTrainingSetSizeAsN() throws {
        var options = VAEModel.defaultOptions
        options.network.latent = 3
        options.network.hidden = [8]
        options.tcWeight = 6
        var data = RandomGenerator(seed: 2)
        let x = Tensor.uniform([8, 9], low: 0, high: 1, rng: &data)
        func model(_ n: Int?) throws -> VAEModel {
            var rng = RandomGenerator(seed: 1)
            return try VAEModel(options: options, context: ModelContext(imageShape: [1, 3, 3], trainingImages: n), rng: &rng)
        }
        // The step of a model that knows N = 1,000 …
        let known = try model(1_000)
        var a = RandomGenerator(seed: 3)
        _ = try known.trainStep(x, labels: [], epoch: 1, rng: &a)
        // … is the objective with datasetSize 1,000, stepped by hand.
        let byHand = try model(nil)
        var b = RandomGenerator(seed: 3)
        byHand.step(byHand.vae.negativeELBO(x, tcWeight: 6, datasetSize: 1_000, rng: &b).objective)
        #expect(known.vae.parameters().map(\.value.scalars) == byHand.vae.parameters().map(\.value.scalars))
        // Without N the batch stands for the data set, which weighs the terms differently.
        let unknown = try model(nil)
        var c = RandomGenerator(seed: 3)
        _ = try unknown.trainStep(x, labels: [], epoch: 1, rng: &c)
        #expect(known.vae.parameters().map(\.value.scalars) != unknown.vae.parameters().map(\.value.scalars))
    }
}

import Foundation
import Testing
@testable import Latent

/// Model and optimizer state of every family: a checkpoint that does not fit is refused before anything is
/// assigned (the model keeps every value), and one that fits loads bit-identically through a file.
@Suite struct ModelStateTests {
    let tmp = TempFolder()

    /// 40 images of `side`×`side` bars in three classes, scaled as `family` expects.
    func data(_ family: any TrainableModel.Type, side: Int) throws -> PreparedData {
        var pixels: [Float] = [], labels: [Float] = []
        for i in 0..<40 {
            labels.append(Float(i % 3))
            for y in 0..<side { for _ in 0..<side { pixels.append(y % 3 == i % 3 ? 0.9 : 0.1) } }
        }
        let name = "\(family.family)-\(side)"
        try NPY.write(Tensor(pixels, shape: [40, side, side]), to: tmp.file("\(name).npy"))
        try NPY.write(Tensor(labels), to: tmp.file("\(name)-labels.npy"))
        var options = DataOptions(source: tmp.file("\(name).npy"))
        options.validation = 8
        options.scale = family.defaultScale
        return try PreparedData.load(options)
    }

    /// A small model after one training step, so that the state kept outside the networks exists too
    /// (RBM chains, velocity and pixel means, DBM chains, GAN spread, optimizer moments and step, a PPCA fit).
    func trainedModel(_ name: String, side: Int = 8, size: Int = 2, seed: UInt64, firstRow: Int = 0) throws -> any TrainableModel {
        let family = try ModelRegistry.family(name)
        let d = try data(family, side: side)
        var options = [("epochs", "2"), ("batch", "8"), ("latent", "\(size)"),
                       ("hidden", name == "dbm" ? "\(size * 4),\(size * 3)" : "\(size * 4)"), ("pretrain-epochs", "0"),
                       ("channels", "\(size * 4)"), ("timesteps", "20")]
        if name == "rbm" { options += [("pcd", "true"), ("momentum", "0.5")] }
        let config = try testConfig(family.family, data: d, options)
        var rng = RandomGenerator(seed: seed)
        let model = try config.buildModel(rng: &rng)
        let rows = Array(firstRow..<(firstRow + 8))
        _ = try model.trainStep(d.train.flatImages.gatherRows(rows), labels: rows.map { d.train.labels[$0] }, epoch: 1, rng: &rng)
        if let fitting = model as? any EpochEndingModel { try fitting.endEpoch(1) }
        return model
    }

    /// Shapes and exact bits, copied out so later changes to the model cannot alter the snapshot.
    func snapshot(_ state: [String: Tensor]) -> [String: [UInt32]] {
        state.mapValues { t in t.shape.map { UInt32($0) } + [UInt32.max] + t.scalars.map(\.bitPattern) }
    }

    @Test(arguments: ModelRegistry.families.map { $0.family })
    func stateOfADifferentlySizedModelIsRefusedAndChangesNothing(_ family: String) throws {
        let model = try trainedModel(family, seed: 1)
        let other = try trainedModel(family, side: 12, size: 3, seed: 2)
        let (modelBefore, optimizerBefore) = (snapshot(model.modelState()), snapshot(model.optimizerState()))
        #expect(model.modelState().mapValues(\.shape) != other.modelState().mapValues(\.shape))
        expectLatentError(["checkpoint has shape", "model expects"]) { try model.loadModelState(other.modelState()) }
        #expect(snapshot(model.modelState()) == modelBefore)
        if !other.optimizerState().isEmpty {
            expectLatentError(["checkpoint has shape", "model expects"]) { try model.loadOptimizerState(other.optimizerState()) }
            #expect(snapshot(model.optimizerState()) == optimizerBefore)
        }
    }

    @Test(arguments: ModelRegistry.families.map { $0.family })
    func oneBadTensorBlocksTheWholeLoad(_ family: String) throws {
        let model = try trainedModel(family, seed: 1)
        let donor = try trainedModel(family, seed: 3, firstRow: 8)   // same sizes, other values
        let modelBefore = snapshot(model.modelState())
        #expect(snapshot(donor.modelState()) != modelBefore)
        // Every tensor fits except the last by name: nothing may be assigned, not even the ones before it.
        var state = donor.modelState()
        let last = state.keys.max()!
        state[last] = Tensor.zeros(state[last]!.shape + [2])
        expectLatentError([last, "checkpoint has shape \(state[last]!.shape)"]) { try model.loadModelState(state) }
        #expect(snapshot(model.modelState()) == modelBefore)
        // A name the model does not have is refused too.
        var extra = donor.modelState()
        extra["not.a.parameter"] = Tensor([1])
        expectLatentError(["does not have", "not.a.parameter"]) { try model.loadModelState(extra) }
        #expect(snapshot(model.modelState()) == modelBefore)
        var optimizer = donor.optimizerState()
        if let lastMoment = optimizer.keys.max() {
            let optimizerBefore = snapshot(model.optimizerState())
            optimizer[lastMoment] = Tensor.zeros(optimizer[lastMoment]!.shape + [2])
            expectLatentError(["tensor \(lastMoment): checkpoint has shape"]) { try model.loadOptimizerState(optimizer) }
            #expect(snapshot(model.optimizerState()) == optimizerBefore)
        }
    }

    @Test(arguments: ModelRegistry.families.map { $0.family })
    func stateRoundTripsBitIdenticallyThroughAFile(_ family: String) throws {
        let source = try trainedModel(family, seed: 1)
        let target = try trainedModel(family, seed: 5)
        let url = URL(fileURLWithPath: tmp.file("\(family).safetensors"))
        var tensors: [String: Tensor] = [:]
        for (k, v) in source.modelState() { tensors["model." + k] = v }
        for (k, v) in source.optimizerState() { tensors["optimizer." + k] = v }
        try Safetensors.save(tensors, metadata: ["family": family], to: url)
        let loaded = try Safetensors.load(from: url)
        try target.loadModelState(loaded.section("model."))
        try target.loadOptimizerState(loaded.section("optimizer."))
        #expect(snapshot(target.modelState()) == snapshot(source.modelState()))
        #expect(snapshot(target.optimizerState()) == snapshot(source.optimizerState()))
        // The header alone tells whether the names and shapes fit.
        let header = try Safetensors.header(from: url)
        #expect(header.tensors.count == tensors.count && header.metadata == ["family": family])
    }

    @Test func extraStateOfTheRBMIsChecked() throws {
        let model = try trainedModel("rbm", seed: 1) as! RBMModel
        let before = snapshot(model.modelState())
        var state = model.modelState()
        state["chains"] = Tensor.zeros([8, 9])
        expectLatentError(["tensor chains", "checkpoint has shape [8, 9]", "model expects [N, 8]"]) { try model.loadModelState(state) }
        state["chains"] = Tensor.zeros([0, 8])
        expectLatentError(["tensor chains", "[0, 8]", "[N, 8]"]) { try model.loadModelState(state) }
        state = model.modelState()
        state["pixel_means"] = Tensor(shape: [64], repeating: .nan)
        expectLatentError(["pixel_means", "nan", "[0, 1]"]) { try model.loadModelState(state) }
        #expect(snapshot(model.modelState()) == before)
        var velocity = model.optimizerState()
        #expect(velocity.count == 3)
        velocity["velocity.hidden"] = nil
        expectLatentError(["velocity.hidden"]) { try model.loadOptimizerState(velocity) }
        // Other chain counts are fine: PCD goes on with as many chains as were saved.
        state = model.modelState()
        state["chains"] = Tensor.zeros([3, 8])
        try model.loadModelState(state)
        #expect(model.rbm.chains?.shape == [3, 8])
    }

    @Test func dbmChainsComeTogetherWithOneCount() throws {
        let model = try trainedModel("dbm", seed: 1) as! DBMModel
        let before = snapshot(model.modelState())
        var state = model.modelState()
        #expect(state["chains.0"] != nil && state["chains.2"] != nil)
        state["chains.1"] = nil
        expectLatentError(["chains.1"]) { try model.loadModelState(state) }
        state = model.modelState()
        state["chains.2"] = Tensor.zeros([5, 6])
        expectLatentError(["same number of chains"]) { try model.loadModelState(state) }
        #expect(snapshot(model.modelState()) == before)
    }

    @Test func optimizerStepMustBeAWholeNumber() throws {
        let model = try trainedModel("vae", seed: 1)
        let before = snapshot(model.optimizerState())
        for bad: Float in [.nan, .infinity, -1, 2.5, 1e30] {
            var state = model.optimizerState()
            state["step"] = Tensor(scalar: bad)
            expectLatentError(["step", "a whole number"]) { try model.loadOptimizerState(state) }
        }
        var state = model.optimizerState()
        state["step"] = Tensor([1, 2])
        expectLatentError(["step", "[2]"]) { try model.loadOptimizerState(state) }
        #expect(snapshot(model.optimizerState()) == before)
        state["step"] = Tensor(scalar: 41)
        try model.loadOptimizerState(state)
        #expect(model.optimizerState()["step"]?.item == 41)
    }

    @Test func ppcaValuesMustDescribeAFit() throws {
        let model = try trainedModel("ppca", seed: 1) as! PPCAModel
        let before = snapshot(model.modelState())
        var state = model.modelState()
        state["noise_variance"] = Tensor([-1])
        expectLatentError(["noise_variance", "-1"]) { try model.loadModelState(state) }
        state = model.modelState()
        state["mean"] = Tensor(shape: [64], repeating: .infinity)
        expectLatentError(["mean", "inf"]) { try model.loadModelState(state) }
        #expect(snapshot(model.modelState()) == before)
        // An unfitted model's empty state loads as unfitted.
        try model.loadModelState([:])
        #expect(model.fitted == nil)
    }
}

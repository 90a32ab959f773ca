import Foundation
import Testing
@testable import Latent

/// `--conv standard|dilated|separable` on the convolutional families: taken only
/// by them, recorded in config.json (absent reads as standard), different
/// parameters per kind (so checkpoints do not cross), and every kind learns.
@Suite struct ConvolutionKindTests {
    static let convolutional: [any TrainableModel.Type] = [ConvVAEModel.self, ConvAutoencoderModel.self, DCGANModel.self]
    static let dense: [any TrainableModel.Type] = [VAEModel.self, AutoencoderModel.self, GANModel.self]

    @Test func onlyTheConvolutionalFamiliesTakeTheOption() throws {
        for family in Self.convolutional {
            #expect(family.settingNames.contains("conv"), "\(family.family)")
            #expect(try family.convValue([]) == "standard")
            #expect(try family.convValue(["--conv", "dilated"]) == "dilated")
            let help = family.optionsHelp
            #expect(help.contains("--conv") && help.contains("dilated") && help.contains("separable") && help.contains("weights"))
        }
        for family in Self.dense {
            expectLatentError(["`train \(family.family)` has no option --conv"]) { _ = try family.convValue(["--conv", "dilated"]) }
        }
        expectLatentError(["--conv must be one of standard, dilated, separable, got 'atrous'"]) {
            _ = try ConvVAEModel.parseSettings(["--conv", "atrous"])
        }
        // Built by hand, the MLP networks refuse a choice they cannot honour.
        var rng = RandomGenerator(seed: 0)
        var vae = VAEModel.defaultOptions
        vae.network.conv = .dilated
        expectLatentError(["no --conv"]) { _ = try VAEModel(options: vae, context: ModelContext(imageShape: [1, 8, 8]), rng: &rng) }
        var gan = GANModel.defaultOptions
        gan.conv = .separable
        expectLatentError(["no --conv"]) {
            _ = try GANModel(options: gan, context: ModelContext(imageShape: [1, 8, 8], pixelRange: .symmetric), rng: &rng)
        }
    }

    func tinyData(_ tmp: TempFolder, scale: DataOptions.Scale = .unit) throws -> PreparedData {
        try NPY.write(Tensor((0..<(60 * 64)).map { Float($0 % 7) / 7 }, shape: [60, 8, 8]), to: tmp.file("x.npy"))
        var o = DataOptions(source: tmp.file("x.npy"))
        o.validation = 10
        o.scale = scale
        return try PreparedData.load(o)
    }

    @Test func configJSONRecordsTheChoiceAndOldFilesReadAsStandard() throws {
        let tmp = TempFolder()
        let data = try tinyData(tmp)
        let config = try ConvVAEModel.runConfig(["--conv", "separable", "--latent", "3"], data: data, command: ["test"])
        let json = try JSONEncoder().encode(config)
        #expect(String(decoding: json, as: UTF8.self).contains(#""conv":"separable""#))
        let back = try JSONDecoder().decode(RunConfig.self, from: json)
        #expect((back.model as? VAEOptions)?.network.conv == .separable)
        // The default is written too, so a run says which convolutions it has.
        let plain = String(decoding: try JSONEncoder().encode(try ConvAutoencoderModel.runConfig([], data: data, command: [])), as: UTF8.self)
        #expect(plain.contains(#""conv":"standard""#))
        // Families without convolutions record nothing.
        let mlp = String(decoding: try JSONEncoder().encode(try VAEModel.runConfig([], data: data, command: [])), as: UTF8.self)
        #expect(!mlp.contains("conv"))

        // A config.json written before the option existed has no "conv": it reads as standard and builds the same model.
        for family in ["conv-vae", "dcgan"] {
            let type = try ModelRegistry.family(family)
            let today = try type.runConfig([], data: tinyData(tmp, scale: type.defaultScale), command: ["test"])
            var object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(today)) as? [String: Any])
            var model = try #require(object["model"] as? [String: Any])
            if var network = model["network"] as? [String: Any] {   // the VAE's and AE's options nest the network's
                #expect(network.removeValue(forKey: "conv") as? String == "standard")
                model["network"] = network
            } else {
                #expect(model.removeValue(forKey: "conv") as? String == "standard")
            }
            object["model"] = model
            let old = try JSONDecoder().decode(RunConfig.self, from: JSONSerialization.data(withJSONObject: object))
            #expect(try type.convValue(of: old.model) == "standard")
            var rng1 = RandomGenerator(seed: 2), rng2 = RandomGenerator(seed: 2)
            let a = try old.buildModel(rng: &rng1).modelState(), b = try today.buildModel(rng: &rng2).modelState()
            #expect(a.keys.sorted() == b.keys.sorted(), "\(family)")
            for (k, v) in a { #expect(v.scalars == b[k]!.scalars, "\(family) \(k)") }
        }
    }

    func model(_ family: any TrainableModel.Type, _ kind: ConvolutionKind) throws -> any TrainableModel {
        var rng = RandomGenerator(seed: 4)
        let range: PixelRange = family.family == "dcgan" ? .symmetric : .unit
        return try family.built(conv: kind, context: ModelContext(imageShape: [1, 8, 8], pixelRange: range), rng: &rng)
    }

    @Test(arguments: ["conv-vae", "conv-ae", "dcgan"])
    func aCheckpointOfAnotherKindIsRefusedInOneLine(_ family: String) throws {
        let type = try ModelRegistry.family(family)
        var counts: [ConvolutionKind: Int] = [:]
        for kind in ConvolutionKind.allCases {
            let m = try model(type, kind)
            counts[kind] = m.modelState().values.reduce(0) { $0 + $1.count }
            for other in ConvolutionKind.allCases where other != kind {
                let state = try model(type, other).modelState()
                do {
                    try m.loadModelState(state)
                    Issue.record("\(family): a \(other) checkpoint loaded into a \(kind) model")
                } catch let error as LatentError {
                    #expect(!error.description.contains("\n") && !error.description.isEmpty, "\(error)")
                } catch {
                    Issue.record("unexpected \(error)")
                }
            }
        }
        // Fewer weights: separable < dilated < standard (the fully connected layers are shared).
        #expect(counts[.separable]! < counts[.dilated]! && counts[.dilated]! < counts[.standard]!, "\(counts)")
    }

    /// 64 images of 8×8: a bright bar on one of 8 rows or columns.
    static var bars: Tensor {
        var pixels: [Float] = []
        for i in 0..<64 {
            let (vertical, at) = (i % 2 == 1, (i / 2) % 8)
            for y in 0..<8 { for x in 0..<8 { pixels.append((vertical ? x : y) == at ? 0.95 : 0.05) } }
        }
        return Tensor(pixels, shape: [64, 64])
    }

    @Test(arguments: ConvolutionKind.allCases)
    func aTinyConvVAELearnsWithEveryKind(_ kind: ConvolutionKind) throws {
        var options = ConvVAEModel.defaultOptions
        options.network.latent = 4
        options.network.conv = kind
        options.optimizer.learningRate = 3e-3
        var rng = RandomGenerator(seed: 7)
        let vae = try ConvVAEModel(options: options, context: ModelContext(imageShape: [1, 8, 8]), rng: &rng)
        let x = Self.bars
        func loss() -> Double { vae.validate(x, labels: [], rng: &rng).first { $0.0 == "loss" }!.1 }
        let before = loss()
        for step in 0..<40 {
            let rows = (0..<16).map { (step * 16 + $0) % 64 }
            _ = try vae.trainStep(x.gatherRows(rows), labels: [], epoch: 1, rng: &rng)
        }
        let after = loss()
        #expect(after < 0.9 * before, "\(kind): −ELBO \(before) → \(after)")
    }
}

extension TrainableModel {
    /// The value of `--conv` after parsing `words`.
    static func convValue(_ words: [String]) throws -> String? {
        let settings = try parseSettings(words).settings
        return settingSpecs.first { $0.name == "conv" }?.value(in: settings)
    }

    /// The value of `--conv` in stored options (the `model` of a config.json).
    static func convValue(of options: any FamilyOptions) throws -> String? {
        settingSpecs.first { $0.name == "conv" }?.value(in: TrainingSettings(training: TrainingOptions(), model: try typed(options)))
    }

    /// A model of this family with `--conv kind` and default options otherwise.
    static func built(conv kind: ConvolutionKind, context: ModelContext, rng: inout RandomGenerator) throws -> any TrainableModel {
        try build(options: parseSettings(["--conv", kind.rawValue]).settings.model, context: context, rng: &rng)
    }
}

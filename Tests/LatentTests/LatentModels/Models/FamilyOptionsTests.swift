import Foundation
import Testing
@testable import Latent

/// Each family takes exactly its own options: every family × every option of
/// any family is either applied (the value lands in the family's options) or
/// refused with a message that lists the family's options.
@Suite struct FamilyOptionsTests {
    /// A valid value for every option name any family takes (an RBM's --hidden is one number: `alternatives`).
    static let samples: [String: String] = [
        "epochs": "3", "batch": "7", "seed": "11", "image-every": "2", "divergence-factor": "50.0", "tensorboard": "true",
        "latent": "3", "hidden": "9,7", "likelihood": "gaussian-learned", "gaussian-std": "0.3", "prior": "mog",
        "components": "4", "beta": "2.5", "warmup": "3", "conditional": "true", "optimizer": "adamax", "lr": "0.02",
        "momentum": "0.25", "clip-norm": "4.0", "noise": "mask:0.3", "sparsity": "0.01", "cd-k": "3", "pcd": "true",
        "weight-decay": "0.001", "schedule": "linear", "pretrain-epochs": "2", "d-lr": "0.0004", "loss": "minimax",
        "label-smoothing": "0.1", "d-steps": "2", "betas": "0.5,0.99", "free-bits": "0.5", "labelled": "20", "classifier-weight": "2.5",
        "conv": "separable",
        "gamma": "6.4", "d-hidden": "13,5",
        "variant": "infogan", "categorical": "4", "continuous": "3", "info-weight": "0.5",
        "iw-samples": "5", "tc-weight": "4.0",
        "noise-schedule": "cosine", "timesteps": "20", "channels": "8", "channel-mults": "1,2", "res-blocks": "2", "attention": "false",
        "ema-decay": "0.99", "sample-steps": "7",
    ]
    /// Values of an option whose choices differ between families (the AAE's --prior is gaussian|mixture).
    static let familySamples: [String: [String: String]] = ["aae": ["prior": "mixture"]]
    static let alternatives: [String: String] = ["hidden": "9"]
    /// Options that only act together with another setting.
    static let prerequisites: [String: [String]] = [
        "gaussian-std": ["--likelihood", "gaussian"], "components": ["--prior", "vamp"], "momentum": ["--optimizer", "sgd"],
        "categorical": ["--variant", "infogan"], "continuous": ["--variant", "infogan"], "info-weight": ["--variant", "infogan"],
    ]
    /// Every option name of every family (and the loop's).
    static var allNames: [String] { Array(Set(ModelRegistry.families.flatMap { $0.settingNames })).sorted() }

    @Test func everyOptionOfAnyFamilyIsSampled() {
        #expect(Set(Self.allNames) == Set(Self.samples.keys), "a new option needs a sample value here")
    }

    @Test(arguments: ModelRegistry.families.map { $0.family })
    func everyFlagIsAppliedOrRefused(_ name: String) throws {
        try ModelRegistry.family(name).walkOptions(Self.allNames, samples: Self.samples.merging(Self.familySamples[name] ?? [:]) { $1 },
                                                   alternatives: Self.alternatives,
                                                   prerequisites: Self.prerequisites)
    }
}

extension TrainableModel {
    /// Gives each option of `names` (with prerequisites it needs) to this family and checks it lands or is refused.
    static func walkOptions(_ names: [String], samples: [String: String], alternatives: [String: String],
                            prerequisites: [String: [String]]) throws {
        let family = Self.self
        let taken = Set(family.settingNames)
        for option in names {
            let spec = family.settingSpecs.first { $0.name == option }
            let value = spec?.valueName == "n" ? alternatives[option] ?? samples[option]! : samples[option]!
            var words = ["--\(option)=\(value)"]
            if let needs = prerequisites[option], taken.contains(String(needs[0].dropFirst(2))) {
                words += needs
            }
            if taken.contains(option) {
                let (settings, typed) = try family.parseSettings(words)
                #expect(typed.contains(option))
                let spec = spec!
                #expect(spec.value(in: settings) == value, "\(family.family) --\(option): \(spec.value(in: settings) ?? "nil")")
                #expect(spec.value(in: family.defaultSettings) != value, "\(family.family) --\(option): the sample equals the default, so the test proves nothing")
            } else {
                do {
                    _ = try family.parseSettings(words)
                    Issue.record("\(family.family) accepted --\(option), which it does not take")
                } catch let error as LatentError {
                    #expect(error.description.contains("`train \(family.family)` has no option --\(option)"), "\(error)")
                    for own in family.settingNames { #expect(error.description.contains("--" + own)) }
                }
            }
        }
    }
}

extension FamilyOptionsTests {

    @Test func anOptionThatNeedsAnotherSettingIsRefusedAlone() {
        expectLatentError(["--gaussian-std does nothing without --likelihood gaussian"]) { _ = try VAEModel.parseSettings(["--gaussian-std", "0.2"]) }
        expectLatentError(["--components does nothing without --prior mog or vamp"]) { _ = try VAEModel.parseSettings(["--components", "3"]) }
        expectLatentError(["--momentum does nothing without --optimizer sgd"]) { _ = try ClassifierModel.parseSettings(["--momentum", "0.5"]) }
        expectLatentError(["--latent is given twice"]) { _ = try VAEModel.parseSettings(["--latent", "2", "--latent=3"]) }
        expectLatentError(["--latent needs a value"]) { _ = try VAEModel.parseSettings(["--latent"]) }
        expectLatentError(["unexpected 'x'"]) { _ = try VAEModel.parseSettings(["x"]) }
        expectLatentError(["--betas does nothing without --optimizer adam or adamax"]) { _ = try VAEModel.parseSettings(["--optimizer", "sgd", "--betas", "0.5,0.9"]) }
        expectLatentError(["--betas wants two numbers in [0, 1)"]) { _ = try VAEModel.parseSettings(["--betas", "0.5"]) }
        expectLatentError(["--pcd takes no value"]) { _ = try RBMModel.parseSettings(["--pcd=yes"]) }
        expectLatentError(["--likelihood must be one of bernoulli, gaussian, gaussian-learned, categorical, got 'normal'"]) {
            _ = try VAEModel.parseSettings(["--likelihood", "normal"])
        }
    }

    @Test func theConvolutionalFamiliesHaveNoHiddenWidths() throws {
        for family in [ConvVAEModel.self as any TrainableModel.Type, ConvAutoencoderModel.self, DCGANModel.self] {
            #expect(!family.settingNames.contains("hidden"))
        }
        // Built by hand with widths, a convolutional family refuses them rather than ignoring them.
        var options = VAEOptions()
        options.network.hidden = [8]
        var rng = RandomGenerator(seed: 0)
        expectLatentError(["no --hidden"]) { _ = try ConvVAEModel(options: options, context: ModelContext(imageShape: [1, 8, 8]), rng: &rng) }
        #expect(DCGANModel.defaultOptions.latent == 64 && GANModel.defaultOptions.latent == 20)
    }

    @Test func optionsSurviveConfigJSON() throws {
        let tmp = TempFolder()
        try NPY.write(Tensor((0..<(60 * 16)).map { Float($0 % 7) / 7 }, shape: [60, 4, 4]), to: tmp.file("x.npy"))
        var o = DataOptions(source: tmp.file("x.npy"))
        o.validation = 10
        let data = try PreparedData.load(o)
        let config = try VAEModel.runConfig(["--latent", "3", "--hidden", "9,7", "--likelihood", "gaussian", "--gaussian-std", "0.3",
                                             "--optimizer", "sgd", "--momentum", "0.25", "--clip-norm", "2", "--epochs", "4"],
                                            data: data, command: ["test"])
        let json = try JSONEncoder().encode(config)
        let back = try JSONDecoder().decode(RunConfig.self, from: json)
        #expect(back.model as? VAEOptions == config.model as? VAEOptions && back.training == config.training && back.format == 2)
        let text = String(decoding: json, as: UTF8.self)
        #expect(!text.contains("components") && text.contains("\"momentum\":0.25"), "unset options are not recorded: \(text)")
        // An RBM's config records no optimizer and no momentum it does not have.
        let rbm = String(decoding: try JSONEncoder().encode(try RBMModel.runConfig([], data: data, command: [])), as: UTF8.self)
        #expect(!rbm.contains("optimizer") && !rbm.contains("adam"))
    }
}

/// Run folders written before each family had its own options (config.json without
/// `format`, made with Latent 0.1.0 before this change) still open, with the same settings.
@Suite struct LegacyConfigTests {
    static let vae = #"{"classCount": 3, "command": ["latent", "train", "vae", "--data", "x.npy", "--validation", "20", "--epochs", "1", "--latent", "3", "--hidden", "16,8", "--likelihood", "gaussian", "--gaussian-std", "0.2", "--prior", "mog", "--components", "4", "--beta", "2", "--warmup", "1", "--optimizer", "sgd", "--momentum", "0.5", "--lr", "0.01", "--clip-norm", "5", "--name", "vae", "--json"], "created": "2026-11-29T22:58:11Z", "data": {"binarize": "none", "labelColumn": "first", "scale": "unit", "seed": 0, "source": "x.npy", "validation": 20}, "dataDescription": "x.npy (NPY float32 taken as is, split 80/20)", "family": "vae", "imageShape": [1, 8, 8], "latentVersion": "0.1.0", "model": {"beta": 2, "components": 4, "gaussianStd": 0.2, "hidden": [16, 8], "latent": 3, "likelihood": "gaussian", "momentum": 0.5, "prior": "mog", "warmup": 1}, "testCount": 24, "threads": 1, "trainCount": 76, "training": {"batchSize": 128, "clipNorm": 5, "epochs": 1, "imageEvery": 1, "learningRate": 0.01, "momentum": 0.5, "optimizer": "sgd", "seed": 0}, "validationCount": 20}"#
    static let rbm = #"{"classCount": 3, "command": ["latent", "train", "rbm", "--data", "x.npy", "--validation", "20", "--epochs", "1", "--hidden", "12", "--cd-k", "2", "--pcd", "--momentum", "0.5", "--weight-decay", "0.001", "--schedule", "linear", "--lr", "0.05", "--batch", "10", "--name", "rbm", "--json"], "created": "2026-11-29T22:58:11Z", "data": {"binarize": "none", "labelColumn": "first", "scale": "unit", "seed": 0, "source": "x.npy", "validation": 20}, "dataDescription": "x.npy (NPY float32 taken as is, split 80/20)", "family": "rbm", "imageShape": [1, 8, 8], "latentVersion": "0.1.0", "model": {"gibbsSteps": 2, "hidden": [12], "momentum": 0.5, "persistent": true, "schedule": "linear", "weightDecay": 0.001}, "testCount": 24, "threads": 1, "trainCount": 76, "training": {"batchSize": 10, "epochs": 1, "imageEvery": 1, "learningRate": 0.05, "momentum": 0.5, "optimizer": "adam", "seed": 0}, "validationCount": 20}"#
    static let gan = #"{"classCount": 3, "command": ["latent", "train", "gan", "--data", "x.npy", "--validation", "20", "--epochs", "1", "--latent", "4", "--hidden", "8,16", "--loss", "minimax", "--label-smoothing", "0.1", "--d-steps", "2", "--d-lr", "0.0002", "--lr", "0.0005", "--name", "gan", "--json"], "created": "2026-11-29T22:58:11Z", "data": {"binarize": "none", "labelColumn": "first", "scale": "symmetric", "seed": 0, "source": "x.npy", "validation": 20}, "dataDescription": "x.npy (NPY float32 taken as is, split 80/20)", "family": "gan", "imageShape": [1, 8, 8], "latentVersion": "0.1.0", "model": {"discriminatorLearningRate": 0.0002, "discriminatorSteps": 2, "ganLoss": "minimax", "hidden": [8, 16], "labelSmoothing": 0.1, "latent": 4}, "testCount": 24, "threads": 1, "trainCount": 76, "training": {"batchSize": 128, "epochs": 1, "imageEvery": 1, "learningRate": 0.0005, "momentum": 0.9, "optimizer": "adam", "seed": 0}, "validationCount": 20}"#
    static let convAE = #"{"classCount": 3, "command": ["latent", "train", "conv-ae", "--data", "x.npy", "--validation", "20", "--epochs", "1", "--latent", "3", "--noise", "mask:0.3", "--sparsity", "0.01", "--name", "convae", "--json"], "created": "2026-11-29T22:58:11Z", "data": {"binarize": "none", "labelColumn": "first", "scale": "unit", "seed": 0, "source": "x.npy", "validation": 20}, "dataDescription": "x.npy (NPY float32 taken as is, split 80/20)", "family": "conv-ae", "imageShape": [1, 8, 8], "latentVersion": "0.1.0", "model": {"latent": 3, "noise": "mask:0.3", "sparsity": 0.01}, "testCount": 24, "threads": 1, "trainCount": 76, "training": {"batchSize": 128, "epochs": 1, "imageEvery": 1, "learningRate": 0.001, "momentum": 0.9, "optimizer": "adam", "seed": 0}, "validationCount": 20}"#

    func decode(_ text: String) throws -> RunConfig { try JSONDecoder().decode(RunConfig.self, from: Data(text.utf8)) }

    @Test func aVAERunKeepsItsSettingsAndLosesTheMomentumItNeverUsedTwice() throws {
        let config = try decode(Self.vae)
        let o = try #require(config.model as? VAEOptions)
        #expect(o.network.latent == 3 && o.network.hidden == [16, 8] && o.network.likelihood == .gaussian && o.network.gaussianStd == 0.2)
        #expect(o.prior == .mog && o.components == 4 && o.beta == 2 && o.warmup == 1 && !o.conditional)
        #expect(o.optimizer.kind == .sgd && o.optimizer.learningRate == 0.01 && o.optimizer.momentum == 0.5 && o.optimizer.clipNorm == 5)
        #expect(config.training.batchSize == 128 && config.training.epochs == 1)
        try config.validate(path: "config.json")
        // Written back, it is in today's format and reads back the same.
        let again = try JSONDecoder().decode(RunConfig.self, from: JSONEncoder().encode(config))
        #expect(again.model as? VAEOptions == o && again.format == RunConfig.currentFormat)
    }

    @Test func anRBMRunGetsItsLearningRateAndNoOptimizer() throws {
        let o = try #require(try decode(Self.rbm).model as? RBMOptions)
        #expect(o.hidden == 12 && o.gibbsSteps == 2 && o.persistent && o.momentum == 0.5 && o.weightDecay == 0.001)
        #expect(o.schedule == .linear && o.learningRate == 0.05)
    }

    @Test func aGANAndAConvolutionalAutoencoderRunToo() throws {
        let g = try #require(try decode(Self.gan).model as? GANOptions)
        #expect(g.latent == 4 && g.hidden == [8, 16] && g.loss == .minimax && g.labelSmoothing == 0.1)
        #expect(g.discriminatorSteps == 2 && g.discriminatorLearningRate == 0.0002 && g.learningRate == 0.0005)
        let a = try #require(try decode(Self.convAE).model as? AutoencoderOptions)
        #expect(a.network.latent == 3 && a.network.hidden == nil && a.noise == "mask:0.3" && a.sparsity == 0.01)
        #expect(a.optimizer == OptimizerOptions())
    }

    @Test func theModelBuiltFromAnOldConfigMatchesOneBuiltFromTodaysOptions() throws {
        for text in [Self.vae, Self.rbm, Self.gan, Self.convAE] {
            let old = try decode(text)
            var rng1 = RandomGenerator(seed: 3), rng2 = RandomGenerator(seed: 3)
            let a = try old.buildModel(rng: &rng1).modelState()
            let b = try decode(String(decoding: JSONEncoder().encode(old), as: UTF8.self)).buildModel(rng: &rng2).modelState()
            #expect(a.keys.sorted() == b.keys.sorted())
            for (k, v) in a { #expect(v.scalars == b[k]!.scalars, "\(old.family) \(k)") }
        }
    }

    @Test func aBadOldValueIsNamed() {
        let broken = Self.vae.replacingOccurrences(of: #""likelihood": "gaussian""#, with: #""likelihood": "poisson""#)
        expectLatentError(["model.likelihood", "poisson"]) { _ = try decode(broken) }
        let future = Self.vae.replacingOccurrences(of: #""family": "vae""#, with: #""family": "vae", "format": 9"#)
        expectLatentError(["format 9", "newer"]) { _ = try decode(future) }
    }
}

/// `--betas` reaches the optimizer it configures; without it Adam keeps PyTorch's defaults.
@Suite struct OptimizerOptionsTests {
    @Test func betasReachAdam() throws {
        var o = OptimizerOptions()
        o.betas = [0.5, 0.99]
        let p = Parameter(Tensor([1, 2]))
        let adam = try #require(o.make([p]) as? Adam)
        #expect(adam.beta1 == 0.5 && adam.beta2 == 0.99)
        let plain = try #require(OptimizerOptions().make([p]) as? Adam)
        #expect(plain.beta1 == 0.9 && plain.beta2 == 0.999)
        o.kind = .adamax
        let adamax = try #require(o.make([p]) as? Adamax)
        #expect(adamax.beta1 == 0.5 && adamax.beta2 == 0.99)
    }
}

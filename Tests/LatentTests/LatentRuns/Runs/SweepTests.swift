import Foundation
import Testing
@testable import Latent

/// Sweeps: any option of a family varies; every combination is trained on the
/// same data; `--evaluate` scores each on the same test images.
@Suite struct SweepTests {
    @Test func everyCombinationOfCommaListsIsASetting() throws {
        let plan = try VAEModel.sweepPlan(["--lr", "1e-3,1e-4", "--prior", "standard,mog,vamp", "--epochs", "2"])
        #expect(plan.settings.count == 6)
        #expect(plan.settings.map(\.label) == ["lr=1e-3 prior=standard", "lr=1e-3 prior=mog", "lr=1e-3 prior=vamp",
                                               "lr=1e-4 prior=standard", "lr=1e-4 prior=mog", "lr=1e-4 prior=vamp"])
        // Fixed options and the sweep's default of pictures at the end only go to every setting.
        #expect(plan.settings.allSatisfy { $0.words.contains("--epochs=2") && $0.words.contains("--image-every=0") })
        let settings = try VAEModel.parseSettings(plan.settings[5].words).settings
        #expect(settings.model.prior == .vamp && settings.model.optimizer.learningRate == 1e-4 && settings.training.imageEvery == 0)
    }

    @Test func aListValuedOptionVariesByRepetition() throws {
        let plan = try VAEModel.sweepPlan(["--hidden", "512,256", "--hidden", "none", "--optimizer", "adam,sgd"])
        #expect(plan.settings.map(\.label) == ["hidden=512,256 optimizer=adam", "hidden=512,256 optimizer=sgd",
                                               "hidden=none optimizer=adam", "hidden=none optimizer=sgd"])
        #expect(try VAEModel.parseSettings(plan.settings[2].words).settings.model.network.hidden == [])
        expectLatentError(["give --lr once"]) { _ = try VAEModel.sweepPlan(["--lr", "1e-3", "--lr", "1e-4"]) }
    }

    @Test func aSwitchAndAnEqualsFormVaryToo() throws {
        let plan = try RBMModel.sweepPlan(["--pcd=false,true", "--cd-k", "1,10"])
        #expect(try plan.settings.map { try RBMModel.parseSettings($0.words).settings.model.persistent } == [false, false, true, true])
        let dbm = try DBMModel.sweepPlan(["--lr=1e-3,2e-3"])
        #expect(try dbm.settings.map { try DBMModel.parseSettings($0.words).settings.model.learningRate } == [1e-3, 2e-3])
    }

    @Test func configsListSettingsAndLabelThemByWhatDiffers() throws {
        let plan = try RBMModel.sweepPlan(configs: "hidden=10,lr=0.01,epochs=1;hidden=20,lr=0.001", fixed: ["--batch", "10"])
        // A setting that does not give epochs has the default (10): the label says so.
        #expect(plan.settings.map(\.label) == ["hidden=10 lr=0.01 epochs=1", "hidden=20 lr=0.001 epochs=10"])
        #expect(plan.settings.allSatisfy { $0.words.contains("--batch=10") })
        let dbm = try DBMModel.sweepPlan(configs: "hidden=20,10,lr=0.01;hidden=30,20", fixed: [])
        #expect(try dbm.settings.map { try DBMModel.parseSettings($0.words).settings.model.hidden } == [[20, 10], [30, 20]])
        expectLatentError(["no option 'optimizer'", "hidden, lr, cd-k"]) { _ = try RBMModel.sweepPlan(configs: "optimizer=sgd", fixed: []) }
        expectLatentError(["--cd-k must be from 1"]) { _ = try RBMModel.sweepPlan(configs: "cd-k=0", fixed: []) }
    }

    @Test func aSweepOverFamiliesComparesTheVAEWithTheAutoencoderOfTheSameNetworks() throws {
        let plans = try Sweep.plans([VAEModel.self, AutoencoderModel.self], words: ["--latent", "2,3", "--hidden", "8"])
        #expect(plans.map { $0.family.family } == ["vae", "ae"])
        #expect(plans.flatMap { $0.plan.settings.map(\.label) } == ["model=vae latent=2", "model=vae latent=3", "model=ae latent=2", "model=ae latent=3"])
        // The same network options reach both families.
        let ae = try AutoencoderModel.parseSettings(plans[1].plan.settings[0].words).settings.model
        let vae = try VAEModel.parseSettings(plans[0].plan.settings[0].words).settings.model
        #expect(ae.network == vae.network)
        expectLatentError(["`sweep ae` has no option --prior"]) { _ = try Sweep.plans([VAEModel.self, AutoencoderModel.self], words: ["--prior", "mog"]) }
        expectLatentError(["different pixel ranges"]) { _ = try Sweep.plans([VAEModel.self, GANModel.self], words: []) }
        #expect(try Sweep.plans([VAEModel.self], words: ["--latent", "2,3"]).first?.plan.settings.map(\.label) == ["latent=2", "latent=3"])
    }

    @Test func aSweepTrainsEverySettingAndScoresThemOnTheSameTestImages() throws {
        let tmp = TempFolder()
        try NPY.write(Tensor((0..<(80 * 16)).map { Float(($0 / 16 + $0) % 3) / 2 }, shape: [80, 4, 4]), to: tmp.file("x.npy"))
        var o = DataOptions(source: tmp.file("x.npy"))
        o.validation = 8
        let data = try PreparedData.load(o)
        let plan = try VAEModel.sweepPlan(["--latent", "1,2", "--hidden", "8", "--epochs", "1", "--batch", "16"])
        let results = try Sweep.train(VAEModel.self, plan: plan, data: data, root: tmp.file("runs"), name: "s", log: { _ in })
        #expect(results.map(\.label) == ["latent=1", "latent=2"])
        #expect(results.allSatisfy { ($0.run.config.model as? VAEOptions)?.network.hidden == [8] })
        let tested = try SweepEvaluation.likelihoods(results, options: LikelihoodEvaluation.Options(nllSamples: 20))
        for (label, _) in results {
            let scores = Dictionary(uniqueKeysWithValues: try #require(tested[label]))
            #expect(try #require(scores["test_is_nll"]) <= (try #require(scores["test_neg_elbo"])) + 1e-6, "\(label): \(scores)")
        }
        let picture = try #require(try SweepEvaluation.writeReconstructions(results, count: 4, to: tmp.file("rec.png")))
        #expect(FileManager.default.fileExists(atPath: picture))
        let table = try Sweep.summarize(results, folder: tmp.file("runs/s"), title: "t", keys: ["val_loss"], tested: tested)
        #expect(table.contains("| latent=2 | s-latent2 | test_is_nll | test |"), "\(table)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: tmp.file("runs/s/sweep.json")))) as? [[String: Any]]
        #expect(json?.contains { $0["metric"] as? String == "test_neg_elbo" && $0["split"] as? String == "test" } == true)
    }
}

import Foundation
import Testing
@testable import Latent

/// The course's questions that docs/EXPERIMENTS.md answers with one command each and that no
/// other end-to-end suite runs, as a user runs them on 200 tiny images: a sweep of two families
/// with its test scores and reconstructions, inpainting's calibration, the VAE's and P-PCA's latent
/// walks, single-layer autoencoders, the ELBO explorer's trajectory, a latent map of training codes,
/// and codes judged on data without labels.
@Suite struct CourseQuestionsEndToEndTests: CommandLineSuite {
    let tmp = ScratchFolder()

    func train(_ family: String, _ options: [String], data: String, name: String) throws {
        try latent(["train", family, "--data", data, "--epochs", "1", "--validation", "20", "--batch", "20",
                    "--runs", runs, "--name", name] + options)
    }

    @Test func aSweepOfTwoFamiliesScoresEverySettingAndReconstructsTheSameImages() throws {
        let data = try TinyData.write(into: tmp.path)
        try latent(["sweep", "vae,ae", "--data", data, "--latent", "2,3", "--hidden", "16", "--epochs", "1", "--validation", "20",
                    "--batch", "20", "--evaluate", "--nll-samples", "5", "--test-limit", "20", "--runs", runs, "--name", "s"])
        expectFiles(runs + "/s", ["sweep.svg", "sweep.md", "sweep.json", "reconstructions.png"])
        let table = (try? String(contentsOfFile: runs + "/s/sweep.md", encoding: .utf8)) ?? ""
        for setting in ["model=vae latent=2", "model=ae latent=3"] { #expect(table.contains(setting), "\(setting) missing: \(table)") }
        #expect(table.contains("test_neg_elbo") && table.contains("test_is_nll"), "\(table)")
    }

    @Test func inpaintingsCalibrationRemovesNothingAndRestoresTheInput() throws {
        let data = try TinyData.write(into: tmp.path)
        try train("rbm", ["--hidden", "16"], data: data, name: "rbm")
        let calibration = json(try latent(["inpaint", "rbm", "--rows", "0:0", "--gibbs-steps", "3", "--n", "8", "--json", "--runs", runs]).output)
        #expect(calibration["mse_removed"] as? Double == 0, "nothing removed, nothing to restore: \(calibration)")
        let restored = json(try latent(["inpaint", "rbm", "--rows", "10:16", "--gibbs-steps", "3", "--n", "8", "--json", "--runs", runs]).output)
        #expect((restored["mse_removed"] as? Double ?? 0) > 0, "\(restored)")
    }

    @Test func theVAEAndPPCAWalkInOnePlane() throws {
        let data = try TinyData.write(into: tmp.path)
        try train("vae", ["--latent", "4", "--hidden", "16"], data: data, name: "vae")
        try train("ppca", ["--latent", "4"], data: data, name: "ppca")
        try latent(["project", "vae", "--walk", "--compare", "ppca", "--n", "6", "--runs", runs])
        expectFiles(runs + "/vae", ["plots/project-walk-compare.svg", "images/project-walk-compare.png"])
        let plot = (try? String(contentsOfFile: runs + "/vae/plots/project-walk-compare.svg", encoding: .utf8)) ?? ""
        #expect(plot.contains("vae") && plot.contains("ppca"), "both walks are named in the plot")
    }

    @Test func singleLayerAutoencodersTrainAndShowTheirFilters() throws {
        let data = try TinyData.write(into: tmp.path)
        for (name, latent) in [("under", "16"), ("over", "1000")] {
            try train("ae", ["--hidden", "none", "--latent", latent] + (name == "over" ? ["--sparsity", "1e-3"] : []), data: data, name: name)
            let config = json((try? String(contentsOfFile: runs + "/\(name)/config.json", encoding: .utf8)) ?? "")
            let network = ((config["model"] as? [String: Any])?["network"] as? [String: Any]) ?? [:]
            #expect((network["hidden"] as? [Int]) == [], "a single layer has no hidden widths: \(network)")
            try self.latent(["filters", name, "--runs", runs])
            expectFiles(runs + "/\(name)", ["images/filters-layer1.png"])
        }
    }

    @Test func theELBOExplorerDrawsItsTrainingPathOnTheSurface() throws {
        let out = tmp.file("explorer")
        try latent(["elbo-explorer", "--start-theta", "-0.3", "--start-phi", "1.5", "--steps", "40", "--output", out])
        expectFiles(out, ["elbo-vs-theta.svg", "training.svg", "elbo-surface.svg", "trajectory.csv", "surface.csv", "summary.json"])
        let rows = ((try? String(contentsOfFile: out + "/trajectory.csv", encoding: .utf8)) ?? "").split(separator: "\n")
        #expect(rows.count >= 41, "a header and one row per step at least: \(rows.count)")
        #expect(rows.first == "step,theta,phi,encoder_variance,log_p,elbo" && rows.dropFirst().first?.hasPrefix("0,-0.3,1.5,") == true,
                "the path starts at the chosen (θ, φ): \(rows.prefix(2))")
    }

    @Test func aLatentMapOfTrainingCodes() throws {
        let data = try TinyData.write(into: tmp.path)
        try train("ae", ["--latent", "2", "--hidden", "16"], data: data, name: "ae")
        try latent(["latent-map", "ae", "--split", "train", "--n", "60", "--threads", "2", "--runs", runs])
        expectFiles(runs + "/ae", ["plots/latent-map-train.svg"])
        // Every command that computes on a run takes --threads; one that computes nothing refuses it.
        try latent(["latent-map", "ae", "--threads", "0", "--runs", runs], status: 64)
        try latent(["report", "ae", "--threads", "2", "--runs", runs], status: 64)
    }

    @Test func codesAreJudgedWithoutLabels() throws {
        let labelled = try TinyData.write(into: tmp.path)
        let data = tmp.file("faces.npy")
        try NPY.write(try NPY.read(labelled), to: data)   // the images without their labels file
        try train("ae", ["--latent", "3", "--hidden", "16"], data: data, name: "ae")
        let r = json(try latent(["evaluate", "ae", "--representation", "--clusters", "3", "--test-limit", "40", "--json", "--runs", runs]).output)
        #expect(r["labelled"] as? Bool == false && r["silhouette"] is Double && r["kmeans_clusters"] as? Int == 3, "\(r)")
        #expect(r["linear_probe_accuracy"] == nil && r["adjusted_rand_index"] == nil)
        #expect(((r["skipped"] as? [String: Any])?.isEmpty == false) || ((r["skipped"] as? [Any])?.isEmpty == false),
                "says why the probe and ARI are missing: \(r)")
    }

    /// A model far larger than any machine's memory is one line and exit 1, not a crash with a backtrace.
    @Test func aModelTooLargeForMemoryIsOneLine() throws {
        let data = try TinyData.write(into: tmp.path)
        let result = try latent(["train", "ddpm", "--data", data, "--channels", "10000000", "--epochs", "1", "--runs", runs], status: 1)
        // Under AddressSanitizer (make test-asan) the allocator prints a warning of its own before returning null.
        let ours = result.error.split(separator: "\n").filter { !$0.contains("AddressSanitizer") }
        #expect(ours.count == 1 && ours[0].hasPrefix("Error: out of memory"), "\(result.error)")
    }
}

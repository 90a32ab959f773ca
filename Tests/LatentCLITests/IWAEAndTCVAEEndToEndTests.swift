import Foundation
import Testing
@testable import Latent

/// The built `latent` on tiny data: an IWAE (`--iw-samples`) trains on the importance-weighted bound and reports
/// it beside the ELBO, then `evaluate --nll-samples` scores it as any VAE; a β-TCVAE (`--tc-weight`) reports the
/// KL's split and charts it.
@Suite struct IWAEAndTCVAEEndToEndTests: CommandLineSuite {
    let tmp = ScratchFolder()

    @Test func iwaeTrainsOnTheBoundAndIsEvaluatedAsAVAE() throws {
        let data = try TinyData.write(into: tmp.path)
        try latent(["train", "vae", "--data", data, "--epochs", "1", "--validation", "20", "--batch", "20", "--latent", "4",
                    "--hidden", "32", "--iw-samples", "5", "--runs", runs, "--name", "iw"])
        let run = runs + "/iw"
        let record = lastEpoch(run)
        for key in ["loss", "neg_elbo", "val_loss", "val_neg_elbo"] { #expect(record[key] is Double, "\(key): \(record)") }
        if let bound = record["val_loss"] as? Double, let elbo = record["val_neg_elbo"] as? Double {
            #expect(bound <= elbo + 0.5, "−IWAE_5 \(bound) vs −ELBO \(elbo)")
        }
        #expect(size(run + "/plots/loss.svg") > 0)
        let evaluation = try latent(["evaluate", "iw", "--nll-samples", "10", "--json", "--runs", runs])
        #expect(evaluation.output.contains("is_nll") && evaluation.output.contains("neg_elbo"), "\(evaluation.output)")
        let refused = try latent(["train", "conv-vae", "--data", data, "--iw-samples", "5", "--beta", "2", "--runs", runs], status: 64)
        #expect(refused.error.contains("--iw-samples does nothing without --beta 1"), "\(refused.error)")
    }

    @Test func tcvaeReportsTheSplitOfTheKL() throws {
        let data = try TinyData.write(into: tmp.path)
        try latent(["train", "conv-vae", "--data", data, "--epochs", "1", "--validation", "20", "--batch", "20", "--latent", "4",
                    "--tc-weight", "6", "--runs", runs, "--name", "tc"])
        let run = runs + "/tc"
        let record = lastEpoch(run)
        for key in ["val_mi", "val_tc", "val_dim_kl", "val_loss"] { #expect(record[key] is Double, "\(key): \(record)") }
        #expect(size(run + "/plots/kl-decomposition.svg") > 0)
        let refused = try latent(["train", "vae", "--data", data, "--tc-weight", "6", "--prior", "vamp", "--runs", runs], status: 64)
        #expect(refused.error.contains("--tc-weight does nothing without --prior standard"), "\(refused.error)")
    }
}

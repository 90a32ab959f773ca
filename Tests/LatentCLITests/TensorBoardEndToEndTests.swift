#if TensorBoard   // the writer is built only with the package trait TensorBoard (`make test` enables it)
import Foundation
import Testing
@testable import Latent
import LatentTensorBoard

/// `latent train … --tensorboard` and `latent resume`, run as a user would: event files in the run's
/// tensorboard/ folder, one per session, every record whole and every epoch's loss in them.
@Suite struct TensorBoardEndToEndTests: CommandLineSuite {
    let tmp = ScratchFolder()
    let passesRuns = true

    @Test func trainAndResumeWriteEventFiles() throws {
        let data = try TinyData.write(into: tmp.path)
        try latent(["train", "vae", "--data", data, "--epochs", "1", "--validation", "20", "--batch", "20", "--latent", "2",
                    "--hidden", "16", "--tensorboard", "--name", "tb"])
        let folder = runs + "/tb/tensorboard"
        #expect(EventFileReader.files(in: folder).count == 1)
        #expect(try String(contentsOfFile: runs + "/tb/config.json", encoding: .utf8).contains("\"tensorboard\" : true"))
        try latent(["resume", "tb", "--epochs", "2"])
        let files = EventFileReader.files(in: folder)
        #expect(files.count == 2, "a resumed run appends a new file: \(files)")
        let losses = try files.flatMap(EventFileReader.events).flatMap { e in
            (e.summary?.value ?? []).filter { $0.tag == "epoch/loss" }.map { _ in e.step }
        }
        #expect(losses.count == 2 && losses == losses.sorted(), "epoch/loss at \(losses)")
        // Without the flag, nothing is written.
        try latent(["train", "vae", "--data", data, "--epochs", "1", "--validation", "20", "--batch", "20", "--latent", "2",
                    "--hidden", "16", "--name", "plain"])
        #expect(!FileManager.default.fileExists(atPath: runs + "/plain/tensorboard"))
        let help = try latent(["train", "vae", "--help"])
        #expect(help.output.contains("--tensorboard"))
    }
}
#endif

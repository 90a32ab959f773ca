import Foundation
import Testing
@testable import Latent

/// Ctrl-C as a user presses it: during training the first one finishes the step, saves the checkpoint and
/// exits with 130; during a long evaluation (nothing to save) it ends the process at once instead of being
/// held until the evaluation is over.
@Suite struct SignalEndToEndTests: CommandLineSuite {
    let tmp = ScratchFolder()
    let passesRuns = true

    /// Starts `latent arguments --runs runs` in the scratch folder without waiting for it.
    func start(_ arguments: [String]) throws -> Process {
        guard let path = LatentBinary.path else { throw LatentError.invalidArgument("the latent executable was not found") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments + ["--runs", runs]
        process.currentDirectoryURL = URL(fileURLWithPath: tmp.path)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Waits until `condition` holds or `seconds` pass; whether it held. A bound against a hang, not a speed test.
    func wait(upTo seconds: Double, until condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition() {
            if Date() > deadline { return false }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return true
    }

    @Test func ctrlCSavesDuringTrainingAndStopsAnEvaluationAtOnce() throws {
        let data = try TinyData.write(into: tmp.path)
        let common = ["--data", data, "--validation", "20", "--batch", "20", "--latent", "2", "--hidden", "64"]
        try latent(["train", "vae"] + common + ["--epochs", "1", "--name", "done"])

        // Training: the first Ctrl-C is a request; the checkpoint is saved and the status is 128 + SIGINT.
        let training = try start(["train", "vae"] + common + ["--epochs", "100000", "--name", "long"])
        let metrics = runs + "/long/metrics.jsonl"
        #expect(wait(upTo: 120) { size(metrics) > 0 || !training.isRunning }, "the first epoch of the long run was logged")
        training.interrupt()
        #expect(wait(upTo: 120) { !training.isRunning }, "training stopped after Ctrl-C")
        if training.isRunning { training.terminate() }
        training.waitUntilExit()
        #expect(training.terminationReason == .exit && training.terminationStatus == 130, "\(training.terminationReason) \(training.terminationStatus)")
        #expect(size(runs + "/long/checkpoints/last.safetensors") > 0, "the interrupted run kept its checkpoint")

        // Evaluation: 20,000 importance samples for each test image take far longer than the bound below.
        let evaluation = try start(["evaluate", "done", "--nll-samples", "20000"])
        Thread.sleep(forTimeInterval: 1)
        let wasRunning = evaluation.isRunning
        evaluation.interrupt()
        #expect(wait(upTo: 60) { !evaluation.isRunning }, "the evaluation ended on the first Ctrl-C")
        if evaluation.isRunning { evaluation.terminate() }
        evaluation.waitUntilExit()
        if wasRunning {
            #expect(evaluation.terminationReason == .uncaughtSignal && evaluation.terminationStatus == SIGINT,
                    "ended by the signal itself: \(evaluation.terminationReason) \(evaluation.terminationStatus)")
        }
        let evaluationFile = runs + "/done/evaluation.json"
        if size(evaluationFile) > 0 {
            #expect((try? JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: evaluationFile)))) != nil,
                    "evaluation.json is whole")
        }
    }
}

import Foundation
import Testing
@testable import Latent
@testable import LatentRuns
@testable import LatentNN

/// A sweep spread over 2 and 3 ranks of the thread-backed communicator against the serial sweep: every
/// setting trains as a run of one process on its rank, so the runs have the same names and the same
/// metrics bit for bit; rank 0 alone returns the results. `--resume` skips finished runs and goes on
/// with interrupted ones instead of training them again in new folders.
@Suite struct DistributedSweepTests {
    func data(_ tmp: TempFolder) throws -> PreparedData {
        try NPY.write(Tensor((0..<(80 * 16)).map { Float(($0 / 16 + $0) % 3) / 2 }, shape: [80, 4, 4]), to: tmp.file("x.npy"))
        var o = DataOptions(source: tmp.file("x.npy"))
        o.validation = 8
        return try PreparedData.load(o)
    }

    /// Four settings, so 3 ranks get 2, 1 and 1 of them.
    func plans(hidden: String = "8") throws -> [(family: any TrainableModel.Type, plan: SweepPlan)] {
        try Sweep.plans([VAEModel.self], words: ["--latent", "1,2", "--lr", "1e-3,3e-3", "--hidden", hidden, "--epochs", "2",
                                                 "--batch", "16", "--image-every", "0"])
    }

    /// The epochs' metrics of a run without its timings.
    func losses(_ run: RunDirectory) -> [[String: Double]] {
        run.metrics.epochRecords().map { record in
            record.reduce(into: [String: Double]()) { out, pair in
                if pair.key != "seconds" && pair.key != "images_per_sec", let v = pair.value as? Double { out[pair.key] = v }
            }
        }
    }

    func serial(_ data: PreparedData, root: String) throws -> [Sweep.Result] {
        try Sweep.train(plans(), data: data, root: root, name: "s", threads: 1, communicator: SingleProcessCommunicator(), log: { _ in })
    }

    func spread(_ data: PreparedData, root: String, ranks: Int, resume: Bool = false) throws -> [[Sweep.Result]] {
        let group = ThreadCommunicator.group(size: ranks)
        let plans = try plans()
        nonisolated(unsafe) let shared = (plans, data)
        return try onThreads(ranks) { r in
            try Sweep.train(shared.0, data: shared.1, root: root, name: "s", threads: 1, resume: resume, communicator: group[r], log: { _ in })
        }
    }

    @Test(arguments: [2, 3])
    func settingsSpreadOverRanksTrainAsTheSerialSweep(ranks: Int) throws {
        let tmp = TempFolder()
        let data = try data(tmp)
        let one = try serial(data, root: tmp.file("serial"))
        let results = try spread(data, root: tmp.file("spread"), ranks: ranks)
        #expect(results.dropFirst().allSatisfy { $0.isEmpty }, "only rank 0 returns the results")
        let all = results[0]
        #expect(all.map(\.label) == one.map(\.label))
        #expect(all.map(\.run.name) == one.map(\.run.name))
        #expect(all.map(\.run.name) == ["s-latent1_lr1e-3", "s-latent1_lr3e-3", "s-latent2_lr1e-3", "s-latent2_lr3e-3"])
        for (a, b) in zip(one, all) {
            let x = losses(a.run), y = losses(b.run)
            #expect(x.count == 2 && x == y, "\(a.label): \(x) against \(y)")
            #expect(b.run.config.worldSize == nil, "each setting is a run of one process")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp.file("spread")).sorted() == all.map(\.run.name).sorted())
    }

    @Test func resumeSkipsFinishedRunsAndContinuesInterruptedOnes() throws {
        let tmp = TempFolder()
        let data = try data(tmp)
        let root = tmp.file("runs")
        let first = try spread(data, root: root, ranks: 2)[0]
        // An interrupted setting: its last epoch's metrics line is missing (the checkpoint is there).
        let metrics = first[1].run.path + "/metrics.jsonl"
        let lines = try String(contentsOfFile: metrics, encoding: .utf8).split(separator: "\n")
        try (lines.dropLast().joined(separator: "\n") + "\n").write(toFile: metrics, atomically: true, encoding: .utf8)
        #expect(losses(first[1].run).count == 1)
        var said: [String] = []
        let again = try Sweep.train(plans(), data: data, root: root, name: "s", threads: 1, resume: true,
                                    communicator: SingleProcessCommunicator(), log: { said.append($0) })
        #expect(again.map(\.run.path) == first.map(\.run.path), "no new folders")
        #expect(said.filter { $0.contains("(finished, skipped)") }.count == 3, "\(said)")
        #expect(said.contains { $0.contains("s-latent1_lr3e-3 (resumed after epoch 2)") }, "\(said)")
        #expect(losses(again[1].run).count == 2)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root).count == 4)
        // Without --resume the sweep trains afresh beside the old runs.
        _ = try Sweep.train(plans(), data: data, root: root, name: "s", threads: 1, communicator: SingleProcessCommunicator(), log: { _ in })
        #expect(try FileManager.default.contentsOfDirectory(atPath: root).count == 8)
    }

    @Test func resumeRefusesARunOfOtherSettings() throws {
        let tmp = TempFolder()
        let data = try data(tmp)
        let root = tmp.file("runs")
        _ = try serial(data, root: root)
        #expect(throws: LatentError.self) {
            try Sweep.train(plans(hidden: "9"), data: data, root: root, name: "s", threads: 1, resume: true,
                            communicator: SingleProcessCommunicator(), log: { _ in })
        }
    }
}

import Foundation
import Testing
@testable import Latent
@testable import LatentRuns

/// `ThreadTuner`: the order of the measured steps, the decision rule, and a training run that measures its
/// own first steps, keeps the choice in `BLAS.threads` and records it in config.json.
@Suite(.serialized) struct ThreadTunerTests {
    let tmp = TempFolder()

    @Test func candidatesAreOneHalfAndAllCores() {
        #expect(ThreadTuner.candidates(physicalCores: 1) == [1])
        #expect(ThreadTuner.candidates(physicalCores: 2) == [1, 2])
        #expect(ThreadTuner.candidates(physicalCores: 3) == [1, 3])
        #expect(ThreadTuner.candidates(physicalCores: 8) == [1, 4, 8])
        #expect(ThreadTuner.candidates(physicalCores: 0) == [1])
    }

    @Test func eachCountWarmsUpOnceThenTheRoundsAlternate() {
        var tuner = ThreadTuner(candidates: [4, 1, 2, 2], rounds: 2)
        var asked: [Int] = []
        while let n = tuner.nextStep() {
            asked.append(n)
            tuner.record(seconds: n == 2 ? 0.010 : 0.020)
        }
        #expect(asked == [1, 2, 4, 1, 2, 4, 1, 2, 4], "one untimed step each, then two alternating rounds")
        #expect(tuner.times[2] == [0.010, 0.010] && tuner.times[1]?.count == 2, "warm-up steps are not timed")
        #expect(tuner.choice == 2)
        #expect(tuner.nextStep() == nil, "nothing more to run once chosen")
    }

    @Test func theFewestThreadsWithinTheToleranceWin() {
        // 2 threads 3 % slower than 4: within 5 %, so 2; 1 thread is 40 % slower.
        #expect(ThreadTuner.decide([1: [0.014, 0.014, 0.014], 2: [0.0103, 0.0103, 0.0102], 4: [0.010, 0.010, 0.011]],
                                   candidates: [1, 2, 4], tolerance: 0.05) == 2)
        // More threads slower than one (a small convolutional batch, a busy machine): one.
        #expect(ThreadTuner.decide([1: [0.010, 0.011, 0.010], 2: [0.012, 0.013, 0.030]], candidates: [1, 2], tolerance: 0.05) == 1)
        // A gain inside the noise band is not worth a core.
        #expect(ThreadTuner.decide([1: [0.0100], 2: [0.0097]], candidates: [1, 2], tolerance: 0.05) == 1)
        // The median, not the mean: one slow outlier at 2 threads does not hide a real gain.
        #expect(ThreadTuner.decide([1: [0.010, 0.010, 0.010], 2: [0.006, 0.006, 0.5]], candidates: [1, 2], tolerance: 0.05) == 2)
        #expect(ThreadTuner.decide([:], candidates: [1, 2], tolerance: 0.05) == 1, "nothing timed: one thread")
    }

    @Test func aShortRunDecidesOnWhatItTimedAndOneCandidateNeedsNoSteps() {
        var tuner = ThreadTuner(candidates: [1, 2], rounds: 3)
        _ = tuner.nextStep(); tuner.record(seconds: 1)        // warm-ups
        _ = tuner.nextStep(); tuner.record(seconds: 1)
        _ = tuner.nextStep(); tuner.record(seconds: 0.020)   // 1 thread
        _ = tuner.nextStep(); tuner.record(seconds: 0.010)   // 2 threads
        #expect(tuner.choice == nil)
        tuner.finish()
        #expect(tuner.choice == 2 && tuner.summary.hasPrefix("2 threads"), "\(tuner.summary)")
        var single = ThreadTuner(candidates: [1])
        #expect(single.choice == 1 && single.nextStep() == nil)
        var odd = ThreadTuner(candidates: [1, 2], rounds: 1)
        _ = odd.nextStep(); odd.record(seconds: .nan)
        _ = odd.nextStep(); odd.record(seconds: 0.01)
        _ = odd.nextStep(); odd.record(seconds: .nan)        // a timed step with a broken clock is ignored
        _ = odd.nextStep(); odd.record(seconds: 0.01)
        #expect(odd.choice == 2 && odd.times[1] == nil)
    }

    @Test func trainingMeasuresItsFirstStepsAndRecordsTheChoice() throws {
        var pixels: [Float] = []
        for i in 0..<96 { for y in 0..<6 { for x in 0..<6 { pixels.append(y == i % 6 ? 0.9 : 0.1 + 0.01 * Float(x)) } } }
        try NPY.write(Tensor(pixels, shape: [96, 6, 6]), to: tmp.file("rows.npy"))
        var o = DataOptions(source: tmp.file("rows.npy"))
        o.validation = 16
        let data = try PreparedData.load(o)
        let config = try testConfig("vae", data: data, [("epochs", "2"), ("batch", "8"), ("latent", "2"), ("hidden", "8")])
        let session = try TrainingSession.start(config: config, data: data, root: tmp.file("runs"), name: "tuned", explicitName: true)
        session.quiet = true
        var lines: [String] = []
        session.log = { lines.append($0) }
        session.threadTuner = ThreadTuner(candidates: [1, 2], rounds: 2)
        let saved = BLAS.threads
        defer { BLAS.threads = saved }
        BLAS.threads = 1
        try session.train()
        let recorded = try RunDirectory.open(session.run.path).config.threads
        #expect(recorded == 1 || recorded == 2, "config.json records the choice: \(String(describing: recorded))")
        #expect(BLAS.threads == recorded, "the choice stays in force for the rest of the run")
        #expect(lines.filter { $0.hasPrefix("threads: ") }.count == 1, "\(lines)")
        #expect(lines.contains { $0.contains("1 → ") && $0.contains("2 → ") && $0.contains("ms/step") }, "\(lines)")
        // Both epochs logged once: tuning steps are ordinary training steps.
        #expect(session.run.metrics.epochRecords().map { $0["epoch"] as? Int } == [1, 2])
    }
}

/// Chooses a training run's compute thread count by timing the run's own first steps: what measures best
/// for this model, batch and machine (a second core speeds a large MLP up, slows a small convolutional batch
/// down, and does nothing for a batch of 10; on a machine whose other cores are busy it can make everything
/// slower). Each candidate count runs one untimed step (oneDNN builds its plans per thread count), then
/// `rounds` timed steps, alternating (1, N, 1, N, …) so a change in the machine's load falls on every
/// candidate alike. The choice is the fewest threads whose median step time is within `tolerance` of the
/// fastest — never more threads for no gain, and never slower than one thread by more than the noise.
/// The steps are real training steps: nothing is spent but the time of the slower candidates.
///
/// ```swift
/// var tuner = ThreadTuner(candidates: ThreadTuner.candidates(physicalCores: 8))   // [1, 4, 8]
/// while let threads = tuner.nextStep() {
///     BLAS.threads = threads
///     let start = ContinuousClock.now
///     // … one training step …
///     tuner.record(seconds: (ContinuousClock.now - start).seconds)
/// }
/// print(tuner.choice!, tuner.summary)
/// ```
public struct ThreadTuner: Sendable {
    public let candidates: [Int]
    public let rounds: Int
    public let tolerance: Double
    /// Thread count of each step still to run; `true` when that step is timed.
    private var schedule: [(threads: Int, timed: Bool)]
    private var current: (threads: Int, timed: Bool)?
    /// Timed step durations per candidate.
    public private(set) var times: [Int: [Double]] = [:]
    /// The chosen count, once every step of the schedule ran.
    public private(set) var choice: Int?

    public init(candidates: [Int], rounds: Int = 3, tolerance: Double = 0.05) {
        let counts = Array(Set(candidates.filter { $0 >= 1 })).sorted()
        self.candidates = counts.isEmpty ? [1] : counts
        self.rounds = Swift.max(1, rounds)
        self.tolerance = Swift.max(0, tolerance)
        schedule = self.candidates.map { ($0, false) }
        for _ in 0..<self.rounds { schedule += self.candidates.map { ($0, true) } }
        if self.candidates.count == 1 { schedule = []; choice = self.candidates[0] }
    }

    /// The counts worth trying on `physicalCores` cores: 1, half of them (from 4 cores up) and all.
    public static func candidates(physicalCores: Int) -> [Int] {
        let p = Swift.max(1, physicalCores)
        return Array(Set([1, p >= 4 ? p / 2 : 1, p])).sorted()
    }

    /// The thread count for the next step, or nil when the choice is made (then use `choice`).
    public mutating func nextStep() -> Int? {
        guard choice == nil, !schedule.isEmpty else { return nil }
        current = schedule.removeFirst()
        return current?.threads
    }

    /// The duration of the step `nextStep` asked for. After the last one, `choice` is set.
    public mutating func record(seconds: Double) {
        guard let step = current else { return }
        current = nil
        if step.timed, seconds.isFinite, seconds >= 0 { times[step.threads, default: []].append(seconds) }
        if schedule.isEmpty { choice = ThreadTuner.decide(times, candidates: candidates, tolerance: tolerance) }
    }

    /// Decides now on the steps timed so far (a run shorter than the schedule).
    public mutating func finish() {
        guard choice == nil else { return }
        schedule = []
        current = nil
        choice = ThreadTuner.decide(times, candidates: candidates, tolerance: tolerance)
    }

    /// The fewest threads whose median is within `tolerance` of the best median (1 when nothing was timed).
    public static func decide(_ times: [Int: [Double]], candidates: [Int], tolerance: Double) -> Int {
        let medians = candidates.compactMap { n in median(times[n] ?? []).map { (n, $0) } }
        guard let best = medians.map(\.1).min() else { return candidates.first ?? 1 }
        return medians.first { $0.1 <= best * (1 + tolerance) }?.0 ?? 1
    }

    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let s = values.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    /// "2 threads (auto: 1 → 12.3 ms/step, 2 → 8.1 ms/step)" once chosen.
    public var summary: String {
        guard let choice else { return "choosing the thread count" }
        guard !times.isEmpty else { return "\(choice) thread\(choice == 1 ? "" : "s") (nothing else to try)" }
        let parts = candidates.compactMap { n in ThreadTuner.median(times[n] ?? []).map { String(format: "%d → %.1f ms/step", n, $0 * 1000) } }
        return "\(choice) thread\(choice == 1 ? "" : "s") (measured over the first steps: " + parts.joined(separator: ", ") + ")"
    }
}

import Foundation

/// Progress of a long loop: a bar with rate and ETA, redrawn in place, when
/// standard output is a terminal; otherwise a plain line every
/// `lineInterval` seconds (for CI logs and pipes), and always a last line.
///
/// ```swift
/// let progress = Progress("epoch 1/10", total: 60_000, unit: "img")
/// for batch in batches { …; progress.advance(by: batch.count, status: "loss 251.3") }
/// progress.finish(status: "loss 250.9")
/// ```
public final class Progress {
    public let label: String
    public let total: Int
    public let unit: String
    public var lineInterval: Double = 10
    /// Silent progress (for --json output).
    public var quiet = false

    private var done = 0
    private let started = Stopwatch()
    private var lastDraw = -1.0
    private let isTerminal = isatty(STDOUT_FILENO) != 0

    public init(_ label: String, total: Int, unit: String = "img") {
        self.label = label
        self.total = Swift.max(total, 1)
        self.unit = unit
    }

    public var rate: Double { Double(done) / Swift.max(started.elapsed, 1e-9) }

    public func advance(by n: Int = 1, status: String = "") {
        done += n
        guard !quiet else { return }
        let now = started.elapsed
        if isTerminal {
            if now - lastDraw >= 0.1 || done >= total { lastDraw = now; draw(status: status, final: false) }
        } else if lastDraw < 0 ? now >= lineInterval : now - lastDraw >= lineInterval {
            lastDraw = now
            print(line(status: status))
            fflush(nil)
        }
    }

    public func finish(status: String = "") {
        guard !quiet else { return }
        if isTerminal { draw(status: status, final: true) } else { print(line(status: status)); fflush(nil) }
    }

    private func line(status: String) -> String {
        let pct = Double(done) / Double(total) * 100
        var s = String(format: "%@: %d/%d %@ (%.0f%%), ", label, done, total, unit, pct) + Progress.speed(rate, unit: unit)
        if done < total { s += ", ETA " + Progress.clock((Double(total - done)) / Swift.max(rate, 1e-9)) }
        else { s += ", " + Progress.clock(started.elapsed) }
        return status.isEmpty ? s : s + ", " + status
    }

    private func draw(status: String, final: Bool) {
        let width = 28
        let filled = Swift.min(width, done * width / total)
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        let eta = done < total ? "ETA " + Progress.clock(Double(total - done) / Swift.max(rate, 1e-9)) : Progress.clock(started.elapsed)
        var s = "\r\(label) \(bar) \(done * 100 / total)% \(Progress.speed(rate, unit: unit)) \(eta)"
        if !status.isEmpty { s += "  " + status }
        print(s + "\u{1B}[K", terminator: final ? "\n" : "")
        fflush(nil)
    }

    /// The rate with the digits that say something: "2808 img/s", "41.3 img/s",
    /// "2.47 step/s", and below one per second the time per unit, "12.4 s/step", as tqdm does.
    static func speed(_ rate: Double, unit: String) -> String {
        guard rate.isFinite, rate > 0 else { return "– \(unit)/s" }
        if rate >= 100 { return String(format: "%.0f %@/s", rate, unit) }
        if rate >= 10 { return String(format: "%.1f %@/s", rate, unit) }
        if rate >= 1 { return String(format: "%.2f %@/s", rate, unit) }
        let perUnit = 1 / rate
        return perUnit >= 100 ? String(format: "%.0f s/%@", perUnit, unit) : String(format: "%.1f s/%@", perUnit, unit)
    }

    /// m:ss or h:mm:ss.
    static func clock(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}

import Foundation

/// Monotonic wall-clock timing (benchmarks, progress lines, epoch times).
///
/// ```swift
/// let watch = Stopwatch()
/// train()
/// print(watch.elapsed)   // seconds
/// ```
public struct Stopwatch {
    private let start = DispatchTime.now().uptimeNanoseconds
    public init() {}
    /// Seconds since creation.
    public var elapsed: Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
}

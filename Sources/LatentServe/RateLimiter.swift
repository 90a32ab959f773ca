import Foundation

/// A token bucket: `capacity` requests at once, refilled at `perSecond`; `allow()` takes one or says no.
/// The clock is a parameter so tests need no waiting.
///
/// ```swift
/// let limiter = RateLimiter(capacity: 100, perSecond: 50)
/// if !limiter.allow() { /* answer 429 */ }
/// ```
public final class RateLimiter: @unchecked Sendable {
    public let capacity: Double
    public let perSecond: Double
    private let clock: @Sendable () -> Double
    private let lock = NSLock()
    private var tokens: Double
    private var last: Double

    public init(capacity: Int, perSecond: Double, clock: @escaping @Sendable () -> Double = { ProcessInfo.processInfo.systemUptime }) {
        self.capacity = Double(capacity)
        self.perSecond = perSecond
        self.clock = clock
        tokens = Double(capacity)
        last = clock()
    }

    public func allow() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        let now = clock()
        tokens = Swift.min(capacity, tokens + Swift.max(0, now - last) * perSecond)
        last = now
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}

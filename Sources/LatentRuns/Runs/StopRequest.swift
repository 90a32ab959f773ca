import Foundation
import Synchronization

/// Ctrl-C (SIGINT) and SIGTERM during training: the first one asks the
/// trainer to finish the current step, save a checkpoint and the report, and
/// stop; a second one ends the process at once (the default action). Outside a
/// training loop (loading data, sampling, an evaluation) nothing listens for
/// the request, so the first signal ends the process at once too, as it would
/// without the handler: files are written atomically, so nothing is half-written.
///
/// ```swift
/// StopRequest.install()
/// try StopRequest.listening {
///     // … in the training loop, after each step:
///     if let signal = StopRequest.pending { /* save, then throw TrainingInterrupted(signal: signal, …) */ }
/// }
/// ```
public enum StopRequest {
    static let received = Atomic<Int32>(0)
    /// Training loops running now that check `pending` (nested and concurrent loops count each).
    static let listeners = Atomic<Int>(0)

    /// Routes SIGINT and SIGTERM to the request flag, and unblocks both on the calling thread: a process started
    /// with them blocked (a parent's signal mask is inherited) would otherwise never see Ctrl-C.
    public static func install() {
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, SIGINT)
        sigaddset(&unblock, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        for sig in [SIGINT, SIGTERM] {
            signal(sig) { number in
                signal(number, SIG_DFL)   // a second signal is not caught
                if StopRequest.listeners.load(ordering: .sequentiallyConsistent) == 0 {
                    raise(number)          // no training loop to finish: stop now
                    return
                }
                StopRequest.received.store(number, ordering: .sequentiallyConsistent)
            }
        }
    }

    /// Runs `body` (a training loop that checks `pending`) with the first signal routed to the flag.
    public static func listening<T>(_ body: () throws -> T) rethrows -> T {
        listeners.add(1, ordering: .sequentiallyConsistent)
        defer { listeners.subtract(1, ordering: .sequentiallyConsistent) }
        return try body()
    }

    /// The signal received, if one was.
    public static var pending: Int32? {
        let s = received.load(ordering: .sequentiallyConsistent)
        return s == 0 ? nil : s
    }
}

/// Training stopped on a signal after saving its checkpoint and report; the
/// command exits with 128 + the signal number (130 for Ctrl-C, 143 for SIGTERM).
public struct TrainingInterrupted: Error, CustomStringConvertible {
    public let signal: Int32
    public let description: String

    public init(signal: Int32, description: String) {
        self.signal = signal
        self.description = description
    }

    /// The exit status a shell expects after this signal.
    public var exitCode: Int32 { 128 + signal }
}

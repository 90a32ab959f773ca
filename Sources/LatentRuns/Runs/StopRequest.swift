import Foundation
import Synchronization

/// Ctrl-C (SIGINT) and SIGTERM during training: the first one asks the
/// trainer to finish the current step, save a checkpoint and the report, and
/// stop; a second one ends the process at once (the default action).
///
/// ```swift
/// StopRequest.install()
/// // … in the training loop, after each step:
/// if let signal = StopRequest.pending { /* save, then throw TrainingInterrupted(signal: signal, …) */ }
/// ```
public enum StopRequest {
    static let received = Atomic<Int32>(0)

    /// Routes SIGINT and SIGTERM to the request flag.
    public static func install() {
        for sig in [SIGINT, SIGTERM] {
            signal(sig) { number in
                StopRequest.received.store(number, ordering: .sequentiallyConsistent)
                signal(number, SIG_DFL)   // a second signal is not caught
            }
        }
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

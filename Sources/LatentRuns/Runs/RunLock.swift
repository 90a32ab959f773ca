import Foundation
import LatentTensor
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive lock on a run folder, held while a process trains it: a second
/// `latent train` or `--resume` of the same run refuses and names the process
/// that holds it. The lock is an `flock` on `<run>/.lock`, so the system
/// releases it when the holder exits, however it exits (a `kill -9` too).
///
/// ```swift
/// let lock = try RunLock(runPath: "runs/vae-mnist")   // held until `lock` is released or the process ends
/// ```
public final class RunLock: @unchecked Sendable {
    public let path: String
    private var descriptor: Int32

    public init(runPath: String) throws {
        path = runPath + "/.lock"
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw LatentError.invalidFile(path: path, reason: "cannot create the run's lock file: \(String(cString: strerror(errno)))")
        }
        if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            close(descriptor)
            descriptor = -1
            let who = holder.isEmpty ? "another process" : "process \(holder)"
            throw LatentError.invalidArgument("run \(runPath) is in use by \(who) (a `latent train` or `--resume` of it is running); wait for it to finish or stop it first")
        }
        let pid = "\(getpid())\n"
        _ = ftruncate(descriptor, 0)
        _ = pid.withCString { write(descriptor, $0, strlen($0)) }
    }

    /// Gives the lock up (also done when the object goes away or the process ends).
    public func release() {
        guard descriptor >= 0 else { return }
        _ = ftruncate(descriptor, 0)
        flock(descriptor, LOCK_UN)
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}

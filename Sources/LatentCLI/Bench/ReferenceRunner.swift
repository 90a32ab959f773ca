import Foundation
import Latent

/// Runs one of the reference scripts (PyTorch, scikit-learn, JAX; outside this
/// project) with the same workload and returns its final JSON line.
struct ReferenceRunner {
    let python: String
    let directory: String

    /// The Python from `--python` or `LATENT_PYTHON` and the reference folder from
    /// `--reference` or `LATENT_REFERENCE` (default ../shared/benchmarks/reference).
    /// Nil when either is missing; `reason` says which.
    static func locate(python: String?, reference: String?) -> (runner: ReferenceRunner?, reason: String) {
        let env = ProcessInfo.processInfo.environment
        guard let py = python ?? env["LATENT_PYTHON"] else {
            return (nil, "no Python given (--python PATH or LATENT_PYTHON)")
        }
        let dir = reference ?? env["LATENT_REFERENCE"] ?? "../shared/benchmarks/reference"
        guard FileManager.default.fileExists(atPath: dir + "/common.py") else {
            return (nil, "reference scripts not found in \(dir) (--reference DIR or LATENT_REFERENCE)")
        }
        return (ReferenceRunner(python: py, directory: dir), "")
    }

    /// Whether `python` can import `module` (false when it cannot even start).
    static func canImport(_ module: String, python: String) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", "import \(module)"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    /// Runs `script` with `arguments` at `threads` threads (with `python`, default the
    /// runner's); returns the parsed JSON result.
    func run(_ script: String, _ arguments: [String], threads: Int, python: String? = nil) throws -> [String: Any] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python ?? self.python)
        process.arguments = [script] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var env = ProcessInfo.processInfo.environment
        env["PEERS_THREADS"] = String(threads)
        process.environment = env
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.standardError
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw LatentError.invalidArgument("reference \(script) exited with status \(process.terminationStatus)")
        }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
        guard let last = lines.last, let object = try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any] else {
            throw LatentError.invalidArgument("reference \(script) printed no JSON result")
        }
        return object
    }
}

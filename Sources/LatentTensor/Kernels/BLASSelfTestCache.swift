import Foundation

/// Remembers ``BLASSelfTest``'s verdict per CPU, kernel and OpenBLAS build, so a
/// kernel Latent chooses is checked once per machine rather than at every launch.
/// The verdict lives in one small text file, `blas-self-test` under
/// `$XDG_CACHE_HOME/latent` (else `~/.cache/latent`), a line per key:
/// `<key>\tpassed` or `<key>\tfailed <summary>`. A missing, unreadable or
/// oversized file is no verdict (the test runs); a cache that cannot be written
/// costs nothing but the re-run. `LATENT_BLAS_SELF_TEST=always` skips the cache.
///
/// ```swift
/// let check = BLASSelfTestCache.verdict(kernel: BLASKernelChoice.currentKernel) { BLASSelfTest.run() }
/// if !check.passed { print(check.summary) }
/// ```
public enum BLASSelfTestCache {
    /// The largest cache file read; anything larger is ignored (and rewritten).
    static let maxBytes = 64 * 1024

    /// What the verdict depends on: the CPU (vendor, family, model, instruction sets), the kernel, the BLAS build.
    public static func key(cpu: CPUFeatures = .current, kernel: String,
                           library: String = BLASKernelChoice.libraryConfig) -> String {
        "\(cpu.vendor) \(cpu.family) \(cpu.model) [\(cpu.extensionList)] \(kernel) (\(library))"
            .replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ")
    }

    /// The default file, or nil when neither `XDG_CACHE_HOME` nor `HOME` is set.
    public static func defaultFile(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") { return xdg + "/latent/blas-self-test" }
        if let home = environment["HOME"], home.hasPrefix("/") { return home + "/.cache/latent/blas-self-test" }
        return nil
    }

    /// The cached verdict for `key` in `file`, or the result of `test` (then stored).
    public static func verdict(kernel: String, cpu: CPUFeatures = .current, file: String? = defaultFile(),
                               environment: [String: String] = ProcessInfo.processInfo.environment,
                               test: () -> BLASSelfTest.Result) -> BLASSelfTest.Result {
        let k = key(cpu: cpu, kernel: kernel)
        guard let file, environment["LATENT_BLAS_SELF_TEST"] != "always" else { return test() }
        var lines = read(file)
        if let cached = lines[k] { return cached }
        let fresh = test()
        lines[k] = fresh
        write(lines, to: file)
        return fresh
    }

    /// The verdicts in `file` by key; empty when the file is missing, too large or not text.
    static func read(_ file: String) -> [String: BLASSelfTest.Result] {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: file),
              let size = attributes[.size] as? Int, size <= maxBytes,
              let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8)
        else { return [:] }
        var verdicts: [String: BLASSelfTest.Result] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "\t", maxSplits: 1)
            guard parts.count == 2 else { continue }
            if parts[1] == "passed" {
                verdicts[String(parts[0])] = BLASSelfTest.Result(passed: true, worstRelativeError: 0, summary: "ok (cached)")
            } else if parts[1].hasPrefix("failed ") {
                verdicts[String(parts[0])] = BLASSelfTest.Result(passed: false, worstRelativeError: .infinity,
                                                                 summary: String(parts[1].dropFirst(7)) + " (cached)")
            }
        }
        return verdicts
    }

    /// Writes every verdict, through a temporary file renamed over the old one; failures are ignored.
    static func write(_ verdicts: [String: BLASSelfTest.Result], to file: String) {
        let text = verdicts.keys.sorted().map { key in
            let v = verdicts[key]!
            let summary = v.summary.replacingOccurrences(of: " (cached)", with: "")
                .replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ")
            return key + "\t" + (v.passed ? "passed" : "failed " + summary)
        }.joined(separator: "\n") + "\n"
        guard text.utf8.count <= maxBytes else { return }
        let folder = (file as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let temporary = file + ".\(getpid()).tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8)) else { return }
        if rename(temporary, file) != 0 { unlink(temporary) }
    }
}

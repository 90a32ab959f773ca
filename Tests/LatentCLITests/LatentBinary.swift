import Foundation
import Testing
@testable import Latent

/// The built `latent` executable, run as a user would. A test target cannot
/// import an executable target, so the tests find the binary that the same
/// `swift build` / `swift test` produced: beside the test bundle (debug or
/// release, whichever is being tested), else in the package's .build folder.
///
///     let result = try LatentBinary.run(["runs", "--runs", folder])
///     #expect(result.status == 0)
enum LatentBinary {
    static let path: String? = {
        let fm = FileManager.default
        var folders: [URL] = []
        for executable in [CommandLine.arguments.first, Bundle.main.executablePath].compactMap({ $0 }) {
            var url = URL(fileURLWithPath: executable).resolvingSymlinksInPath()
            // Walk up out of a test bundle (…/release/LatentPackageTests.xctest[/Contents/MacOS/…]).
            for _ in 0..<4 {
                url.deleteLastPathComponent()
                folders.append(url)
            }
        }
        // This file is <package>/Tests/LatentCLITests/LatentBinary.swift.
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        folders += ["release", "debug"].map { package.appendingPathComponent(".build/\($0)") }
        return folders.map { $0.appendingPathComponent("latent").path }.first { fm.isExecutableFile(atPath: $0) }
    }()

    /// What one run of `latent` left: its exit status and both output streams.
    struct Result: CustomStringConvertible {
        let arguments: [String]
        let status: Int32
        let output: String
        let error: String

        /// For failure messages: the command line, the status and what it printed.
        var description: String {
            "latent \(arguments.joined(separator: " ")) exited with \(status)\n--- stdout\n\(output.suffix(1500))\n--- stderr\n\(error.suffix(1500))"
        }
    }

    /// Runs `latent` with `arguments` in `directory` (default: the current one) and waits for it.
    /// `overrides` sets (or, with nil, removes) environment variables for this run only.
    static func run(_ arguments: [String], in directory: String? = nil, overrides: [String: String?] = [:]) throws -> Result {
        guard let path else { throw LatentError.invalidArgument("the latent executable was not found beside the tests nor in .build") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        var environment = ProcessInfo.processInfo.environment
        environment["COLUMNS"] = "200"               // one help line per subcommand
        environment["LATENT_RUNS"] = nil             // every test names its runs folder
        // One compute thread unless a test asks otherwise: runs compared with each other must not differ by the
        // thread count a measured default chose (ThreadEndToEndTests checks that default).
        for (key, value) in overrides { environment[key] = value }
        if !overrides.keys.contains("LATENT_THREADS") { environment["LATENT_THREADS"] = environment["LATENT_THREADS"] ?? "1" }
        process.environment = environment
        // Files rather than pipes: nothing to drain while the child runs.
        let capture = FileManager.default.temporaryDirectory.appendingPathComponent("latent-cli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: capture) }
        try FileManager.default.createDirectory(at: capture, withIntermediateDirectories: true)
        let (outPath, errPath) = (capture.appendingPathComponent("out").path, capture.appendingPathComponent("err").path)
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        guard let out = FileHandle(forWritingAtPath: outPath), let err = FileHandle(forWritingAtPath: errPath) else {
            throw LatentError.invalidArgument("cannot capture the output of latent in \(capture.path)")
        }
        process.standardOutput = out
        process.standardError = err
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return Result(arguments: arguments, status: process.terminationStatus,
                      output: String(decoding: FileManager.default.contents(atPath: outPath) ?? Data(), as: UTF8.self),
                      error: String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self))
    }

    /// The subcommand names a help text lists under SUBCOMMANDS, without `help`.
    static func subcommands(inHelp help: String) -> [String] {
        guard let section = help.range(of: "SUBCOMMANDS:") else { return [] }
        var names: [String] = []
        for line in help[section.upperBound...].split(separator: "\n", omittingEmptySubsequences: false).dropFirst() {
            if line.trimmingCharacters(in: .whitespaces).isEmpty { break }
            // "  name    abstract" (a default subcommand is marked "(default)"); wrapped abstracts are indented deeper.
            guard line.hasPrefix("  "), !line.hasPrefix("        "), let name = line.split(separator: " ").first else { continue }
            names.append(String(name))
        }
        return names.filter { $0 != "help" }
    }
}

/// A fresh temporary folder, removed when the test's value goes away.
final class ScratchFolder: Sendable {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("latent-cli-\(UUID().uuidString)").path
    init() { try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
    deinit { try? FileManager.default.removeItem(atPath: path) }
    func file(_ name: String) -> String { path + "/" + name }
}

/// What an end-to-end suite shares: a scratch folder, its runs folder, and `latent` run in it with
/// a failure recorded (and everything it printed) unless it exits with the expected status.
protocol CommandLineSuite {
    var tmp: ScratchFolder { get }
    /// Whether `latent` appends `--runs <runs>` to every command (for suites whose commands all take it).
    var passesRuns: Bool { get }
}

extension CommandLineSuite {
    var runs: String { tmp.file("runs") }
    var passesRuns: Bool { false }

    @discardableResult
    func latent(_ arguments: [String], status: Int32 = 0, sourceLocation: SourceLocation = #_sourceLocation) throws -> LatentBinary.Result {
        let result = try LatentBinary.run(arguments + (passesRuns ? ["--runs", runs] : []), in: tmp.path)
        #expect(result.status == status, "\(result)", sourceLocation: sourceLocation)
        return result
    }

    /// Each of `files` (relative to `folder`) exists and is not empty.
    func expectFiles(_ folder: String, _ files: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        for file in files {
            let path = folder + "/" + file
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
            #expect((size ?? 0) > 0, "\(path) is \(size == nil ? "missing" : "empty")", sourceLocation: sourceLocation)
        }
    }

    /// The size of the file at `path` in bytes (0 when it is missing).
    func size(_ path: String) -> Int { ((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil) ?? 0 }

    /// The last epoch's record in the run folder's metrics.jsonl.
    func lastEpoch(_ run: String) -> [String: Any] {
        let text = (try? String(contentsOfFile: run + "/metrics.jsonl", encoding: .utf8)) ?? ""
        let records = text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        return records.last { $0["epoch"] != nil } ?? [:]
    }

    /// `text` parsed as one JSON object (a failure, and an empty one, when it is not).
    func json(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> [String: Any] {
        let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        #expect(object != nil, "not a JSON object: \(text.prefix(500))", sourceLocation: sourceLocation)
        return object ?? [:]
    }
}

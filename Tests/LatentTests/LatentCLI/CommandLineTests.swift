import Foundation
import Testing
@testable import Latent

/// The built `latent` executable, run as a user would. The test target cannot
/// import the executable target, so the tests find the binary that the same
/// `swift build` / `swift test` produced: beside the test bundle (debug or
/// release, whichever is being tested), else in the package's .build folder.
enum LatentBinary {
    static let path: String? = {
        let fm = FileManager.default
        var folders: [URL] = []
        for executable in [CommandLine.arguments.first, Bundle.main.executablePath].compactMap({ $0 }) {
            var url = URL(fileURLWithPath: executable).resolvingSymlinksInPath()
            // Walk up out of a test bundle (…/debug/LatentPackageTests.xctest[/Contents/MacOS/…]).
            for _ in 0..<4 {
                url.deleteLastPathComponent()
                folders.append(url)
            }
        }
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        folders += ["debug", "release"].map { package.appendingPathComponent(".build/\($0)") }
        return folders.map { $0.appendingPathComponent("latent").path }.first { fm.isExecutableFile(atPath: $0) }
    }()

    struct Result {
        let status: Int32
        let output: String
        let error: String
    }

    /// Runs `latent` with `arguments` and waits for it; `changes` sets (a value)
    /// or removes (nil) environment variables.
    static func run(_ arguments: [String], environment changes: [String: String?] = [:]) throws -> Result {
        guard let path else { throw LatentError.invalidArgument("the latent executable was not found beside the tests nor in .build") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["COLUMNS"] = "200"
        for (name, value) in changes { environment[name] = value }
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
        return Result(status: process.terminationStatus,
                      output: String(decoding: FileManager.default.contents(atPath: outPath) ?? Data(), as: UTF8.self),
                      error: String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self))
    }
}

/// `swift test` builds the executable with the tests; a missing binary fails every test here.
@Suite struct CommandLineTests {
    let tmp = TempFolder()

    /// Wrong numbers are usage errors (exit 64) naming the flag, the value and what is expected,
    /// refused before any run or data set is opened.
    @Test(arguments: [
        (["sample", "some-run", "--n", "0"], "--n must be at least 1, got 0"),
        (["sample", "some-run", "--class=-2"], "--class must be at least 0, got -2"),
        (["reconstruct", "some-run", "--n=-3"], "--n must be at least 1, got -3"),
        (["interpolate", "some-run", "--steps", "1"], "--steps must be at least 2, got 1"),
        (["interpolate", "some-run", "--from", "3"], "give both --from and --to"),
        (["latent-map", "some-run", "--perplexity", "nan"], "--perplexity must be a finite number above 0, got nan"),
        (["latent-map", "some-run", "--method", "tsne,isomap"], "--method must be pca, tsne or umap (or several separated by commas), got 'isomap'"),
        (["filters", "some-run", "--layer", "0"], "--layer must be at least 1, got 0"),
        (["evaluate", "some-run", "--nll-samples=-1"], "--nll-samples must be at least 0, got -1"),
        (["evaluate", "some-run", "--ais-chains", "1"], "--ais-chains must be at least 2, got 1"),
        (["inpaint", "some-run", "--rows", "16:10"], "--rows wants start:end with 0 ≤ start ≤ end"),
        (["inpaint", "some-run", "--rows", "a:b"], "--rows wants start:end with 0 ≤ start ≤ end (end excluded), e.g. 10:16; got 'a:b'"),
        (["inpaint", "some-run", "--gibbs-steps", "0"], "--gibbs-steps must be at least 1, got 0"),
        (["project", "some-run", "--background", "0"], "--background must be at least 1, got 0"),
        (["sweep", "vae", "--lr", "1e-3,nan"], "--lr must be a finite number above 0, got nan"),
        (["sweep", "vae", "--batch", "0,128"], "--batch must be from 1 to 1000000, got 0"),
        (["sweep", "vae", "--configs", "lr=0.1;epochs=-1"], "--epochs must be from 1 to 1000000, got -1"),
        (["sweep", "vae", "--latent", "4", "--latents", "2,8"], "`sweep vae` has no option --latents"),
        (["sweep", "vae", "--lr", "1e-3", "--lr", "1e-4"], "`sweep vae`: give --lr once, with its values separated by commas"),
        (["sweep", "rbm", "--optimizer", "adam,sgd"], "`sweep rbm` has no option --optimizer"),
        (["train", "gan", "--pcd"], "`train gan` has no option --pcd"),
        (["train", "dbm", "--weight-decay", "0.1"], "`train dbm` has no option --weight-decay"),
        (["train", "vae", "--momentum", "0.5"], "`train vae`: --momentum does nothing without --optimizer sgd"),
        (["train", "vae", "--latent", "2", "--latent", "3"], "`train vae`: --latent is given twice"),
        (["train", "ppca", "--lr", "0.1"], "`train ppca` has no option --lr"),
        (["sweep", "vae", "--validation=-1"], "--validation must be at least 0, got -1"),
        (["sweep", "vae", "--limit", "0"], "--limit must be at least 1, got 0"),
        (["sweep", "gan", "--label-smoothing", "1.5"], "--label-smoothing must be at least 0.0 and below 0.5, got 1.5"),
        (["sweep", "vae", "--gaussian-std", "inf"], "--gaussian-std must be a finite number above 0, got inf"),
        (["sweep", "rbm", "--cd-k", "0"], "--cd-k must be from 1 to 10000000, got 0"),
        (["data", "info", "mnist", "--max-bytes", "0"], "--max-bytes must be at least 1, got 0"),
        (["data", "download", "cifar"], "only mnist can be downloaded, got 'cifar'"),
        (["elbo-explorer", "--count", "1"], "--count must be at least 2, got 1"),
        (["elbo-explorer", "--lr=-0.1"], "--lr must be a finite number above 0, got -0.1"),
        (["elbo-explorer", "--phis", "0.1,inf"], "--phis wants finite numbers"),
        (["compare", "only-one"], "name at least two runs, got 1"),
        (["bench", "gemm", "--threads", "0"], "--threads wants positive integers"),
        (["bench", "vae-mlp", "--steps=-1"], "--steps must be at least 0, got -1"),
    ])
    func wrongNumbersAreUsageErrors(arguments: [String], message: String) throws {
        let result = try LatentBinary.run(arguments + ["--runs", tmp.file("runs")])
        #expect(result.status == 64, "latent \(arguments.joined(separator: " ")) exited with \(result.status)")
        #expect(result.error.contains("Error: \(message)"), "stderr: \(result.error)")
        #expect(!FileManager.default.fileExists(atPath: tmp.file("runs")), "nothing written before the check")
    }

    /// Failures while running are one line on standard error and exit code 1.
    @Test func runtimeFailuresAreOneLine() throws {
        let missing = try LatentBinary.run(["report", "nope", "--runs", tmp.file("runs")])
        #expect(missing.status == 1)
        #expect(missing.error == "Error: no run at 'nope' (looked for \(tmp.file("runs"))/nope/config.json); `latent runs` lists the runs\n")

        let cache = tmp.file("cache/mnist")
        let offline = try LatentBinary.run(["data", "download", "mnist", "--into", cache, "--mirror", "http://127.0.0.1:9/"])
        #expect(offline.status == 1)
        #expect(offline.error == "Error: cannot download MNIST: no network connection (tried 1 mirror); put the four .gz files in \(cache) or use --data PATH\n")
        #expect(!FileManager.default.fileExists(atPath: tmp.file("cache")))
    }
}

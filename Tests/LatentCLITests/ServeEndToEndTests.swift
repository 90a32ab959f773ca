import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
@testable import Latent

/// `latent-serve`, run as a user would beside `latent`: its help, its one-line errors, and a served run.
@Suite struct ServeEndToEndTests {
    let tmp = ScratchFolder()

    /// The `latent-serve` built beside `latent`.
    var serve: String? {
        LatentBinary.path.map { URL(fileURLWithPath: $0).deletingLastPathComponent().appendingPathComponent("latent-serve").path }
            .flatMap { FileManager.default.isExecutableFile(atPath: $0) ? $0 : nil }
    }

    /// Runs `latent-serve` to its end.
    func run(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(serve))
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile(), error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: error, as: UTF8.self))
    }

    @Test func helpAndErrors() throws {
        let help = try run(["--help"])
        #expect(help.status == 0 && help.output.contains("--host") && help.output.contains("--token") && help.output.contains("127.0.0.1"))
        let missing = try run(["--runs", tmp.file("nowhere")])
        #expect(missing.status == 1 && missing.error.contains("no runs folder"), "\(missing)")
        #expect(missing.error.split(separator: "\n").count == 1)
        let short = try run(["--runs", tmp.path, "--token", "abc"])
        #expect(short.status == 1 && short.error.contains("--token"))
    }

    @Test func servesATrainedRun() async throws {
        let data = try TinyData.write(into: tmp.path)
        let runs = tmp.file("runs")
        let trained = try LatentBinary.run(["train", "vae", "--data", data, "--epochs", "2", "--validation", "20", "--batch", "20",
                                            "--latent", "2", "--hidden", "16", "--name", "tiny", "--runs", runs])
        #expect(trained.status == 0, "\(trained)")

        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(serve))
        process.arguments = ["--runs", runs, "--port", "0"]
        let outFile = tmp.file("serve.out")
        _ = FileManager.default.createFile(atPath: outFile, contents: nil)
        process.standardOutput = try #require(FileHandle(forWritingAtPath: outFile))
        try process.run()
        defer { process.terminate(); process.waitUntilExit() }
        // The first line names the address (port 0: the system picked one).
        var address: String?
        for _ in 0..<300 where address == nil {
            let text = (try? String(contentsOfFile: outFile, encoding: .utf8)) ?? ""
            address = text.range(of: #"http://127\.0\.0\.1:[0-9]+/"#, options: .regularExpression).map { String(text[$0]) }
            if address == nil { try await Task.sleep(nanoseconds: 100_000_000) }
        }
        let base = try #require(address)

        func get(_ path: String) async throws -> (Int, Data) {
            let (data, response) = try await URLSession.shared.data(from: URL(string: base + path)!)
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
        }
        let (status, body) = try await get("api/runs")
        #expect(status == 200)
        let rows = try #require((try JSONSerialization.jsonObject(with: body) as? [String: Any])?["runs"] as? [[String: Any]])
        #expect(rows.count == 1 && rows[0]["name"] as? String == "tiny" && rows[0]["status"] as? String == "finished")
        #expect(rows[0]["epochs_done"] as? Int == 2)
        #expect(try await get("run/tiny").0 == 200)
        let (metricsStatus, metrics) = try await get("api/run/tiny/metrics")
        #expect(metricsStatus == 200)
        #expect(((try JSONSerialization.jsonObject(with: metrics) as? [String: Any])?["records"] as? [Any])?.count == 2)
        let (decodeStatus, png) = try await get("api/run/tiny/decode?z=0,0")
        #expect(decodeStatus == 200 && png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        #expect(try await get("run/tiny/images/..%2F..%2Fbars.npy").0 == 404)
    }
}

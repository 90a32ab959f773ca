import Foundation
import Testing
@testable import Latent

/// `LATENT_CONV=onednn|im2col`: `latent doctor` names the convolution backend,
/// an unknown value is warned about in one line, and a DCGAN and a conv-VAE train
/// one epoch with each backend to the same losses.
@Suite struct ConvolutionBackendEndToEndTests: CommandLineSuite {
    let tmp = ScratchFolder()

    /// Runs `latent` with LATENT_CONV set (through env, so the rest of the environment is kept).
    func latent(conv: String, _ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> (output: String, error: String) {
        let binary = try #require(LatentBinary.path, sourceLocation: sourceLocation)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["LATENT_CONV=\(conv)", "LATENT_THREADS=1", binary] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: tmp.path)
        let (out, err) = (tmp.file("out-\(UUID().uuidString)"), tmp.file("err-\(UUID().uuidString)"))
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        process.standardOutput = FileHandle(forWritingAtPath: out)
        process.standardError = FileHandle(forWritingAtPath: err)
        try process.run()
        process.waitUntilExit()
        let result = (String(decoding: FileManager.default.contents(atPath: out) ?? Data(), as: UTF8.self),
                      String(decoding: FileManager.default.contents(atPath: err) ?? Data(), as: UTF8.self))
        #expect(process.terminationStatus == 0, "LATENT_CONV=\(conv) latent \(arguments): \(result.1)", sourceLocation: sourceLocation)
        return result
    }

    @Test func doctorNamesTheBackend() throws {
        #expect(try latent(conv: "onednn", ["doctor"]).output.contains("convolutions  oneDNN"))
        #expect(try latent(conv: "im2col", ["doctor"]).output.contains("convolutions  im2col + OpenBLAS"))
        let unknown = try latent(conv: "winograd", ["doctor"])
        #expect(unknown.error.contains("LATENT_CONV is 'winograd'"), "\(unknown.error)")
        #expect(unknown.output.contains("convolutions  oneDNN"))
    }

    @Test(arguments: ["dcgan", "conv-vae"])
    func bothBackendsTrainToTheSameLosses(_ family: String) throws {
        let data = try TinyData.write(into: tmp.path)
        var losses: [[String: Double]] = []
        for conv in ["onednn", "im2col"] {
            _ = try latent(conv: conv, ["train", family, "--data", data, "--epochs", "1", "--validation", "20", "--batch", "20",
                                        "--latent", "4", "--runs", runs, "--name", "\(family)-\(conv)"])
            let lines = try String(contentsOfFile: runs + "/\(family)-\(conv)/metrics.jsonl", encoding: .utf8).split(separator: "\n")
            let last = try #require(lines.last.flatMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] })
            losses.append(last.compactMapValues { $0 as? Double }.filter { $0.key.contains("loss") })
        }
        // Same seed, same data: the losses agree up to float rounding carried through an epoch.
        #expect(!losses[0].isEmpty && Set(losses[0].keys) == Set(losses[1].keys), "\(losses)")
        for (key, a) in losses[0] {
            let b = losses[1][key] ?? .nan
            #expect(abs(a - b) <= 2e-2 * max(1, abs(b)), "\(key): oneDNN \(a), im2col \(b)")
        }
    }
}

import Foundation
import Testing
@testable import Latent

/// The measured thread default: `latent train` without --threads or LATENT_THREADS times its first steps,
/// says what it chose and records it; --threads is taken as given; a resumed run keeps its count.
@Suite struct ThreadEndToEndTests: CommandLineSuite {
    let tmp = ScratchFolder()

    func train(_ arguments: [String]) throws -> LatentBinary.Result {
        let result = try LatentBinary.run(arguments + ["--runs", runs], in: tmp.path, overrides: ["LATENT_THREADS": nil])
        #expect(result.status == 0, "\(result)")
        return result
    }

    func recordedThreads(_ name: String) throws -> Int? {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: runs + "/\(name)/config.json"))) as? [String: Any]
        return object?["threads"] as? Int
    }

    @Test func trainMeasuresTheThreadCountUnlessGiven() throws {
        let data = try TinyData.write(into: tmp.path)
        let common = ["train", "vae", "--data", data, "--validation", "20", "--batch", "20", "--latent", "2", "--hidden", "32"]
        let measured = try train(common + ["--epochs", "2", "--name", "measured"])
        let line = measured.output.split(separator: "\n").first { $0.hasPrefix("threads: ") }
        #expect(line != nil, "one line says what was chosen: \(measured.output)")
        let chosen = try recordedThreads("measured")
        #expect(chosen != nil && chosen! >= 1 && line?.hasPrefix("threads: \(chosen!) thread") == true, "\(String(describing: line)) vs \(String(describing: chosen))")

        let given = try train(common + ["--epochs", "1", "--threads", "1", "--name", "given"])
        #expect(!given.output.contains("threads: "), "--threads is not measured")
        #expect(try recordedThreads("given") == 1)

        let resumed = try train(["train", "--resume", "measured", "--epochs", "3"])
        #expect(!resumed.output.contains("threads: "), "the resumed run keeps its count: \(resumed.output)")
        #expect(try recordedThreads("measured") == chosen)
    }
}

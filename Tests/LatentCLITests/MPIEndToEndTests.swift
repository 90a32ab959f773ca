import Foundation
import Testing
@testable import Latent

/// `latent` as mpirun would start it, without mpirun: the launcher's environment (OMPI_COMM_WORLD_SIZE)
/// on a build without MPI must refuse to train in one line, before any run folder exists, and `doctor`
/// says whether the binary has MPI. (`make test-mpi` runs a build with MPI under `mpirun -np 2`.)
@Suite struct MPIEndToEndTests: CommandLineSuite {
    let tmp = ScratchFolder()

    /// `latent` with extra environment variables (what mpirun sets in each process it starts).
    func latent(_ arguments: [String], environment extra: [String: String]) throws -> (status: Int32, output: String, error: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(LatentBinary.path))
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: tmp.path)
        process.environment = ProcessInfo.processInfo.environment.merging(extra) { _, new in new }
        let (out, err) = (tmp.file("out-\(UUID().uuidString)"), tmp.file("err-\(UUID().uuidString)"))
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        process.standardOutput = try #require(FileHandle(forWritingAtPath: out))
        process.standardError = try #require(FileHandle(forWritingAtPath: err))
        try process.run()
        process.waitUntilExit()
        return (process.terminationStatus, (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
                (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
    }

    @Test func doctorSaysWhetherThisBuildHasMPI() throws {
        let doctor = try latent(["doctor"])
        let line = doctor.output.split(separator: "\n").first { $0.hasPrefix("MPI ") }.map(String.init) ?? ""
        #expect(line.contains(Communicators.mpiAvailable ? "Open MPI" : "not in this build (make build-mpi)"), "\(doctor)")
        let json = json(try latent(["doctor", "--json"]).output)
        #expect(json["mpi"] is String)
    }

    @Test func aBuildWithoutMPIStartedAsSeveralProcessesRefusesInOneLine() throws {
        guard !Communicators.mpiAvailable else { return }   // an MPI build would call MPI_Init without mpirun
        let data = try TinyData.write(into: tmp.path)
        let runs = tmp.file("runs")
        let refused = try latent(["train", "vae", "--data", data, "--epochs", "1", "--runs", runs, "--name", "twice"],
                                 environment: ["OMPI_COMM_WORLD_SIZE": "2", "OMPI_COMM_WORLD_RANK": "0"])
        #expect(refused.status == 1, "\(refused)")
        let lines = refused.error.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains("built without MPI") && lines[0].contains("make build-mpi"), "\(refused.error)")
        #expect(!FileManager.default.fileExists(atPath: runs + "/twice"), "no run folder")
        // One process under a launcher (mpirun -np 1) trains as usual.
        let one = try latent(["train", "vae", "--data", data, "--epochs", "1", "--validation", "20", "--hidden", "16", "--latent", "2",
                              "--image-every", "0", "--runs", runs, "--name", "once"], environment: ["OMPI_COMM_WORLD_SIZE": "1"])
        #expect(one.status == 0, "\(one)")
        expectFiles(runs + "/once", ["config.json", "metrics.jsonl", "checkpoints/last.safetensors"])
    }
}

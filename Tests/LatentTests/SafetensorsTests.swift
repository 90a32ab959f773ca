import Foundation
import Testing
@testable import Latent

@Suite struct SafetensorsTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("latent-tests-\(UUID().uuidString)")

    @Test func roundTripsTensorsAndMetadata() throws {
        let url = folder.appendingPathComponent("model.safetensors")
        let tensors = ["encoder.0.weight": randomTensor([3, 4], seed: 1), "b": Tensor([1, 2]), "scalar": Tensor(scalar: 7)]
        try Safetensors.save(tensors, metadata: ["model": "vae", "quote": "a \"b\""], to: url)
        let loaded = try Safetensors.load(from: url)
        #expect(Set(loaded.keys) == Set(tensors.keys))
        for (k, v) in tensors {
            #expect(loaded[k]!.shape == v.shape && loaded[k]!.scalars == v.scalars)
        }
        #expect(try Safetensors.metadata(from: url) == ["model": "vae", "quote": "a \"b\""])
        // The header is padded so the data starts 8-byte aligned.
        let data = try Data(contentsOf: url)
        let n = data.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        #expect((8 + n) % 8 == 0)
    }

    @Test func modelStateRoundTrips() throws {
        var rng = RandomGenerator(seed: 4)
        let a = Sequential(Linear(5, 3, rng: &rng), BatchNorm(3))
        _ = a(randomTensor([4, 5], seed: 2))   // moves the running statistics
        let url = folder.appendingPathComponent("net.safetensors")
        try Safetensors.save(a.stateDict(), to: url)
        let b = Sequential(Linear(5, 3, rng: &rng), BatchNorm(3))
        try b.loadStateDict(Safetensors.load(from: url))
        a.eval(); b.eval()
        let x = randomTensor([2, 5], seed: 3)
        #expect(a(x).scalars == b(x).scalars)
        // A checkpoint for another architecture is refused with the name and shapes.
        let c = Sequential(Linear(5, 4, rng: &rng), BatchNorm(4))
        #expect(throws: LatentError.self) { try c.loadStateDict(Safetensors.load(from: url)) }
    }

    @Test func corruptFilesGiveClearErrors() throws {
        let url = folder.appendingPathComponent("bad.safetensors")
        let good = Safetensors.encode(["w": randomTensor([10, 10], seed: 1)])
        let cases: [(Data, String)] = [
            (Data([1, 2, 3]), "shorter than the 8-byte header"),
            (good.prefix(good.count - 17), "outside"),
            (Data([255, 255, 255, 255, 0, 0, 0, 0]) + Data(repeating: 0, count: 8), "exceeds the file size"),
            (Data([2, 0, 0, 0, 0, 0, 0, 0]) + Data("[]".utf8), "not a JSON object"),
        ]
        for (bytes, fragment) in cases {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try bytes.write(to: url)
            do {
                _ = try Safetensors.load(from: url)
                Issue.record("no error for a file that should give '\(fragment)'")
            } catch let error as LatentError {
                #expect(error.description.contains(url.path) && error.description.contains(fragment), "\(error)")
            }
        }
    }

    @Test func atomicWriteLeavesTheOldFileOnFailure() throws {
        let url = folder.appendingPathComponent("keep.safetensors")
        try Safetensors.save(["w": Tensor([1])], to: url)
        // Writing into a path whose parent is a file must fail without touching the old file.
        let blocked = url.appendingPathComponent("child.safetensors")
        #expect(throws: (any Error).self) { try Safetensors.save(["w": Tensor([2])], to: blocked) }
        #expect(try Safetensors.load(from: url)["w"]!.scalars == [1])
    }
}

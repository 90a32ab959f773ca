import Foundation
import Testing
@testable import Latent

@Suite struct IDXTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("latent-idx-\(UUID().uuidString)")

    func write(_ bytes: [UInt8], _ name: String) throws -> String {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    @Test func readsEveryElementType() throws {
        let u8 = try IDX.read(write([0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 255], "u8.idx"))
        #expect(u8.shape == [2, 3] && u8.scalars == [1, 2, 3, 4, 5, 255])
        let i8 = try IDX.read(write([0, 0, 0x09, 1, 0, 0, 0, 2, 0xFF, 0x02], "i8.idx"))
        #expect(i8.scalars == [-1, 2])
        let i16 = try IDX.read(write([0, 0, 0x0B, 1, 0, 0, 0, 1, 0xFF, 0xFE], "i16.idx"))
        #expect(i16.scalars == [-2])
        let i32 = try IDX.read(write([0, 0, 0x0C, 1, 0, 0, 0, 1, 0, 1, 0, 0], "i32.idx"))
        #expect(i32.scalars == [65536])
        let f32 = try IDX.read(write([0, 0, 0x0D, 1, 0, 0, 0, 1, 0x3F, 0xC0, 0, 0], "f32.idx"))
        #expect(f32.scalars == [1.5])
        let f64 = try IDX.read(write([0, 0, 0x0E, 1, 0, 0, 0, 1, 0x40, 0x04, 0, 0, 0, 0, 0, 0], "f64.idx"))
        #expect(f64.scalars == [2.5])
    }

    @Test func badFilesNameTheFileAndTheProblem() throws {
        let cases: [([UInt8], String)] = [
            ([0, 0, 0x08], "shorter than the 4-byte magic"),
            ([1, 2, 0x08, 1, 0, 0, 0, 1, 0], "wrong magic number"),
            ([0, 0, 0x07, 1, 0, 0, 0, 1, 0], "unknown element type"),
            ([0, 0, 0x08, 3, 0, 0, 0, 2, 0], "truncated inside"),
            ([0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3], "truncated"),
            ([0, 0, 0x08, 3, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], "too large"),
            ([0, 0, 0x08, 1, 0, 0, 0, 1, 7, 8], "left over"),
        ]
        for (i, (bytes, fragment)) in cases.enumerated() {
            let path = try write(bytes, "bad\(i).idx")
            do {
                _ = try IDX.read(path)
                Issue.record("no error for case \(i) ('\(fragment)')")
            } catch let error as LatentError {
                #expect(error.description.contains(path) && error.description.contains(fragment), "\(error)")
            }
        }
        #expect(throws: LatentError.self) { try IDX.read(folder.appendingPathComponent("missing.idx").path) }
    }

    @Test func readsGzipAndTheRealDigits() throws {
        guard let dir = TestData.mnistDirectory else { return }
        let images = try IDX.read(dir + "/t10k-images-idx3-ubyte.gz")
        let labels = try IDX.read(dir + "/t10k-labels-idx1-ubyte.gz")
        #expect(images.shape == [10_000, 28, 28] && labels.shape == [10_000])
        #expect(images.maxValue() == 255 && images.minValue() == 0)
        // The well-known first test labels of MNIST: 7 2 1 0 4.
        #expect(Array(labels.scalars.prefix(5)) == [7, 2, 1, 0, 4])
    }
}

/// The real MNIST test digits kept beside the repository (../shared/data/mnist), if present.
enum TestData {
    static let mnistDirectory: String? = {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidates: [String?] = [ProcessInfo.processInfo.environment["LATENT_MNIST_TEST_DIR"],
                          repo.deletingLastPathComponent().appendingPathComponent("shared/data/mnist").path]
        return candidates.compactMap { $0 }.first {
            FileManager.default.fileExists(atPath: $0 + "/t10k-images-idx3-ubyte.gz")
        }
    }()
}

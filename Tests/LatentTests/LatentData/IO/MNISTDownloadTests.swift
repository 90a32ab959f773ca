import Foundation
import Testing
@testable import Latent

/// The download path from local mirror folders and an address where nothing
/// listens (port 9 of this machine); nothing here reaches the internet.
@Suite struct MNISTDownloadTests {
    let tmp = TempFolder()
    static let nowhere = ["http://127.0.0.1:9/", "http://127.0.0.1:9/mnist/"]

    func contents(_ folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
    }

    /// A mirror folder holding one file with these bytes, and the file's published description.
    func mirror(_ bytes: [UInt8], name: String = "one.bin", publishedSize: Int? = nil) throws -> (folder: String, file: MNISTDownload.File) {
        let folder = tmp.file("mirror-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: folder + "/" + name))
        return (folder, MNISTDownload.File(name: name, md5: Checksum.md5(Data(bytes)), size: publishedSize ?? bytes.count))
    }

    @Test func publishesTheSizesOfTheFourFiles() {
        let sizes = Dictionary(uniqueKeysWithValues: MNISTDownload.files.map { ($0.name, $0.size) })
        #expect(sizes == ["train-images-idx3-ubyte.gz": 9_912_422, "train-labels-idx1-ubyte.gz": 28_881,
                          "t10k-images-idx3-ubyte.gz": 1_648_877, "t10k-labels-idx1-ubyte.gz": 4_542])
    }

    @Test func noNetworkIsOneLineAndLeavesNoNewFolder() throws {
        let cache = tmp.file("home/.cache/latent/mnist")
        do {
            try MNISTDownload.run(into: cache, mirrors: Self.nowhere, timeout: 5)
            Issue.record("downloaded from nowhere")
        } catch let error as LatentError {
            expectOneLine(error.description, ["cannot download MNIST: no network connection (tried 2 mirrors)",
                                              "put the four .gz files in \(cache) or use --data PATH"])
        }
        #expect(!FileManager.default.fileExists(atPath: tmp.file("home")), "created folders are taken back")
        #expect(FileManager.default.fileExists(atPath: tmp.path), "a folder that existed before stays")
    }

    @Test func anExistingFolderAndItsFilesStay() throws {
        let cache = tmp.file("cache")
        try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true)
        try Data([1]).write(to: URL(fileURLWithPath: cache + "/notes.txt"))
        expectLatentError(["no network connection (tried 1 mirror)"]) {
            try MNISTDownload.run(into: cache, mirrors: [Self.nowhere[0]], timeout: 5)
        }
        #expect(contents(cache) == ["notes.txt"])
    }

    @Test func copiesThroughAPartFileAndVerifies() throws {
        let (folder, file) = try mirror(Array(0..<200).map { UInt8($0) })
        let cache = tmp.file("cache")
        // A stale .part from an interrupted run is replaced, not trusted.
        try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true)
        try Data([9, 9, 9]).write(to: URL(fileURLWithPath: cache + "/one.bin.part"))
        var log: [String] = []
        try MNISTDownload.run(into: cache, mirrors: [tmp.file("no-such-mirror"), folder], files: [file]) { log.append($0) }
        #expect(contents(cache) == ["one.bin"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: cache + "/one.bin")) == Data(Array(0..<200).map { UInt8($0) }))
        #expect(log.last?.contains("200 bytes from \(folder), MD5 verified") == true)
        try MNISTDownload.run(into: cache, mirrors: [folder], files: [file]) { log.append($0) }
        #expect(log.last == "one.bin: already present and verified")
    }

    @Test func aTruncatedCopyIsRefusedEvenWithoutVerification() throws {
        let (folder, published) = try mirror([1, 2, 3], publishedSize: 4_542)
        let cache = tmp.file("cache")
        for verify in [true, false] {
            expectLatentError(["cannot get MNIST's one.bin", "3 bytes, expected 4542", "truncated"]) {
                try MNISTDownload.run(into: cache, mirrors: [folder], files: [published], verify: verify)
            }
            #expect(!FileManager.default.fileExists(atPath: cache), "nothing cached, no .part, no empty folder")
        }
    }

    @Test func aWrongChecksumIsRefusedUnlessNotVerifying() throws {
        let (folder, right) = try mirror([5, 6, 7, 8])
        let wrong = MNISTDownload.File(name: right.name, md5: String(repeating: "0", count: 32), size: 4)
        let cache = tmp.file("cache")
        expectLatentError(["cannot get MNIST's one.bin", "from \(folder)", "MD5 \(right.md5), expected \(wrong.md5)", "--no-verify"]) {
            try MNISTDownload.run(into: cache, mirrors: [folder], files: [wrong])
        }
        #expect(!FileManager.default.fileExists(atPath: cache))
        try MNISTDownload.run(into: cache, mirrors: [folder], files: [wrong], verify: false)
        #expect(contents(cache) == ["one.bin"])
    }

    @Test func aFileOfTheWrongSizeInTheCacheIsFetchedAgain() throws {
        let (folder, file) = try mirror([1, 2, 3, 4, 5])
        let cache = tmp.file("cache")
        try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true)
        try Data([1, 2]).write(to: URL(fileURLWithPath: cache + "/one.bin"))
        try MNISTDownload.run(into: cache, mirrors: [folder], files: [file], verify: false)
        #expect(try Data(contentsOf: URL(fileURLWithPath: cache + "/one.bin")) == Data([1, 2, 3, 4, 5]))
    }

    /// The shared MNIST test files are re-compressed: their sizes are the published ones, their MD5s are not.
    @Test(.enabled(if: TestData.mnistDirectory != nil, "needs ../shared/data/mnist"))
    func theTestSplitFromALocalMirror() throws {
        let mirror = TestData.mnistDirectory!
        let files = MNISTDownload.files.filter { $0.name.hasPrefix("t10k") }
        let cache = tmp.file("verified")
        let published = try files.map { try Data(contentsOf: URL(fileURLWithPath: mirror + "/" + $0.name)) }
        if zip(files, published).allSatisfy({ $0.md5 == Checksum.md5($1) }) {
            try MNISTDownload.run(into: cache, mirrors: [mirror], files: files)
        } else {
            expectLatentError(["cannot get MNIST's t10k-images-idx3-ubyte.gz", "MD5"]) {
                try MNISTDownload.run(into: cache, mirrors: [mirror], files: files)
            }
            #expect(!FileManager.default.fileExists(atPath: cache))
            try MNISTDownload.run(into: cache, mirrors: [mirror], files: files, verify: false)
        }
        #expect(contents(cache) == ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"])
        #expect(try LabeledImages.idx(directory: cache, split: .test).count == 10_000)
    }
}

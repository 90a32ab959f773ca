import CZlib
import Foundation
import Testing
@testable import Latent
@testable import LatentData

/// Writes `parts` one after the other as one gzip stream (each part is compressed as it comes,
/// so a bomb of many megabytes of zeros never sits in memory whole).
func writeGzip(_ path: String, _ parts: [[UInt8]], repeating: [UInt8] = [], times: Int = 0) throws {
    guard let file = gzopen(path, "wb") else { throw LatentError.invalidFile(path: path, reason: "cannot create") }
    defer { gzclose(file) }
    for part in parts + Array(repeating: repeating, count: times) where !part.isEmpty {
        let n = part.withUnsafeBytes { gzwrite(file, $0.baseAddress, UInt32($0.count)) }
        guard n == Int32(part.count) else { throw LatentError.invalidFile(path: path, reason: "gzwrite failed") }
    }
}

/// An IDX header: magic with `type` and the rank, then big-endian dimensions.
func idxHeader(_ type: UInt8, _ dims: [UInt32]) -> [UInt8] {
    var out: [UInt8] = [0, 0, type, UInt8(dims.count)]
    for d in dims { out += [UInt8(d >> 24), UInt8(d >> 16 & 0xFF), UInt8(d >> 8 & 0xFF), UInt8(d & 0xFF)] }
    return out
}

@Suite struct IDXReaderTests {
    let tmp = TempFolder()

    @Test func zeroDimensionsAreRefused() throws {
        for (i, dims) in [[0, 28, 28], [10, 0, 28], [10, 28, 0]].enumerated() {
            let path = try tmp.write(idxHeader(0x08, dims.map(UInt32.init)), "zero\(i).idx")
            expectLatentError([path, "dimension \(i + 1) of \(dims) is 0"]) { _ = try IDX.read(path) }
        }
    }

    @Test func overflowingAndOversizedDimensionsAreRefusedBeforeReading() throws {
        // 2^128 elements overflow Int; 2^48 fit in Int but not in a tensor.
        let overflow = try tmp.write(idxHeader(0x08, [0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF]), "overflow.idx")
        expectLatentError([overflow, "too large"]) { _ = try IDX.read(overflow) }
        let huge = try tmp.write(idxHeader(0x08, [0x10000, 0x10000, 0x10000]), "huge.idx")
        expectLatentError([huge, "too large"]) { _ = try IDX.read(huge) }
        // 1,000,000 bytes declared, limit 100,000: refused on the header, not after reading (the file has no data).
        let big = try tmp.write(idxHeader(0x08, [1000, 1000]), "big.idx")
        expectLatentError([big, "needs 4000000 bytes", "limit of 100000"]) {
            _ = try IDX.read(big, maxBytes: 100_000)
        }
    }

    @Test func plainFilesMustHoldExactlyTheDeclaredData() throws {
        let short = try tmp.write(idxHeader(0x0B, [2, 3]) + [UInt8](repeating: 1, count: 10), "short.idx")
        expectLatentError([short, "truncated", "needs 12 bytes", "holds 10"]) { _ = try IDX.read(short) }
        let long = try tmp.write(idxHeader(0x08, [2, 3]) + [UInt8](repeating: 1, count: 9), "long.idx")
        expectLatentError([long, "3 bytes left over after the 6 bytes"]) { _ = try IDX.read(long) }
        let rankZero = try tmp.write([0, 0, 0x08, 0], "rank0.idx")
        expectLatentError([rankZero, "rank 0"]) { _ = try IDX.read(rankZero) }
    }

    @Test func gzipFilesAreReadExactly() throws {
        let path = tmp.file("ok.idx.gz")
        try writeGzip(path, [idxHeader(0x0B, [3]), [0x01, 0x00, 0xFF, 0xFF, 0x00, 0x07]])
        let t = try IDX.read(path)
        #expect(t.shape == [3] && t.scalars == [256, -1, 7])
        let short = tmp.file("short.idx.gz")
        try writeGzip(short, [idxHeader(0x08, [4, 4]), [UInt8](repeating: 9, count: 10)])
        expectLatentError([short, "truncated", "needs 16 bytes", "holds 10"]) { _ = try IDX.read(short) }
        let long = tmp.file("long.idx.gz")
        try writeGzip(long, [idxHeader(0x08, [2, 2]), [1, 2, 3, 4, 5]])
        expectLatentError([long, "left over after the 4 bytes"]) { _ = try IDX.read(long) }
    }

    @Test func aGzipBombStopsAtTheDeclaredSize() throws {
        // 16 declared bytes followed by 32 MiB of zeros (a few tens of kilobytes compressed).
        let bomb = tmp.file("bomb.idx.gz")
        try writeGzip(bomb, [idxHeader(0x08, [4, 4]), [UInt8](repeating: 1, count: 16)],
                      repeating: [UInt8](repeating: 0, count: 1 << 20), times: 32)
        let reader = try GzipFile.Reader(bomb)
        expectLatentError([bomb, "left over after the 16 bytes"]) { _ = try IDX.read(from: reader, maxBytes: 1 << 20) }
        #expect(reader.bytesRead == 4 + 8 + 16 + 1, "inflated no further than the declared data and one byte")
        // A header that declares more than the limit: nothing after the header is inflated.
        let declared = tmp.file("declared.idx.gz")
        try writeGzip(declared, [idxHeader(0x08, [4096, 4096])], repeating: [UInt8](repeating: 0, count: 1 << 20), times: 16)
        let second = try GzipFile.Reader(declared)
        expectLatentError([declared, "needs 67108864 bytes", "limit of 1048576"]) { _ = try IDX.read(from: second, maxBytes: 1 << 20) }
        #expect(second.bytesRead == 4 + 8)
    }

    @Test func wholeFileReadsStopAtTheLimit() throws {
        let bomb = tmp.file("bomb.csv.gz")
        try writeGzip(bomb, [], repeating: [UInt8](repeating: 0x30, count: 1 << 20), times: 32)
        let reader = try GzipFile.Reader(bomb)
        expectLatentError([bomb, "more than 1000000 bytes once decompressed"]) { _ = try GzipFile.readAll(reader, maxBytes: 1_000_000) }
        #expect(reader.bytesRead <= 1_000_001)
        #expect(try GzipFile.read(bomb, maxBytes: 32 << 20).count == 32 << 20)
        // A plain file over the limit is refused by its size.
        let plain = try tmp.write([UInt8](repeating: 0, count: 100), "plain.bin")
        expectLatentError([plain, "more than 99 bytes"]) { _ = try GzipFile.read(plain, maxBytes: 99) }
        expectLatentError([tmp.path, "is a folder"]) { _ = try GzipFile.read(tmp.path) }
    }

    @Test func corruptCompressedDataIsRefused() throws {
        let path = tmp.file("cut.idx.gz")
        try writeGzip(path, [idxHeader(0x08, [64, 64]), (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919) }])
        let whole = try Data(contentsOf: URL(fileURLWithPath: path))
        let cut = try tmp.write(Array(whole.prefix(whole.count / 2)), "half.idx.gz")
        expectLatentError([cut, "truncated"]) { _ = try IDX.read(cut) }
    }

    // MARK: label files and image pairs

    /// Writes a t10k pair: images of `type` [n, 2, 2] from `pixels`, labels of `labelType` from `labels`.
    func pair(images: [UInt8], type: UInt8 = 0x08, n: UInt32, labels: [UInt8], labelType: UInt8 = 0x08,
              labelDims: [UInt32]? = nil) throws -> TempFolder {
        let folder = TempFolder()
        _ = try folder.write(idxHeader(type, [n, 2, 2]) + images, "t10k-images-idx3-ubyte")
        _ = try folder.write(idxHeader(labelType, labelDims ?? [n]) + labels, "t10k-labels-idx1-ubyte")
        return folder
    }

    @Test func validPairGivesTheRightValues() throws {
        let folder = try pair(images: [0, 51, 102, 255, 255, 0, 0, 0], n: 2, labels: [3, 9])
        let set = try LabeledImages.idx(directory: folder.path, split: .test)
        #expect(set.labels == [3, 9] && set.imageShape == [1, 2, 2])
        #expect(zip(set.images.scalars, [0, 0.2, 0.4, 1, 1, 0, 0, 0] as [Float]).allSatisfy { close($0, $1) })
        #expect(set.classCount == 10 && set.classCounts[3] == 1 && set.classCounts[9] == 1)
        // 16-bit integer labels are fine too.
        let wide = try pair(images: [UInt8](repeating: 0, count: 8), n: 2, labels: [0, 1, 0x01, 0x00], labelType: 0x0B)
        #expect(try LabeledImages.idx(directory: wide.path, split: .test).labels == [1, 256])
    }

    @Test func badLabelFilesAreRefused() throws {
        let pixels = [UInt8](repeating: 0, count: 8)
        let float = try pair(images: pixels, n: 2, labels: [0x3F, 0x80, 0, 0, 0x40, 0, 0, 0], labelType: 0x0D)
        expectLatentError(["t10k-labels-idx1-ubyte", "labels of type 32-bit float", "expected unsigned bytes"]) {
            _ = try LabeledImages.idx(directory: float.path, split: .test)
        }
        let twoD = try pair(images: pixels, n: 2, labels: [1, 2], labelDims: [2, 1])
        expectLatentError(["one dimension", "[2, 1]"]) { _ = try LabeledImages.idx(directory: twoD.path, split: .test) }
        let count = try pair(images: pixels, n: 2, labels: [1, 2, 3], labelDims: [3])
        expectLatentError(["3 labels for the 2 images"]) { _ = try LabeledImages.idx(directory: count.path, split: .test) }
        let negative = try pair(images: pixels, n: 2, labels: [1, 0xFF], labelType: 0x09)
        expectLatentError(["label -1 at index 1", "not a class number"]) { _ = try LabeledImages.idx(directory: negative.path, split: .test) }
        let huge = try pair(images: pixels, n: 2, labels: [0, 0, 0, 1, 0x7F, 0xFF, 0xFF, 0xFF], labelType: 0x0C)
        expectLatentError(["label 2147483648 at index 1"]) { _ = try LabeledImages.idx(directory: huge.path, split: .test) }
    }

    @Test func imagesOfOtherTypesMustLieWithin0To255() throws {
        let wide = try pair(images: [0, 0, 0, 1, 0x01, 0x2C, 0, 0] + [UInt8](repeating: 0, count: 8), type: 0x0B, n: 2, labels: [0, 1])
        expectLatentError(["t10k-images-idx3-ubyte", "range over [0.0, 300.0]", "expected 0…255"]) {
            _ = try LabeledImages.idx(directory: wide.path, split: .test)
        }
        let nan = try pair(images: [0x7F, 0xC0, 0, 0] + [UInt8](repeating: 0, count: 28), type: 0x0D, n: 2, labels: [0, 1])
        expectLatentError(["t10k-images-idx3-ubyte", "range over [nan"]) { _ = try LabeledImages.idx(directory: nan.path, split: .test) }
    }
}

import Foundation
import Testing
@testable import Latent
@testable import LatentData

/// 8-bit images kept as bytes (memory-mapped when uncompressed) give bitwise
/// the Floats the old Float path gave: whole sets, batches, every scaling and
/// binarization, `--limit`; and `DataPack` writes a folder that reads back the same.
@Suite struct ByteStorageTests {
    let tmp = TempFolder()

    /// Random-looking bytes that cover all 256 values.
    func pixels(_ count: Int, seed: UInt64 = 3) -> [UInt8] {
        var rng = RandomGenerator(seed: seed)
        return (0..<count).map { i in i < 256 ? UInt8(i) : UInt8(truncatingIfNeeded: rng.next() >> 56) }
    }

    /// An IDX folder (train + t10k), plain or gzip: `n` and `m` images of 6×5 and labels.
    func idxFolder(gzip: Bool, n: Int = 90, m: Int = 30) throws -> String {
        let folder = tmp.file(gzip ? "idx-gz" : "idx")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for (prefix, count, seed) in [("train", n, UInt64(1)), ("t10k", m, UInt64(2))] {
            let images = idxHeader(0x08, [UInt32(count), 6, 5]) + pixels(count * 30, seed: seed)
            let labels = idxHeader(0x08, [UInt32(count)]) + (0..<count).map { UInt8($0 % 7) }
            if gzip {
                try writeGzip("\(folder)/\(prefix)-images-idx3-ubyte.gz", [images])
                try writeGzip("\(folder)/\(prefix)-labels-idx1-ubyte.gz", [labels])
            } else {
                try Data(images).write(to: URL(fileURLWithPath: "\(folder)/\(prefix)-images-idx3-ubyte"))
                try Data(labels).write(to: URL(fileURLWithPath: "\(folder)/\(prefix)-labels-idx1-ubyte"))
            }
        }
        return folder
    }

    /// The same set with Float storage, as the readers produced it before.
    func floats(_ set: LabeledImages) -> LabeledImages {
        LabeledImages(images: set.images, labels: set.labels, hasLabels: set.hasLabels, classNames: set.classNames)
    }

    func bits(_ t: Tensor) -> [UInt32] { t.scalars.map(\.bitPattern) }

    @Test func idxBytesAreMappedWhenPlainAndConvertLikeTheFloatReader() throws {
        for gzip in [false, true] {
            let folder = try idxFolder(gzip: gzip)
            let set = try LabeledImages.idx(directory: folder, split: .train)
            #expect(set.storesBytes && set.isMapped == !gzip)
            #expect(set.imageShape == [1, 6, 5] && set.count == 90)
            let suffix = gzip ? ".gz" : ""
            let old = try IDX.read("\(folder)/train-images-idx3-ubyte\(suffix)").scaled(by: 1 / 255).reshaped([90, 1, 6, 5])
            #expect(bits(set.images) == bits(old))
            let picks = [89, 0, 7, 7, 40]
            #expect(bits(set.rows(picks)) == bits(old.reshaped([90, -1]).gatherRows(picks)))
            let sub = set.subset([5, 3, 60]).subset([2, 0])
            #expect(bits(sub.images) == bits(old.gatherRows([60, 5])) && sub.labels == [60 % 7, 5 % 7])
        }
    }

    @Test func preparedBatchesEqualTheFloatPathForEveryScaleAndBinarization() throws {
        let folder = try idxFolder(gzip: false)
        let source = try DatasetRegistry.load(folder)
        let floatSource = DatasetRegistry.Source(name: source.name, description: source.description,
                                                 train: floats(source.train), test: floats(source.test))
        for binarize in [DataOptions.Binarization.none, .threshold, .fixed, .dynamic] {
            for scale in PixelRange.allCases {
                for limit in [nil, 31] as [Int?] {
                    var o = DataOptions(source: folder)
                    o.binarize = binarize
                    o.scale = scale
                    o.limit = limit
                    o.testLimit = 20
                    o.validation = 9
                    let bytes = try PreparedData.prepare(source, o)
                    let old = try PreparedData.prepare(floatSource, o)
                    #expect(bytes.train.storesBytes && !old.train.storesBytes)
                    for (a, b) in [(bytes.train, old.train), (bytes.validation, old.validation), (bytes.test, old.test)] {
                        #expect(a.labels == b.labels && bits(a.images) == bits(b.images), "\(binarize) \(scale)")
                    }
                    var (r1, r2) = (RandomGenerator(seed: 5), RandomGenerator(seed: 5))
                    let picks = [3, 0, bytes.train.count - 1]
                    #expect(bits(bytes.trainingBatch(picks, rng: &r1)) == bits(old.trainingBatch(picks, rng: &r2)))
                    #expect(r1.next() == r2.next())
                    #expect(bits(bytes.evaluationImages(bytes.test)) == bits(old.evaluationImages(old.test)))
                }
            }
        }
    }

    @Test func limitKeepsTheSameImagesAsTheWholeSet() throws {
        let folder = try idxFolder(gzip: true)
        var o = DataOptions(source: folder)
        o.validation = 9
        let all = try PreparedData.load(o)
        o.limit = 25
        let limited = try PreparedData.load(o)
        #expect(limited.train.count == 25)
        #expect(bits(limited.train.images) == bits(all.train.rows(Array(0..<25))))
        #expect(bits(limited.validation.images) == bits(all.validation.images))
    }

    @Test func uint8NPYIsKeptAsBytesInEveryLayout() throws {
        let n = 10
        let flat = pixels(n * 25 * 3)
        for (shape, file) in [("(10, 25)", "rows"), ("(10, 5, 5, 3)", "last"), ("(10, 3, 5, 5)", "first")] {
            let payload = shape == "(10, 25)" ? Array(flat.prefix(n * 25)) : flat
            let path = try tmp.write(npyBytes("{'descr': '|u1', 'fortran_order': False, 'shape': \(shape), }", payload: payload), "\(file).npy")
            let (set, _) = try DatasetRegistry.npyImages(path)
            #expect(set.storesBytes && set.isMapped == (file != "last"))
            var old = try NPY.read(path)
            switch old.rank {
            case 2: old = old.reshaped([n, 1, 5, 5])
            case 4 where file == "last": old = DatasetRegistry.channelsLastToFirst(old)
            default: break
            }
            #expect(bits(set.images) == bits(old.scaled(by: 1 / 255)), "\(shape)")
        }
    }

    @Test func eightBitPNGFoldersAreKeptAsBytesAndPackToTheSameBytes() throws {
        let folder = tmp.file("pngs")
        for (k, name) in ["a", "b"].enumerated() {
            try FileManager.default.createDirectory(atPath: "\(folder)/\(name)", withIntermediateDirectories: true)
            for i in 0..<3 {
                try PNGImage(width: 4, height: 3, channels: 3, pixels: pixels(36, seed: UInt64(10 * k + i))).write(to: "\(folder)/\(name)/\(i).png")
            }
        }
        let set = try ImageFolder.read(folder)
        #expect(set.storesBytes && set.imageShape == [3, 3, 4] && set.labels == [0, 0, 0, 1, 1, 1])
        var old: [Float] = []
        for name in ["a", "b"] { for i in 0..<3 { old += try PNGReader.read("\(folder)/\(name)/\(i).png").scalars } }
        #expect(set.images.scalars.map(\.bitPattern) == old.map(\.bitPattern))
        // Packed, the bytes are the same (read back as IDX bytes).
        let packed = try DataPack.pack(folder, to: tmp.file("pngs-packed"))
        let source = try DatasetRegistry.load(folder), back = try DatasetRegistry.load(packed.directory)
        #expect(try DataPack.bytes(of: back.train, source: "") == DataPack.bytes(of: source.train, source: ""))
        #expect(back.test.labels == source.test.labels)
    }

    @Test func onlyValuesOfTheTableBecomeBytes() throws {
        var out = [UInt8](repeating: 0, count: 3)
        let exact: [Float] = [0, 1, Float(200) / 255]
        #expect(exact.withUnsafeBufferPointer { ByteImages.bytes(of: $0, table: ByteImages.pngTable, into: &out) } && out == [0, 255, 200])
        for bad: [Float] in [[0.5], [-0.0001], [1.5], [.nan]] {
            #expect(!bad.withUnsafeBufferPointer { ByteImages.bytes(of: $0, table: ByteImages.pngTable, into: &out) }, "\(bad)")
        }
        // The PNG decoder's b/255 and the IDX reader's b·(1/255) differ in the last bit for some bytes: each table is its own.
        let differing = (0..<256).filter { ByteImages.pngTable[$0] != ByteImages.idxTable[$0] }
        #expect(!differing.isEmpty)
        let value = [ByteImages.pngTable[differing[0]]]
        #expect(!value.withUnsafeBufferPointer { ByteImages.bytes(of: $0, table: ByteImages.idxTable, into: &out) })
    }

    @Test func aMappedFileOfTheWrongSizeIsRefusedBeforeMapping() throws {
        let header = idxHeader(0x08, [10, 4, 4])
        let short = try tmp.write(header + [UInt8](repeating: 1, count: 159), "short.idx")
        let long = try tmp.write(header + [UInt8](repeating: 1, count: 161), "long.idx")
        for (path, words) in [(short, ["truncated", "160 bytes", "159"]), (long, ["1 bytes left over"])] {
            expectLatentError(words) { _ = try IDX.readContents(path) }
            do { _ = try IDX.readContents(path) } catch { #expect(!"\(error)".contains("\n")) }
        }
        expectLatentError(["has 177 bytes", "declares 176"]) { _ = try PixelBuffer.mapping(long, offset: 16, count: 160) }
        let ok = try tmp.write(header + [UInt8](repeating: 7, count: 160), "ok.idx")
        guard case .bytes(let shape, let buffer) = try IDX.readContents(ok) else { Issue.record("not bytes"); return }
        #expect(shape == [10, 4, 4] && buffer.isMapped && buffer.count == 160 && buffer.pointer[159] == 7)
        // The Float limit still applies to bytes.
        expectLatentError(["needs 640 bytes", "limit of 600"]) { _ = try IDX.readContents(ok, maxBytes: 600) }
    }

    @Test func packRoundTripsAnIDXSourceAndTrainsOnTheSameBatches() throws {
        let folder = try idxFolder(gzip: true)
        let out = tmp.file("packed")
        let r = try DataPack.pack(folder, to: out)
        #expect(r.trainCount == 90 && r.testCount == 30 && r.imageShape == [1, 6, 5] && r.files.count == 4)
        var o = DataOptions(source: folder)
        o.binarize = .dynamic
        o.validation = 10
        let original = try PreparedData.load(o)
        o.source = out
        let packed = try PreparedData.load(o)
        #expect(packed.train.isMapped)
        var (r1, r2) = (RandomGenerator(seed: 8), RandomGenerator(seed: 8))
        let picks = Array(0..<packed.train.count).shuffled()
        #expect(bits(packed.trainingBatch(picks, rng: &r1)) == bits(original.trainingBatch(picks, rng: &r2)))
        #expect(packed.train.labels == original.train.labels && bits(packed.test.images) == bits(original.test.images))
        // A float source that is not 8-bit is refused in one line.
        let path = try tmp.write(npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (5, 4), }",
                                          payload: (0..<20).flatMap { i in withUnsafeBytes(of: Float(i) / 40) { Array($0) } }), "f.npy")
        expectLatentError(["not 8-bit"]) { _ = try DataPack.pack(path, to: tmp.file("f-packed")) }
    }
}

import Foundation
import Testing
@testable import Latent

/// A fresh temporary folder per test value.
struct TempFolder {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("latent-\(UUID().uuidString)").path
    init() { try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
    func file(_ name: String) -> String { path + "/" + name }
    func write(_ bytes: [UInt8], _ name: String) throws -> String {
        try Data(bytes).write(to: URL(fileURLWithPath: file(name)))
        return file(name)
    }
}

/// Expects `body` to throw a LatentError whose text contains each fragment.
func expectLatentError(_ fragments: [String], sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("no error; expected one mentioning \(fragments)", sourceLocation: sourceLocation)
    } catch let error as LatentError {
        for f in fragments {
            #expect(error.description.contains(f), "\(error) lacks '\(f)'", sourceLocation: sourceLocation)
        }
    } catch {
        Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
    }
}

/// An .npy file's bytes with a given header dict and payload.
func npyBytes(_ dict: String, payload: [UInt8], version: UInt8 = 1) -> [UInt8] {
    var header = Array(dict.utf8)
    let prefix = version == 1 ? 10 : 12
    while (prefix + header.count + 1) % 64 != 0 { header.append(0x20) }
    header.append(0x0A)
    var out: [UInt8] = [0x93] + Array("NUMPY".utf8) + [version, 0]
    let n = header.count
    out += version == 1 ? [UInt8(n & 0xFF), UInt8(n >> 8)] : [UInt8(n & 0xFF), UInt8(n >> 8 & 0xFF), 0, 0]
    return out + header + payload
}

@Suite struct NPYTests {
    let tmp = TempFolder()

    @Test func roundTripsFloat32() throws {
        let t = randomTensor([3, 4, 5], seed: 1)
        try NPY.write(t, to: tmp.file("a.npy"))
        let back = try NPY.read(tmp.file("a.npy"))
        #expect(back.shape == [3, 4, 5] && back.scalars == t.scalars)
        try NPY.write(Tensor([1, 2]), to: tmp.file("v.npy"))
        #expect(try NPY.read(tmp.file("v.npy")).shape == [2])
    }

    @Test func readsOtherTypesAndVersions() throws {
        let u8 = try tmp.write(npyBytes("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 2), }", payload: [0, 1, 128, 255]), "u8.npy")
        #expect(try NPY.read(u8).scalars == [0, 1, 128, 255])
        var f8: [UInt8] = []
        for v in [1.5, -2.0] { withUnsafeBytes(of: v.bitPattern.littleEndian) { f8 += $0 } }
        let f64 = try tmp.write(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", payload: f8, version: 2), "f8.npy")
        #expect(try NPY.read(f64).scalars == [1.5, -2])
        var be: [UInt8] = []
        withUnsafeBytes(of: Float(3.25).bitPattern.bigEndian) { be += $0 }
        let big = try tmp.write(npyBytes("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", payload: be, version: 3), "be.npy")
        #expect(try NPY.read(big).scalars == [3.25])
    }

    @Test func refusesWhatItMustNotRead() throws {
        let object = try tmp.write(npyBytes("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", payload: [0x80, 0x04]), "obj.npy")
        expectLatentError([object, "never unpickles"]) { _ = try NPY.read(object) }
        let fortran = try tmp.write(npyBytes("{'descr': '<f4', 'fortran_order': True, 'shape': (1, 1), }", payload: [0, 0, 0, 0]), "f.npy")
        expectLatentError([fortran, "Fortran order"]) { _ = try NPY.read(fortran) }
        let short = try tmp.write(npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (10, 10), }", payload: [0, 0, 0, 0]), "short.npy")
        expectLatentError([short, "truncated"]) { _ = try NPY.read(short) }
        let huge = try tmp.write(npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", payload: []), "huge.npy")
        expectLatentError([huge, "too large"]) { _ = try NPY.read(huge) }
        let notNPY = try tmp.write(Array("hello world".utf8), "text.npy")
        expectLatentError([notNPY, "magic"]) { _ = try NPY.read(notNPY) }
    }
}

@Suite struct CSVAndPNGTests {
    let tmp = TempFolder()

    @Test func csvWithHeaderAndLabels() throws {
        let text = "label,p1,p2,p3,p4\n3,0,255,255,0\n7,255,0,0,255\n"
        let path = try tmp.write(Array(text.utf8), "d.csv")
        let set = try CSVImages.read(path, labelColumn: .first)
        #expect(set.labels == [3, 7] && set.imageShape == [1, 2, 2])
        #expect(set.images.scalars == [0, 1, 1, 0, 1, 0, 0, 1])
        let last = try CSVImages.read(try tmp.write(Array("0,0.5,0.5,0,1\n".utf8), "l.csv"), labelColumn: .last)
        #expect(last.labels == [1] && last.images.scalars == [0, 0.5, 0.5, 0])
    }

    @Test func csvErrorsNameTheLine() throws {
        let ragged = try tmp.write(Array("1,0,0,0,0\n2,0,0\n".utf8), "r.csv")
        expectLatentError([ragged, "line 2 has 3 values"]) { _ = try CSVImages.read(ragged) }
        let word = try tmp.write(Array("1,0,0,0,0\n2,0,x,0,0\n".utf8), "w.csv")
        expectLatentError([word, "line 2", "'x'"]) { _ = try CSVImages.read(word) }
        let odd = try tmp.write(Array("1,0,0,0,0,0\n".utf8), "o.csv")
        expectLatentError([odd, "not a square image"]) { _ = try CSVImages.read(odd) }
        let empty = try tmp.write([], "e.csv")
        expectLatentError([empty, "no image rows"]) { _ = try CSVImages.read(empty) }
    }
}

@Suite struct DatasetTests {
    let tmp = TempFolder()

    /// 100 tiny 4×4 images whose brightness is their label / 10, with a labels file.
    func makeNPY() throws -> String {
        var pixels: [Float] = [], labels: [Float] = []
        for i in 0..<100 { let l = i % 10; labels.append(Float(l)); pixels += Array(repeating: Float(l) / 10, count: 16) }
        let path = tmp.file("tiny.npy")
        try NPY.write(Tensor(pixels, shape: [100, 4, 4]), to: path)
        try NPY.write(Tensor(labels), to: tmp.file("tiny-labels.npy"))
        return path
    }

    @Test func npySourceSplitsAndKeepsLabels() throws {
        let source = try DatasetRegistry.load(try makeNPY())
        #expect(source.train.count == 80 && source.test.count == 20)
        #expect(source.train.imageShape == [1, 4, 4] && source.train.hasLabels)
        #expect(source.test.labels.first == 0 && source.train.labels[3] == 3)
    }

    @Test func preparedDataSplitsScalesAndBinarizes() throws {
        var options = DataOptions(source: try makeNPY())
        options.validation = 10
        options.limit = 50
        let data = try PreparedData.load(options)
        #expect(data.train.count == 50 && data.validation.count == 10)
        options.scale = .symmetric
        options.limit = nil
        let symmetric = try PreparedData.load(options)
        #expect(symmetric.train.images.minValue() >= -1 && symmetric.train.images.minValue() < -0.99)
        options.scale = .unit
        options.binarize = .threshold
        let binary = try PreparedData.load(options)
        #expect(Set(binary.train.images.scalars).isSubset(of: [0, 1]))
        options.binarize = .dynamic
        let dynamic = try PreparedData.load(options)
        var rng = RandomGenerator(seed: 1)
        let a = dynamic.trainingBatch(Array(0..<40), rng: &rng), b = dynamic.trainingBatch(Array(0..<40), rng: &rng)
        #expect(Set(a.scalars).isSubset(of: [0, 1]) && a.scalars != b.scalars, "a fresh draw per batch")
        // The draw's mean follows the gray level.
        #expect(Swift.abs(a.mean().item - dynamic.train.images.rows(0..<40).mean().item) < 0.08)
    }

    @Test func missingAndEmptyDataSetsExplainThemselves() throws {
        expectLatentError(["neither a known name", "/no/such/place"]) { _ = try DatasetRegistry.load("/no/such/place") }
        let empty = tmp.file("empty.npy")
        try NPY.write(Tensor.zeros([0, 4, 4]), to: empty)
        expectLatentError([empty, "no images"]) { _ = try DatasetRegistry.load(empty) }
        let flat = tmp.file("flat.npy")
        try NPY.write(Tensor.zeros([3, 7]), to: flat)
        expectLatentError([flat, "not square"]) { _ = try DatasetRegistry.load(flat) }
        var options = DataOptions(source: try makeNPY())
        options.validation = 80
        expectLatentError(["--validation 80"]) { _ = try PreparedData.load(options) }
    }
}

@Suite struct ChecksumTests {
    @Test func md5TestVectors() {
        // RFC 1321, appendix A.5.
        #expect(Checksum.md5(Data()) == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(Checksum.md5(Data("abc".utf8)) == "900150983cd24fb0d6963f7d28e17f72")
        #expect(Checksum.md5(Data("message digest".utf8)) == "f96b697d7cb7938d525a2f31aaf161d0")
        #expect(Checksum.md5(Data(String(repeating: "1234567890", count: 8).utf8)) == "57edf4a22be3c955ac49da2e2107b67a")
    }

    @Test func sha256TestVectors() {
        // FIPS 180-4 examples.
        #expect(Checksum.sha256(Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Checksum.sha256(Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Checksum.sha256(Data("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    /// The download path end to end, from a local mirror (nothing here reaches the internet).
    @Test(.enabled(if: TestData.mnistDirectory != nil, "needs ../shared/data/mnist"))
    func downloadVerifiesAndMovesAtomically() throws {
        let mirror = TestData.mnistDirectory!
        let dest = TempFolder().path + "/cache"
        let files = try ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"].map { name in
            MNISTDownload.File(name: name, md5: Checksum.md5(try Data(contentsOf: URL(fileURLWithPath: mirror + "/" + name))))
        }
        try MNISTDownload.run(into: dest, mirrors: ["/no/such/mirror", mirror], files: files)
        #expect(try LabeledImages.idx(directory: dest, split: .test).count == 10_000)
        // A wrong checksum: refused, with the reason, and nothing left behind under that name.
        let wrong = [MNISTDownload.File(name: "t10k-labels-idx1-ubyte.gz", md5: String(repeating: "0", count: 32))]
        let dest2 = TempFolder().path
        expectLatentError(["t10k-labels-idx1-ubyte.gz", "MD5"]) { try MNISTDownload.run(into: dest2, mirrors: [mirror], files: wrong) }
        #expect(!FileManager.default.fileExists(atPath: dest2 + "/t10k-labels-idx1-ubyte.gz"))
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: dest2)) ?? []).isEmpty, "no temporary files left")
    }
}

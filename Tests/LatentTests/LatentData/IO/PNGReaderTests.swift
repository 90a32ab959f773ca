import CZlib
import Foundation
import Testing
@testable import Latent

/// One PngSuite image as Pillow reads it (see Fixtures/pngsuite/README.md):
/// decoded channels, the mean over every colour sample in [0, 1], and raw
/// sample values (out of `maximum`) at a few (x, y) positions.
struct PNGSuiteExpectation: CustomTestStringConvertible, Sendable {
    let name: String
    let channels: Int
    let maximum: Float
    let mean: Double
    let pixels: [(x: Int, y: Int, samples: [Int])]
    var testDescription: String { name }
}

/// Pillow 13.0.0's values (16-bit colour from the raw samples, which Pillow
/// truncates to 8 bits; their high bytes match Pillow's).
let pngSuite: [PNGSuiteExpectation] = [
    .init(name: "basn0g01", channels: 1, maximum: 255, mean: 0.48828125,
          pixels: [(0, 0, [255]), (31, 0, [0]), (5, 17, [255]), (31, 31, [0])]),
    .init(name: "basn0g02", channels: 1, maximum: 255, mean: 0.5000000074505806,
          pixels: [(0, 0, [0]), (31, 0, [255]), (5, 17, [85]), (31, 31, [170])]),
    .init(name: "basn0g04", channels: 1, maximum: 255, mean: 0.4666666788980365,
          pixels: [(0, 0, [0]), (31, 0, [119]), (5, 17, [85]), (31, 31, [238])]),
    .init(name: "basn0g08", channels: 1, maximum: 255, mean: 0.49806986287558175,
          pixels: [(0, 0, [0]), (31, 0, [31]), (5, 17, [39]), (31, 31, [3])]),
    .init(name: "basn0g16", channels: 1, maximum: 65535, mean: 0.5641229101454428,
          pixels: [(0, 0, [0]), (31, 0, [47871]), (5, 17, [20224]), (31, 31, [255])]),
    .init(name: "basn2c08", channels: 3, maximum: 255, mean: 0.7500000049667506,
          pixels: [(0, 0, [255, 255, 255]), (31, 0, [255, 255, 224]), (5, 17, [218, 255, 255]), (31, 31, [0, 0, 0])]),
    .init(name: "basn2c16", channels: 3, maximum: 65535, mean: 0.3906247998820618,
          pixels: [(0, 0, [65535, 65535, 0]), (31, 0, [0, 65535, 0]), (5, 17, [54965, 29596, 0]), (31, 31, [0, 0, 65535])]),
    .init(name: "basn3p01", channels: 3, maximum: 255, mean: 0.600000003973643,
          pixels: [(0, 0, [238, 255, 34]), (31, 0, [34, 102, 255]), (5, 17, [34, 102, 255]), (31, 31, [238, 255, 34])]),
    .init(name: "basn3p02", channels: 3, maximum: 255, mean: 0.4166666666666667,
          pixels: [(0, 0, [0, 0, 255]), (31, 0, [0, 255, 0]), (5, 17, [255, 0, 0]), (31, 31, [0, 0, 255])]),
    .init(name: "basn3p04", channels: 3, maximum: 255, mean: 0.504166670764486,
          pixels: [(0, 0, [255, 0, 0]), (31, 0, [0, 255, 153]), (5, 17, [34, 255, 0]), (31, 31, [255, 0, 187])]),
    .init(name: "basn3p08", channels: 3, maximum: 255, mean: 0.499428109931614,
          pixels: [(0, 0, [1, 0, 0]), (31, 0, [1, 0, 1]), (5, 17, [255, 139, 17]), (31, 31, [255, 254, 255])]),
    .init(name: "basn4a08", channels: 1, maximum: 255, mean: 0.49816177471075207,
          pixels: [(0, 0, [255]), (31, 0, [255]), (5, 17, [115]), (31, 31, [0])]),
    .init(name: "basn4a16", channels: 1, maximum: 65535, mean: 0.49536579282721505,
          pixels: [(0, 0, [0]), (31, 0, [0]), (5, 17, [56172]), (31, 31, [0])]),
    .init(name: "basn6a08", channels: 3, maximum: 255, mean: 0.5053921603151442,
          pixels: [(0, 0, [255, 0, 8]), (31, 0, [255, 0, 8]), (5, 17, [4, 255, 31]), (31, 31, [0, 32, 255])]),
    .init(name: "basn6a16", channels: 3, maximum: 65535, mean: 0.4166626747780053,
          pixels: [(0, 0, [65535, 65535, 0]), (31, 0, [0, 65535, 0]), (5, 17, [65535, 28086, 0]), (31, 31, [0, 0, 65535])]),
]

/// The same 15 images interlaced (Adam7): libpng's ibasn*.png twins.
let pngSuiteInterlaced = pngSuite.map {
    PNGSuiteExpectation(name: "i" + $0.name, channels: $0.channels, maximum: $0.maximum, mean: $0.mean, pixels: $0.pixels)
}

/// Path of a PngSuite fixture.
func pngSuiteFile(_ name: String) -> String {
    Bundle.module.url(forResource: "pngsuite", withExtension: nil)!.appendingPathComponent(name + ".png").path
}

/// zlib's CRC-32 of `bytes`.
func crc32Of(_ bytes: [UInt8]) -> UInt32 {
    UInt32(bytes.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) })
}

/// A PNG chunk: length, type, data, CRC (over type and data).
func pngChunk(_ type: String, _ payload: [UInt8]) -> [UInt8] {
    func be(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
    let body = Array(type.utf8) + payload
    return be(UInt32(payload.count)) + body + be(crc32Of(body))
}

/// The PNG signature followed by an IHDR chunk with a correct CRC.
func pngStart(width: UInt32, height: UInt32, bitDepth: UInt8 = 8, colorType: UInt8 = 0) -> [UInt8] {
    func be(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
    return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        + pngChunk("IHDR", be(width) + be(height) + [bitDepth, colorType, 0, 0, 0])
}

/// zlib's compress2 of `bytes` at the best ratio.
func zlibCompressed(_ bytes: [UInt8]) -> [UInt8] {
    var size = compressBound(uLong(bytes.count))
    var out = [UInt8](repeating: 0, count: Int(size))
    let status = compress2(&out, &size, bytes, uLong(bytes.count), 9)
    precondition(status == Z_OK, "compress2 failed: \(status)")
    return Array(out.prefix(Int(size)))
}

/// The mean of a tensor's elements, in Double.
func doubleMean(_ t: Tensor) -> Double { t.scalars.reduce(0) { $0 + Double($1) } / Double(t.count) }

@Suite struct PNGReaderTests {
    let tmp = TempFolder()

    @Test(arguments: pngSuite + pngSuiteInterlaced)
    func pngSuiteMatchesPillow(_ e: PNGSuiteExpectation) throws {
        let image = try PNGReader.read(pngSuiteFile(e.name))
        #expect(image.shape == [e.channels, 32, 32])
        #expect(Swift.abs(doubleMean(image) - e.mean) < 1e-6, "mean \(doubleMean(image)) vs Pillow's \(e.mean)")
        for (x, y, samples) in e.pixels {
            let got = (0..<e.channels).map { image[$0, y, x] }
            #expect(got == samples.map { Float($0) / e.maximum }, "pixel (\(x), \(y))")
        }
    }

    @Test(arguments: pngSuite)
    func interlacedEqualsNonInterlaced(_ e: PNGSuiteExpectation) throws {
        let plain = try PNGReader.read(pngSuiteFile(e.name))
        let interlaced = try PNGReader.read(pngSuiteFile("i" + e.name))
        #expect(try PNGHeader(Data(contentsOf: URL(fileURLWithPath: pngSuiteFile("i" + e.name))), path: "").interlaced)
        #expect(plain.scalars == interlaced.scalars)
    }

    /// Alpha (a channel, a palette's tRNS or a tRNS colour key) composited as
    /// v·a + bg·(1−a): whole-image means from Pillow's values, and single pixels.
    @Test(arguments: [
        ("basn6a08", 0.5053921603151442, 0.25176705528575855, 0.7536052826814436),
        ("basn4a08", 0.49816177471075207, 0.24816515324198463, 0.7500033824799175),
        ("basn6a16", 0.4166626747780053, 0.13021065019893285, 0.8177020100022977),
        ("basn4a16", 0.49536579282721505, 0.15263416615562164, 0.8401255270000547),
        ("ftbbn3p08", 0.6677440820679598, 0.22438470706795974, 0.6677440820679598),
        ("ftbrn2c08", 0.667973861413581, 0.22559104891358098, 0.667973861413581),
        ("ftbwn0g16", 0.6733194986500166, 0.2309366861500166, 0.6733194986500166),
    ])
    func alphaIsDroppedOrComposited(_ name: String, drop: Double, black: Double, white: Double) throws {
        let path = pngSuiteFile(name)
        for (alpha, mean) in [(ReadOptions.Alpha.drop, drop), (.black, black), (.white, white)] {
            let image = try PNGReader.read(path, reading: ReadOptions(alpha: alpha))
            #expect(Swift.abs(doubleMean(image) - mean) < 1e-6, "\(name) \(alpha): \(doubleMean(image)) vs \(mean)")
        }
    }

    @Test func compositesSinglePixels() throws {
        // basn6a08 at (5, 17) is RGBA (4, 255, 31, 41); basn4a08 at (20, 3) is (230, 164).
        for (name, x, y, samples, a) in [("basn6a08", 5, 17, [4, 255, 31], 41), ("basn4a08", 20, 3, [230], 164)] {
            let alpha = Float(a) / 255
            for (mode, background) in [(ReadOptions.Alpha.black, Float(0)), (.white, 1)] {
                let image = try PNGReader.read(pngSuiteFile(name), reading: ReadOptions(alpha: mode))
                for (c, v) in samples.enumerated() {
                    let expected = Float(v) / 255 * alpha + background * (1 - alpha)
                    #expect(Swift.abs(image[c, y, x] - expected) < 1e-6, "\(name) \(mode) channel \(c)")
                }
            }
        }
        // A palette entry made fully transparent by tRNS: white on white, black on black.
        let onBlack = try PNGReader.read(pngSuiteFile("ftbbn3p08"), reading: ReadOptions(alpha: .black))
        #expect((0..<3).map { onBlack[$0, 3, 20] } == [0, 0, 0])
        #expect((0..<3).map { onBlack[$0, 17, 5] } == [0, Float(177) / 255, 0])
    }

    @Test func refusesHugeOrImpossibleHeadersBeforeAllocating() throws {
        // 16000×16000 gray fits the default limit (1 GB of floats), but a 45-byte
        // file cannot hold 256 MB of scanlines: refused from the header alone.
        let forged = try tmp.write(pngStart(width: 16000, height: 16000) + pngChunk("IEND", []), "forged.png")
        expectLatentError([forged, "16000×16000", "cannot hold"]) { _ = try PNGReader.read(forged) }
        let wide = try tmp.write(pngStart(width: 70000, height: 1) + pngChunk("IEND", []), "wide.png")
        expectLatentError([wide, "70000×1", "at most 65535"]) { _ = try PNGReader.read(wide) }
        let empty = try tmp.write(pngStart(width: 0, height: 5) + pngChunk("IEND", []), "zero.png")
        expectLatentError([empty, "0×5"]) { _ = try PNGReader.read(empty) }
        let depth = try tmp.write(pngStart(width: 4, height: 4, bitDepth: 4, colorType: 2) + pngChunk("IEND", []), "depth.png")
        expectLatentError([depth, "colour type 2 with bit depth 4"]) { _ = try PNGReader.read(depth) }
        // A genuine 32×32 RGB image needs 12,288 bytes of floats.
        let rgb = pngSuiteFile("basn2c08")
        expectLatentError([rgb, "32×32×3", "12288 bytes", "limit of 12000"]) {
            _ = try PNGReader.read(rgb, reading: ReadOptions(maxBytes: 12_000))
        }
        #expect(try PNGReader.read(rgb, reading: ReadOptions(maxBytes: 12_288)).shape == [3, 32, 32])
    }

    @Test func refusesDamagedFiles() throws {
        let good = try [UInt8](Data(contentsOf: URL(fileURLWithPath: pngSuiteFile("basn2c08"))))
        let truncated = try tmp.write(Array(good.prefix(good.count / 2)), "truncated.png")
        expectLatentError([truncated, "truncated"]) { _ = try PNGReader.read(truncated) }
        let noEnd = try tmp.write(Array(good.dropLast(12)), "noend.png")   // IEND missing
        expectLatentError([noEnd, "truncated"]) { _ = try PNGReader.read(noEnd) }

        // The last byte of IDAT's CRC flipped (the IEND chunk is the last 12 bytes).
        var badCRC = good
        badCRC[good.count - 13] ^= 0xFF
        let crcFile = try tmp.write(badCRC, "crc.png")
        expectLatentError([crcFile, "IDAT", "CRC error"]) { _ = try PNGReader.read(crcFile) }
        // A CRC error in an ancillary chunk (gAMA, right after IHDR) is refused too.
        var badGamma = good
        badGamma[33 + 8 + 4 + 3] ^= 0xFF
        let gammaFile = try tmp.write(badGamma, "gama.png")
        expectLatentError([gammaFile, "gAMA", "CRC error"]) { _ = try PNGReader.read(gammaFile) }

        // Well-formed chunks around zlib data that is not zlib data.
        let garbage = try tmp.write(pngStart(width: 32, height: 32) + pngChunk("IDAT", Array(repeating: 0x5A, count: 2000))
                                    + pngChunk("IEND", []), "zlib.png")
        expectLatentError([garbage, "corrupt or unreadable PNG"]) { _ = try PNGReader.read(garbage) }
        let notPNG = try tmp.write(Array("GIF89a and more bytes than a PNG header".utf8), "not.png")
        expectLatentError([notPNG, "signature"]) { _ = try PNGReader.read(notPNG) }
        expectLatentError([tmp.file("missing.png"), "cannot read"]) { _ = try PNGReader.read(tmp.file("missing.png")) }
        try FileManager.default.createSymbolicLink(atPath: tmp.file("zero.png"), withDestinationPath: "/dev/zero")
        expectLatentError([tmp.file("zero.png"), "not a regular file"]) { _ = try PNGReader.read(tmp.file("zero.png")) }
        expectLatentError([truncated, "more than the limit of 100 bytes"]) {
            _ = try PNGReader.read(truncated, reading: ReadOptions(maxBytes: 100))
        }
    }

    /// A 16 MiB zTXt and iCCP "bomb" (16 KB on disk) is skipped unread: the image
    /// decodes to the same values, and nothing is inflated past libpng's chunk cap.
    @Test func skipsCompressedMetadataBombs() throws {
        let good = try [UInt8](Data(contentsOf: URL(fileURLWithPath: pngSuiteFile("basn0g08"))))
        let bomb = zlibCompressed([UInt8](repeating: 0, count: 16 << 20))
        let metadata = pngChunk("zTXt", Array("Comment".utf8) + [0, 0] + bomb)
            + pngChunk("iCCP", Array("icc".utf8) + [0, 0] + bomb)
        let file = try tmp.write(Array(good.prefix(33)) + metadata + Array(good.dropFirst(33)), "bomb.png")
        #expect(try PNGReader.read(file).scalars == PNGReader.read(pngSuiteFile("basn0g08")).scalars)
    }

    @Test func readsWhatPNGImageWrites() throws {
        let gray = PNGImage(width: 3, height: 2, channels: 1, pixels: [0, 50, 100, 150, 200, 255])
        try gray.write(to: tmp.file("g.png"))
        let grayBack = try PNGReader.read(tmp.file("g.png"))
        #expect(grayBack.shape == [1, 2, 3] && grayBack.scalars == gray.pixels.map { Float($0) / 255 })
        let rgb = PNGImage(width: 2, height: 1, channels: 3, pixels: [255, 0, 0, 0, 128, 255])
        try rgb.write(to: tmp.file("c.png"))
        let rgbBack = try PNGReader.read(tmp.file("c.png"))
        #expect(rgbBack.shape == [3, 1, 2] && rgbBack.scalars == [1, 0, 0, Float(128) / 255, 0, 1])
        #expect(rgbBack.scalars == rgb.tensor.scalars)
        let t = Tensor([0, 0.5, 1, 0.25], shape: [1, 2, 2])
        let back = PNGImage(tensor: t).tensor
        for (a, b) in zip(back.scalars, t.scalars) { #expect(Swift.abs(a - b) < 0.003) }
    }
}

@Suite struct ImageFolderTests {
    let tmp = TempFolder()

    func copy(_ fixture: String, to name: String) throws {
        try FileManager.default.copyItem(atPath: pngSuiteFile(fixture), toPath: tmp.file(name))
    }

    @Test func subfoldersAreClassesAndHiddenFilesAreSkipped() throws {
        let fm = FileManager.default
        for (cls, value) in [("cats", UInt8(10)), ("dogs", UInt8(200))] {
            try fm.createDirectory(atPath: tmp.file(cls), withIntermediateDirectories: true)
            for i in 0..<3 { try PNGImage(width: 4, height: 4, channels: 1, pixels: Array(repeating: value, count: 16)).write(to: tmp.file("\(cls)/\(i).png")) }
        }
        _ = try tmp.write(Array("junk".utf8), "dogs/._0.png")   // a hidden resource fork
        try fm.createDirectory(atPath: tmp.file(".cache"), withIntermediateDirectories: true)
        let set = try ImageFolder.read(tmp.path)
        #expect(set.count == 6 && set.labels == [0, 0, 0, 1, 1, 1] && set.classNames == ["cats", "dogs"])
        #expect(set.imageShape == [1, 4, 4])
        #expect(set.images.scalars == Array(repeating: Float(10) / 255, count: 48) + Array(repeating: Float(200) / 255, count: 48))
        let empty = TempFolder()
        expectLatentError([empty.path, "no .png images"]) { _ = try ImageFolder.read(empty.path) }
    }

    @Test func decodesEachImageInPlaceWithTheAlphaOption() throws {
        try copy("basn6a08", to: "a.png")
        try copy("ibasn6a08", to: "b.png")
        try copy("basn2c08", to: "c.png")
        let white = try ImageFolder.read(tmp.path, reading: ReadOptions(alpha: .white))
        #expect(white.hasLabels == false && white.images.shape == [3, 3, 32, 32])
        let single = try PNGReader.read(pngSuiteFile("basn6a08"), reading: ReadOptions(alpha: .white))
        let n = single.count
        let all = white.images.scalars
        #expect(Array(all[0..<n]) == single.scalars && Array(all[n..<2 * n]) == single.scalars)
        #expect(Array(all[2 * n..<3 * n]) == (try PNGReader.read(pngSuiteFile("basn2c08"))).scalars)
    }

    @Test func mixedSizesOrChannelsNameBothFiles() throws {
        try copy("basn0g08", to: "a.png")
        try PNGImage(width: 5, height: 4, channels: 1, pixels: Array(repeating: 0, count: 20)).write(to: tmp.file("odd.png"))
        expectLatentError([tmp.file("odd.png"), tmp.file("a.png"), "5×4", "32×32", "one size"]) { _ = try ImageFolder.read(tmp.path) }
        let colours = TempFolder()
        try FileManager.default.copyItem(atPath: pngSuiteFile("basn0g08"), toPath: colours.file("a.png"))
        try FileManager.default.copyItem(atPath: pngSuiteFile("basn2c08"), toPath: colours.file("b.png"))
        expectLatentError([colours.file("b.png"), colours.file("a.png"), "3 channel", "channel count"]) { _ = try ImageFolder.read(colours.path) }
    }

    @Test func refusesASetLargerThanMaxBytes() throws {
        for i in 0..<4 { try copy("basn0g08", to: "\(i).png") }   // 4 × 32×32×1 × 4 = 16,384 bytes
        expectLatentError([tmp.path, "4 images", "16384 bytes", "limit of 16000"]) {
            _ = try ImageFolder.read(tmp.path, reading: ReadOptions(maxBytes: 16_000))
        }
        #expect(try ImageFolder.read(tmp.path, reading: ReadOptions(maxBytes: 16_384)).count == 4)
        // A damaged image is named.
        _ = try tmp.write(Array("\u{89}PNG but not really".utf8), "4.png")
        expectLatentError([tmp.file("4.png")]) { _ = try ImageFolder.read(tmp.path) }
    }
}

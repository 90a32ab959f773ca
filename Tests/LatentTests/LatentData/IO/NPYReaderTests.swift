import Foundation
import Testing
@testable import Latent
@testable import LatentData

/// The little-endian bytes of `values`.
func littleEndianBytes<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
    values.flatMap { v in withUnsafeBytes(of: v.littleEndian) { Array($0) } }
}

func float32Bytes(_ values: [Float]) -> [UInt8] { littleEndianBytes(values.map(\.bitPattern)) }

/// Equal up to Float rounding.
func close(_ a: Float, _ b: Float) -> Bool { Swift.abs(a - b) <= 1e-6 }

@Suite struct NPYHeaderTests {
    func parse(_ text: String) throws(NPYHeader.SyntaxError) -> NPYHeader { try NPYHeader.parse(Array(text.utf8)) }

    /// Expects the header to be refused with a message containing `fragment`.
    func refused(_ text: String, _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let header = try parse(text)
            Issue.record("accepted \(text) as \(header)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.description.contains(fragment), "\(error) lacks '\(fragment)'", sourceLocation: sourceLocation)
        }
    }

    @Test func acceptsWhatNumPyWrites() throws {
        #expect(try parse("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }        \n")
                == NPYHeader(descr: "<f4", fortranOrder: false, shape: [3, 4]))
        #expect(try parse("{\"shape\": (7,), \"fortran_order\": True, \"descr\": \"|u1\"}")
                == NPYHeader(descr: "|u1", fortranOrder: true, shape: [7]))
        #expect(try parse("{'descr':'<i8','fortran_order':False,'shape':()}").shape == [])
        #expect(try parse("{'descr': '<i8', 'fortran_order': False, 'shape': (2L, 3L), }").shape == [2, 3])
        #expect(try parse("{'descr': '<i8', 'fortran_order': False, 'shape': (2, 3,), }").shape == [2, 3])
    }

    @Test func refusesEverythingElseNamingTheText() {
        refused("{'descr': '<f4', 'fortran_order': False}", "no 'shape'")
        refused("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'extra': 1}", "unexpected key 'extra'")
        refused("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,)}", "'descr' appears twice")
        refused("{'descr': '<f4', 'fortran_order': False, 'shape': (2, x)}", "expected a non-negative integer at 'x)}'")
        refused("{'descr': '<f4', 'fortran_order': False, 'shape': (2, -3)}", "at '-3)}'")
        refused("{'descr': '<f4', 'fortran_order': False, 'shape': (3)}", "'(3)}' is not a tuple")
        refused("{'descr': '<f4', 'fortran_order': False, 'shape': (2 3)}", "bad tuple")
        refused("{'descr': '<f4', 'fortran_order': False, 'shape': [2, 3]}", "unsupported list '[2, 3]}'")
        refused("{'descr': '<f4', 'fortran_order': 0, 'shape': (1,)}", "unexpected '0, 'shape'")
        refused("{'descr': '<f4', 'fortran_order': Falsey, 'shape': (1,)}", "unexpected 'Falsey")
        refused("{'descr': '<f4', 'fortran_order': False, 'shape': (1,)} junk", "after the dict: 'junk'")
        refused("{'descr': '<f4' 'fortran_order': False, 'shape': (1,)}", "expected ',' or '}'")
        refused("{'descr': (1,), 'fortran_order': False, 'shape': (1,)}", "'descr' must be a string")
        refused("{'descr': '<f4', 'fortran_order': 'no', 'shape': (1,)}", "'fortran_order' must be True or False")
        refused("{'descr': '<f4', 'fortran_order': False, 'shape': 'big'}", "'shape' must be a tuple")
        refused("{'descr': '<f4, 'fortran_order': False, 'shape': (1,)}", "expected ',' or '}' at 'fortran_order")
        refused("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,)}", "99999999999999999999 is too large")
        refused("'descr': '<f4'", "expected '{'")
        refused("{'descr': '<f4', 'fortran_order': False, 'shape': (1,)", "expected ',' or '}' at 'the end of the header'")
        refused("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), ", "expected a quoted key at 'the end of the header'")
        refused("{'de\\'scr': '<f4'}", "escape sequences")
    }
}

@Suite struct NPYReaderTests {
    let tmp = TempFolder()

    func file(_ dict: String, _ payload: [UInt8], version: UInt8 = 1, _ name: String = "a.npy") throws -> String {
        try tmp.write(npyBytes(dict, payload: payload, version: version), name)
    }

    @Test func readsEveryWhitelistedDtypeInBothByteOrders() throws {
        let cases: [(String, [UInt8], [Float])] = [
            ("|b1", [0, 1, 2], [0, 1, 1]),
            ("|u1", [0, 200, 255], [0, 200, 255]),
            ("|i1", [0, 0xFF, 0x80], [0, -1, -128]),
            ("<u2", littleEndianBytes([UInt16(0), 300, 65535]), [0, 300, 65535]),
            (">u2", [0, 0, 0x01, 0x2C, 0xFF, 0xFF], [0, 300, 65535]),
            ("<i2", littleEndianBytes([Int16(-2), 7, 1000]), [-2, 7, 1000]),
            (">i4", [0xFF, 0xFF, 0xFF, 0xFE, 0, 0, 0, 7, 0, 1, 0, 0], [-2, 7, 65536]),
            ("<u4", littleEndianBytes([UInt32(0), 7, 65536]), [0, 7, 65536]),
            ("<i8", littleEndianBytes([Int64(-5), 0, 1 << 40]), [-5, 0, 1_099_511_627_776]),
            ("<u8", littleEndianBytes([UInt64(1), 2, 3]), [1, 2, 3]),
            ("<f2", littleEndianBytes([Float16(0.5), -2, 1024].map(\.bitPattern)), [0.5, -2, 1024]),
            (">f8", [1.5, -0.25, 8].flatMap { v in withUnsafeBytes(of: v.bitPattern.bigEndian) { Array($0) } }, [1.5, -0.25, 8]),
        ]
        for (descr, payload, expected) in cases {
            let path = try file("{'descr': '\(descr)', 'fortran_order': False, 'shape': (3,), }", payload)
            let (dtype, values) = try NPY.readTyped(path)
            #expect(values.shape == [3] && values.scalars == expected, "\(descr)")
            #expect(dtype == NPY.DType(descr: descr), "\(descr)")
        }
    }

    @Test func refusesOtherDtypesAndLayouts() throws {
        let unicode = try file("{'descr': '<U10', 'fortran_order': False, 'shape': (1,), }", [UInt8](repeating: 0, count: 40))
        expectLatentError([unicode, "unsupported dtype '<U10'", "Latent reads bool"]) { _ = try NPY.read(unicode) }
        let object = try file("{'descr': 'O', 'fortran_order': False, 'shape': (1,), }", [0x80, 4, 0, 0, 0, 0, 0, 0])
        expectLatentError([object, "dtype 'O'", "never unpickles"]) { _ = try NPY.read(object) }
        let complex = try file("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", [UInt8](repeating: 0, count: 8))
        expectLatentError([complex, "unsupported dtype '<c8'"]) { _ = try NPY.read(complex) }
        let structured = try file("{'descr': [('x', '<f4')], 'fortran_order': False, 'shape': (1,), }", [0, 0, 0, 0])
        expectLatentError([structured, "structured arrays"]) { _ = try NPY.read(structured) }
        let fortran = try file("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", [UInt8](repeating: 0, count: 24))
        expectLatentError([fortran, "Fortran order", "numpy.ascontiguousarray"]) { _ = try NPY.read(fortran) }
        let missing = try file("{'descr': '<f4', 'shape': (1,), }", [0, 0, 0, 0])
        expectLatentError([missing, "the header has no 'fortran_order'"]) { _ = try NPY.read(missing) }
        let extra = try file("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}", [0, 0, 0, 0])
        expectLatentError([extra, "unexpected key 'x'"]) { _ = try NPY.read(extra) }
        let badTuple = try file("{'descr': '<f4', 'fortran_order': False, 'shape': (1,,), }", [0, 0, 0, 0])
        expectLatentError([badTuple, "expected a non-negative integer at ',), }"]) { _ = try NPY.read(badTuple) }
    }

    @Test func refusesBadPreamblesAndHeaderLengths() throws {
        // Version 2.0 claiming a 2 GiB header: refused on the length, nothing read.
        let huge = try tmp.write([0x93] + Array("NUMPY".utf8) + [2, 0, 0xFF, 0xFF, 0xFF, 0x7F] + Array("{'descr'".utf8), "hugeheader.npy")
        expectLatentError([huge, "header length 2147483647", "more than the 65535 bytes"]) { _ = try NPY.read(huge) }
        let cut = try tmp.write([0x93] + Array("NUMPY".utf8) + [1, 0, 100, 0] + Array("{'descr': '<f4'".utf8), "cutheader.npy")
        expectLatentError([cut, "truncated inside the header (15 of 100 bytes)"]) { _ = try NPY.read(cut) }
        let version = try tmp.write([0x93] + Array("NUMPY".utf8) + [4, 0, 0, 0], "v4.npy")
        expectLatentError([version, "unsupported format version 4.0"]) { _ = try NPY.read(version) }
        let noLength = try tmp.write([0x93] + Array("NUMPY".utf8) + [3, 0, 1], "nolength.npy")
        expectLatentError([noLength, "truncated before the header length"]) { _ = try NPY.read(noLength) }
        let tiny = try tmp.write([0x93, 0x4E], "tiny.npy")
        expectLatentError([tiny, "magic"]) { _ = try NPY.read(tiny) }
    }

    @Test func dataMustBeExactlyAsLongAsDeclared() throws {
        let header = "{'descr': '<u2', 'fortran_order': False, 'shape': (2, 3), }"
        let short = try file(header, [UInt8](repeating: 0, count: 11), "short.npy")
        expectLatentError([short, "truncated", "needs 12 bytes of data but the file holds 11"]) { _ = try NPY.read(short) }
        let long = try file(header, [UInt8](repeating: 0, count: 15), "long.npy")
        expectLatentError([long, "3 bytes left over after the 12 bytes of data"]) { _ = try NPY.read(long) }
        // Declared larger than the limit: refused before reading or allocating.
        let big = try file("{'descr': '|u1', 'fortran_order': False, 'shape': (1000, 1000), }", [], "big.npy")
        expectLatentError([big, "needs 4000000 bytes", "limit of 1000000"]) { _ = try NPY.read(big, maxBytes: 1_000_000) }
        let overflow = try file("{'descr': '<f8', 'fortran_order': False, 'shape': (9223372036854775807, 2), }", [], "overflow.npy")
        expectLatentError([overflow, "too large"]) { _ = try NPY.read(overflow) }
        // A zero-sized array is valid (the data set reader refuses it).
        let empty = try file("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 5), }", [], "empty.npy")
        #expect(try NPY.read(empty).shape == [0, 5])
    }

    @Test func gzipCompressedArraysAreReadExactly() throws {
        let path = tmp.file("a.npy.gz")
        try writeGzip(path, [npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", payload: float32Bytes([0.25, 4]))])
        #expect(try NPY.read(path).scalars == [0.25, 4])
        let bomb = tmp.file("bomb.npy.gz")
        let array = npyBytes("{'descr': '|u1', 'fortran_order': False, 'shape': (4,), }", payload: [1, 2, 3, 4])
        try writeGzip(bomb, [array], repeating: [UInt8](repeating: 0, count: 1 << 20), times: 16)
        let reader = try GzipFile.Reader(bomb)
        expectLatentError([bomb, "data left over after the 4 bytes"]) { _ = try NPY.read(from: reader, maxBytes: 1 << 20) }
        #expect(reader.bytesRead == array.count + 1, "inflated no further than the declared data and one byte")
    }
}

@Suite struct NPYImageTests {
    let tmp = TempFolder()

    /// `count` images of 2×2 in dtype `descr`, from the raw `payload`.
    func images(_ descr: String, _ payload: [UInt8], count: Int = 5, name: String = "img.npy") throws -> String {
        try tmp.write(npyBytes("{'descr': '\(descr)', 'fortran_order': False, 'shape': (\(count), 2, 2), }", payload: payload), name)
    }

    @Test func scalingFollowsTheDtype() throws {
        let u16 = try images("<u2", littleEndianBytes((0..<20).map { UInt16($0 == 3 ? 65535 : $0 == 5 ? 257 : 0) }), name: "u16.npy")
        let source = try DatasetRegistry.load(u16)
        #expect(source.description.contains("uint16 / 65535"))
        #expect(source.train.images.maxValue() == 1)
        #expect(close(source.train.images.scalars[5], 257 / 65535), "257 is dark gray, not above white")
        let bool = try images("|b1", (0..<20).map { UInt8($0 % 2) }, name: "bool.npy")
        let b = try DatasetRegistry.npyImages(bool)
        #expect(b.scaling == "bool as 0/1" && Array(b.images.images.scalars.prefix(4)) == [0, 1, 0, 1])
        let u8 = try images("|u1", [UInt8](repeating: 51, count: 20), name: "u8.npy")
        #expect(try DatasetRegistry.npyImages(u8).images.images.scalars.allSatisfy { close($0, 0.2) })
        // uint8 divides by 255 even when the brightest pixel is dark.
        let dark = try images("|u1", [UInt8](repeating: 1, count: 20), name: "dark.npy")
        #expect(close(try DatasetRegistry.npyImages(dark).images.images.maxValue(), 1 / 255))
    }

    @Test func floatImagesAreTakenAsIsOrOver255OrRefused() throws {
        let unit = try images("<f4", float32Bytes((0..<20).map { Float($0) / 20 }), name: "unit.npy")
        let u = try DatasetRegistry.npyImages(unit)
        #expect(u.scaling == "float32 taken as is" && u.images.images.scalars[10] == 0.5)
        let bytes = try images("<f4", float32Bytes((0..<20).map { Float($0 * 10) }), name: "bytes.npy")
        let b = try DatasetRegistry.npyImages(bytes)
        #expect(b.scaling == "float32 in 0…255 / 255" && close(b.images.images.scalars[1], 10 / 255))
        let wide = try images("<f4", float32Bytes((0..<20).map { Float($0) * 20 - 1 }), name: "wide.npy")
        expectLatentError([wide, "float32 values range over [-1.0, 379.0]", "expected images within [0, 1] or [0, 255]"]) {
            _ = try DatasetRegistry.npyImages(wide)
        }
        var values = [Float](repeating: 0.5, count: 20)
        values[6] = .nan
        values[9] = .infinity
        values[19] = -.infinity
        let nonFinite = try images("<f4", float32Bytes(values), name: "nan.npy")
        expectLatentError([nonFinite, "3 values are not finite", "the first at index [1, 1, 0]"]) { _ = try DatasetRegistry.npyImages(nonFinite) }
    }

    @Test func signedImagesMustLieWithin0To255() throws {
        let ok = try images("<i2", littleEndianBytes((0..<20).map { Int16($0 * 10) }), name: "ok.npy")
        let o = try DatasetRegistry.npyImages(ok)
        #expect(o.scaling == "int16 in 0…255 / 255" && close(o.images.images.scalars[19], 190 / 255))
        let negative = try images("<i2", littleEndianBytes((0..<20).map { Int16($0 - 1) }), name: "neg.npy")
        expectLatentError([negative, "int16 values range over [-1, 18]", "within 0…255"]) { _ = try DatasetRegistry.npyImages(negative) }
        let big = try images("<u4", littleEndianBytes((0..<20).map { UInt32($0 * 1000) }), name: "big.npy")
        expectLatentError([big, "uint32 values range over [0, 19000]"]) { _ = try DatasetRegistry.npyImages(big) }
    }

    @Test func emptyAndZeroPixelArraysAreRefused() throws {
        let none = try tmp.write(npyBytes("{'descr': '|u1', 'fortran_order': False, 'shape': (0, 2, 2), }", payload: []), "none.npy")
        expectLatentError([none, "holds no images"]) { _ = try DatasetRegistry.load(none) }
        let zeroPixels = try tmp.write(npyBytes("{'descr': '|u1', 'fortran_order': False, 'shape': (5, 0, 3), }", payload: []), "zero.npy")
        expectLatentError([zeroPixels, "images of 0 pixels"]) { _ = try DatasetRegistry.load(zeroPixels) }
        let zeroRows = try tmp.write(npyBytes("{'descr': '|u1', 'fortran_order': False, 'shape': (5, 0), }", payload: []), "rows.npy")
        expectLatentError([zeroRows, "images of 0 pixels"]) { _ = try DatasetRegistry.load(zeroRows) }
        let one = try images("|u1", [1, 2, 3, 4], count: 1, name: "one.npy")
        expectLatentError([one, "holds 1 image", "at least 2"]) { _ = try DatasetRegistry.load(one) }
    }

    // MARK: labels beside the images

    func labelled(_ labelDict: String, _ labelPayload: [UInt8]) throws -> String {
        let path = try images("|u1", [UInt8](repeating: 0, count: 20), name: "set.npy")
        _ = try tmp.write(npyBytes(labelDict, payload: labelPayload), "set-labels.npy")
        return path
    }

    @Test func integerAndWholeFloatLabelsAreRead() throws {
        let ints = try labelled("{'descr': '<i8', 'fortran_order': False, 'shape': (5,), }", littleEndianBytes([Int64(0), 3, 9999, 2, 1]))
        let set = try DatasetRegistry.npyImages(ints).images
        #expect(set.hasLabels && set.labels == [0, 3, 9999, 2, 1] && set.classCount == 10_000)
        let floats = try labelled("{'descr': '<f4', 'fortran_order': False, 'shape': (5, 1), }", float32Bytes([4, 3, 2, 1, 0]))
        #expect(try DatasetRegistry.npyImages(floats).images.labels == [4, 3, 2, 1, 0])
    }

    @Test func badLabelsAreRefused() throws {
        let labelFile = tmp.file("set-labels.npy")
        let cases: [(String, [UInt8], String)] = [
            ("<f4", float32Bytes([0, 1, 3.7, 1, 0]), "label 3.7 at index 2 is not a class number"),
            ("<f4", float32Bytes([0, .nan, 1, 1, 0]), "label nan at index 1"),
            ("<f4", float32Bytes([0, 1, 1, 1, .infinity]), "label inf at index 4"),
            ("<i4", littleEndianBytes([Int32(0), -1, 1, 1, 0]), "label -1 at index 1"),
            ("<i8", littleEndianBytes([Int64(0), 1, 1, 10_000, 0]), "label 10000 at index 3"),
            ("<f8", [0, 1, 1e12, 1, 0].flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }, "label 999999995904 at index 2"),
            ("|b1", [0, 1, 1, 1, 0], "labels of dtype bool"),
        ]
        for (descr, payload, fragment) in cases {
            let path = try labelled("{'descr': '\(descr)', 'fortran_order': False, 'shape': (5,), }", payload)
            expectLatentError([labelFile, fragment]) { _ = try DatasetRegistry.npyImages(path) }
        }
        let count = try labelled("{'descr': '|u1', 'fortran_order': False, 'shape': (4,), }", [0, 1, 2, 3])
        expectLatentError([labelFile, "4 labels for the 5 images"]) { _ = try DatasetRegistry.npyImages(count) }
        let shape = try labelled("{'descr': '|u1', 'fortran_order': False, 'shape': (5, 2), }", [UInt8](repeating: 0, count: 10))
        expectLatentError([labelFile, "1-D array, found shape [5, 2]"]) { _ = try DatasetRegistry.npyImages(shape) }
    }
}

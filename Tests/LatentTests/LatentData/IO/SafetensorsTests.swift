import Foundation
import Testing
@testable import Latent
@testable import LatentData

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
        // The checksum is in the file's metadata but not handed back.
        let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
        #expect(text.contains("\"\(Safetensors.checksumKey)\":\""))
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

    @Test func headerGivesShapesWithoutReadingValues() throws {
        let url = folder.appendingPathComponent("h.safetensors")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Safetensors.save(["w": randomTensor([3, 4], seed: 1), "b": Tensor([1, 2, 3])], metadata: ["epoch": "2"], to: url)
        let header = try Safetensors.header(from: url)
        #expect(header.tensors["w"] == Safetensors.TensorInfo(dtype: "F32", shape: [3, 4], dataOffsets: 12..<60))
        #expect(header.tensors["b"] == Safetensors.TensorInfo(dtype: "F32", shape: [3], dataOffsets: 0..<12))
        #expect(header.metadata == ["epoch": "2"] && header.checksum?.count == 8)
        #expect(header.dataCount == 60 && header.dataStart % 8 == 0)
    }
}

/// A safetensors file from a header text and data bytes, without a checksum (as other tools write them).
func safetensorsBytes(_ header: String, data: [UInt8] = []) -> [UInt8] {
    let h = Array(header.utf8)
    var out: [UInt8] = []
    withUnsafeBytes(of: UInt64(h.count).littleEndian) { out += $0 }
    return out + h + data
}

/// Hostile and damaged files: each is refused with one line naming the file and the problem, never a crash.
@Suite struct SafetensorsHostileFileTests {
    let tmp = TempFolder()

    func expectRefused(_ bytes: [UInt8], _ fragments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let path = try tmp.write(bytes, "bad.safetensors")
        expectLatentError([path, "not a valid safetensors file"] + fragments, sourceLocation: sourceLocation) {
            _ = try Safetensors.load(from: URL(fileURLWithPath: path))
        }
        expectLatentError([path] + fragments, sourceLocation: sourceLocation) {
            _ = try Safetensors.header(from: URL(fileURLWithPath: path))
        }
    }

    @Test func shapeWhoseByteSizeOverflowsIsRefused() throws {
        try expectRefused(safetensorsBytes(#"{"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}}"#,
                                           data: [0, 0, 0, 0]), ["tensor \"w\"", "shape", "too large"])
        // A zero dimension makes the product 0, but the other dimensions must still fit.
        try expectRefused(safetensorsBytes(#"{"w":{"dtype":"F32","shape":[0,4294967296,4294967296],"data_offsets":[0,0]}}"#),
                          ["tensor \"w\"", "too large"])
        try expectRefused(safetensorsBytes(#"{"w":{"dtype":"F32","shape":[99999999999999999999],"data_offsets":[0,4]}}"#,
                                           data: [0, 0, 0, 0]), ["tensor \"w\"", "shape", "non-negative integers"])
    }

    @Test func badShapesAndOffsetsAreRefused() throws {
        let four: [UInt8] = [0, 0, 128, 63]
        try expectRefused(safetensorsBytes(#"{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, data: four),
                          ["tensor \"w\"", "shape", "non-negative"])
        try expectRefused(safetensorsBytes(#"{"w":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}"#, data: four),
                          ["tensor \"w\"", "the number 1.5"])
        try expectRefused(safetensorsBytes(#"{"w":{"dtype":"F32","shape":[true],"data_offsets":[0,4]}}"#, data: four),
                          ["tensor \"w\"", "shape has true"])
        try expectRefused(safetensorsBytes(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: four),
                          ["tensor \"w\"", "data_offsets [0, 8]", "outside the 4 data bytes"])
        try expectRefused(safetensorsBytes(#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}"#, data: four),
                          ["tensor \"w\"", "begin ≤ end"])
        try expectRefused(safetensorsBytes(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#, data: four),
                          ["tensor \"w\"", "hold 4 bytes", "needs 8"])
        try expectRefused(safetensorsBytes(#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0]}}"#, data: four),
                          ["tensor \"w\"", "data_offsets", "two integers"])
        try expectRefused(safetensorsBytes(#"{"w":{"dtype":"F32","shape":[1]}}"#, data: four),
                          ["tensor \"w\"", "lacks the field data_offsets"])
        try expectRefused(safetensorsBytes(#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"extra":1}}"#, data: four),
                          ["tensor \"w\"", "unknown field \"extra\""])
        try expectRefused(safetensorsBytes(#"{"w":[1,2]}"#, data: four), ["tensor \"w\"", "expected an object"])
    }

    @Test func overlappingRangesAreRefused() throws {
        try expectRefused(safetensorsBytes(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"#
                                           + #""b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#, data: Array(repeating: 0, count: 12)),
                          ["tensor \"b\"", "overlap", "\"a\""])
        // Two names for the same bytes are an overlap too.
        try expectRefused(safetensorsBytes(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"#
                                           + #""b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]),
                          ["overlap"])
    }

    @Test func gapsAndTrailingBytesAreRefused() throws {
        try expectRefused(safetensorsBytes(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"#
                                           + #""b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#, data: Array(repeating: 0, count: 12)),
                          ["data bytes 4..<8 belong to no tensor", "gap before \"b\""])
        try expectRefused(safetensorsBytes(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: Array(repeating: 0, count: 8)),
                          ["data bytes 4..<8 belong to no tensor", "trailing"])
    }

    @Test func headerLengthPastTheEndIsRefused() throws {
        var bytes = safetensorsBytes(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0])
        bytes[0] = 200
        try expectRefused(bytes, ["header length 200 exceeds the file size \(bytes.count)"])
        bytes[0...7] = [255, 255, 255, 255, 255, 255, 255, 255]
        try expectRefused(bytes, ["header length 18446744073709551615 exceeds the file size"])
        try expectRefused([1, 2, 3], ["only 3 bytes"])
    }

    @Test func headersThatAreNotJSONObjectsAreRefused() throws {
        try expectRefused(safetensorsBytes("[]"), ["the header is not a JSON object"])
        try expectRefused(safetensorsBytes("{not json}"), ["not valid JSON", "expected a quoted key"])
        try expectRefused(safetensorsBytes(#"{"a":1} x"#), ["not valid JSON", "unexpected text after"])
        try expectRefused(safetensorsBytes(#"{"a":"unterminated"#), ["not valid JSON", "not closed"])
        // Bytes that are not UTF-8.
        try expectRefused(safetensorsBytes(#"{"\#u{FF}":{}}"#).map { $0 == 0xC3 ? 0xFF : $0 }, ["not UTF-8"])
        // A name given twice.
        try expectRefused(safetensorsBytes(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"#
                                           + #""a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]),
                          ["duplicate key \"a\""])
        // Deep nesting is refused, not recursed into until the stack runs out.
        let deep = #"{"__metadata__":"# + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
        try expectRefused(safetensorsBytes(deep), ["nested deeper than"])
    }

    @Test func unknownDtypeIsRefused() throws {
        try expectRefused(safetensorsBytes(#"{"w":{"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]}}"#, data: [0]),
                          ["tensor \"w\"", "unsupported dtype \"F8_E4M3\"", "F32"])
        try expectRefused(safetensorsBytes(#"{"w":{"dtype":7,"shape":[1],"data_offsets":[0,1]}}"#, data: [0]),
                          ["tensor \"w\"", "dtype is the number 7"])
    }

    @Test func metadataMustMapStringsToStrings() throws {
        try expectRefused(safetensorsBytes(#"{"__metadata__":{"epoch":3}}"#), ["__metadata__ entry \"epoch\"", "expected a string"])
        try expectRefused(safetensorsBytes(#"{"__metadata__":["a"]}"#), ["__metadata__ is an array"])
    }

    @Test func flippedDataByteIsACorruptFile() throws {
        let good = Safetensors.encode(["w": randomTensor([10, 10], seed: 1)], metadata: ["epoch": "3"])
        var bad = [UInt8](good)
        bad[bad.count - 7] ^= 0x10
        let path = try tmp.write(bad, "flipped.safetensors")
        expectLatentError([path, "checksum mismatch: the file is corrupt"]) { _ = try Safetensors.load(from: URL(fileURLWithPath: path)) }
        expectLatentError([path, "checksum mismatch"]) { _ = try Safetensors.metadata(from: URL(fileURLWithPath: path)) }
    }

    /// Every single-bit flip in the length and the header is refused or loads the same tensors and metadata.
    @Test func flippedHeaderBitsAreRefusedOrHarmless() throws {
        let tensors = ["encoder.weight": randomTensor([3, 2], seed: 2), "bias": Tensor([0.5, -1])]
        let metadata = ["epoch": "7", "family": "vae"]
        let good = [UInt8](Safetensors.encode(tensors, metadata: metadata))
        let headerEnd = 8 + Int(good[0]) + Int(good[1]) << 8
        var refused = 0
        for i in 0..<headerEnd {
            for bit in 0..<8 {
                var bytes = good
                bytes[i] ^= 1 << bit
                let url = URL(fileURLWithPath: try tmp.write(bytes, "h.safetensors"))
                do {
                    let loaded = try Safetensors.load(from: url)
                    #expect(Set(loaded.keys) == Set(tensors.keys), "byte \(i) bit \(bit)")
                    for (k, v) in tensors { #expect(loaded[k]?.shape == v.shape && loaded[k]?.scalars == v.scalars) }
                    // A flip in the checksum's own key leaves an unchecked file (as other tools write), whose
                    // content is intact: the same metadata plus the damaged key.
                    var loadedMetadata = try Safetensors.metadata(from: url)
                    let extra = loadedMetadata.keys.filter { metadata[$0] == nil }
                    #expect(extra.allSatisfy { $0.utf8.count == Safetensors.checksumKey.utf8.count }, "\(extra)")
                    for key in extra { loadedMetadata[key] = nil }
                    #expect(loadedMetadata == metadata)
                } catch let error as LatentError {
                    #expect(error.description.contains(url.path))
                    refused += 1
                }
            }
        }
        #expect(refused > headerEnd * 8 * 9 / 10)
    }

    /// 400 checkpoints with one byte anywhere set to a random value: each is refused or loads the same.
    @Test func randomlyMutatedCheckpointsNeverLoadChanged() throws {
        let tensors = ["w": randomTensor([6, 5], seed: 3), "b": randomTensor([5], seed: 4), "step": Tensor(scalar: 12)]
        let good = [UInt8](Safetensors.encode(tensors, metadata: ["epoch": "4", "family": "rbm"]))
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int(state >> 33) }
        var loaded = 0
        for _ in 0..<400 {
            var bytes = good
            let i = next() % bytes.count
            bytes[i] = UInt8(truncatingIfNeeded: bytes[i] &+ UInt8(1 + next() % 255))   // always a different value
            let url = URL(fileURLWithPath: try tmp.write(bytes, "m.safetensors"))
            guard let back = try? Safetensors.load(from: url) else { continue }
            loaded += 1
            #expect(Set(back.keys) == Set(tensors.keys) && tensors.allSatisfy { back[$0.key]?.scalars == $0.value.scalars },
                    "byte \(i) changed, the file loaded with other values")
        }
        // Only a change inside the checksum's own key name (12 of about 400 bytes) leaves a loadable, intact file.
        #expect(loaded < 40, "\(loaded) of 400 mutated files loaded")
    }

    @Test func filesFromOtherToolsLoadWithTheirDtypes() throws {
        // No checksum, other dtypes, a zero-size tensor, escapes and spaces in the JSON.
        var data: [UInt8] = []
        for v in [1.5, -2.0] { withUnsafeBytes(of: v.bitPattern.littleEndian) { data += $0 } }   // F64 [2]
        withUnsafeBytes(of: Int64(-3).littleEndian) { data += $0 }                             // I64 [1]
        data += [1, 0]                                                                         // BOOL [2]
        withUnsafeBytes(of: Float16(0.25).bitPattern.littleEndian) { data += $0 }              // F16 [1]
        let header = #"{ "__metadata__": {"format": "pt"}, "d": {"dtype": "F64", "shape": [2], "data_offsets": [0, 16]}, "#
            + #""i": {"dtype": "I64", "shape": [1, 1], "data_offsets": [16, 24]}, "empty": {"dtype": "F32", "shape": [0, 3], "data_offsets": [24, 24]}, "#
            + #""mäsk": {"dtype": "BOOL", "shape": [2], "data_offsets": [24, 26]}, "h": {"dtype": "F16", "shape": [], "data_offsets": [26, 28]}}  "#
        let path = try tmp.write(safetensorsBytes(header, data: data), "other.safetensors")
        let url = URL(fileURLWithPath: path)
        let t = try Safetensors.load(from: url)
        #expect(t["d"]?.scalars == [1.5, -2] && t["i"]?.shape == [1, 1] && t["i"]?.scalars == [-3])
        #expect(t["empty"]?.shape == [0, 3] && t["mäsk"]?.scalars == [1, 0] && t["h"]?.shape == [] && t["h"]?.scalars == [0.25])
        #expect(try Safetensors.metadata(from: url) == ["format": "pt"])
        #expect(try Safetensors.header(from: url).checksum == nil)
    }

    @Test func crc32MatchesTheStandardCheckValue() {
        #expect(Checksum.crc32(Data("123456789".utf8)) == 0xCBF4_3926)
        #expect(Checksum.crc32(Data("56789".utf8), continuing: Checksum.crc32(Data("1234".utf8))) == 0xCBF4_3926)
        #expect(Checksum.crc32(Data()) == 0)
    }
}

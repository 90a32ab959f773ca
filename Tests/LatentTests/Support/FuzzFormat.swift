import Foundation
import Testing
@testable import Latent
import LatentFuzzing

/// A file format the fuzz tests attack, with its reader, its seed inputs and
/// the crash inputs kept from earlier fuzzing.
///
/// Seeds live in `Fixtures/fuzz/seeds/<reader>/` (made by
/// scripts/make-fuzz-seeds.py) plus a few written here by Latent's own
/// writers. `Fixtures/fuzz/regressions/<reader>/` holds the crash inputs
/// `make fuzz` found (`crash-…`, `timeout-…`, `oom-…`) and hand-made hostile
/// inputs (`hostile-…`: overflowing sizes, huge claims); every test run
/// replays them.
///
/// ```swift
/// for seed in try FuzzFormat.npy.seeds() { try FuzzFormat.npy.read(path) }
/// ```
enum FuzzFormat: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case idx, idxGzip = "idx-gzip", npy, png, csv, safetensors

    var testDescription: String { rawValue }

    /// The fixture folder of the reader (IDX and gzipped IDX share one, as they share the reader).
    var reader: String { self == .idxGzip ? "idx" : rawValue }

    /// Runs the reader the CLI uses for this format on `path`; throws what it throws.
    /// `variant` picks the reading option that changes the reader's path: the
    /// alpha mode for PNG, the label column for CSV (variant 0 is the default).
    func read(_ path: String, variant: Int = 0) throws {
        try FuzzReader(rawValue: reader)!.read(path, variant: variant)
    }

    /// The valid inputs mutants start from, by name.
    func seeds() throws -> [(name: String, bytes: [UInt8])] {
        let gzipped = { (name: String) in name.hasSuffix(".gz") }
        var seeds = try FuzzFixtures.files(in: "seeds/\(reader)").filter {
            switch self {
            case .idx: !gzipped($0.name)
            case .idxGzip: gzipped($0.name)
            default: true
            }
        }
        switch self {
        case .npy:
            seeds.append(("NPY.encode", [UInt8](NPY.encode(Tensor([0.5, -1, 2, 1e-3, 7, 0], shape: [2, 3])))))
        case .safetensors:
            // Latent's own checkpoints carry a checksum, which the reader verifies.
            let tensors = ["encoder.weight": Tensor([1, 2, 3, 4], shape: [2, 2]), "bias": Tensor([0.25], shape: [1])]
            seeds.append(("Safetensors.encode", [UInt8](Safetensors.encode(tensors, metadata: ["family": "vae"]))))
        case .png:
            let image = PNGImage(width: 3, height: 2, channels: 3, pixels: (0..<18).map { UInt8($0 * 14) })
            seeds.append(("PNGImage.encoded", [UInt8](try image.encoded())))
        default: break
        }
        return seeds
    }

    /// The kept crash inputs and hostile inputs for this format's reader.
    func regressions() throws -> [(name: String, bytes: [UInt8])] {
        try FuzzFixtures.files(in: "regressions/\(reader)")
    }
}

/// The files under Tests/LatentTests/Fixtures/fuzz.
enum FuzzFixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/fuzz")

    /// Every regular, non-hidden file in `folder` (relative to the root), sorted by name; none when it does not exist.
    static func files(in folder: String) throws -> [(name: String, bytes: [UInt8])] {
        let url = root.appendingPathComponent(folder)
        guard FileManager.default.fileExists(atPath: url.path) else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
            .filter { !$0.hasPrefix(".") }
            .map { ($0, [UInt8](try Data(contentsOf: url.appendingPathComponent($0)))) }
    }
}

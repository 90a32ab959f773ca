import Foundation
import Testing
@testable import Latent

/// `latent data pack` run as a user would: an 8-bit .npy of the tiny bars packed
/// into uncompressed IDX files, and a VAE trained for one epoch on each gives
/// the same losses.
@Suite struct DataPackEndToEndTests: CommandLineSuite {
    let tmp = ScratchFolder()

    /// The tiny bars as a uint8 .npy (with its labels beside it).
    func bytes() throws -> String {
        let floats = try TinyData.write(into: tmp.path)
        let images = try NPY.read(floats)
        let payload = images.scalars.map { UInt8(($0 * 255).rounded()) }
        var header = Array("{'descr': '|u1', 'fortran_order': False, 'shape': (\(images.shape.map(String.init).joined(separator: ", "))), }".utf8)
        while (10 + header.count + 1) % 64 != 0 { header.append(0x20) }
        header.append(0x0A)
        let bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count & 0xFF), UInt8(header.count >> 8)] + header + payload
        let path = tmp.file("bars8.npy")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        try FileManager.default.copyItem(atPath: tmp.file("bars-labels.npy"), toPath: tmp.file("bars8-labels.npy"))
        return path
    }

    @Test func packedDataTrainsToTheSameLosses() throws {
        let source = try bytes()
        let packed = tmp.file("packed")
        let result = try latent(["data", "pack", source, "--out", packed, "--json"])
        let object = json(result.output)
        #expect(object["train"] as? Int == 160 && object["test"] as? Int == 40)
        expectFiles(packed, ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"])
        #expect(size(packed + "/train-images-idx3-ubyte") == 16 + 160 * 28 * 28)
        for (name, data) in [("original", source), ("packed", packed)] {
            try latent(["train", "vae", "--data", data, "--epochs", "1", "--validation", "20", "--batch", "20", "--latent", "4",
                        "--hidden", "32", "--runs", runs, "--name", name])
        }
        let (a, b) = (lastEpoch(runs + "/original"), lastEpoch(runs + "/packed"))
        let losses = a.keys.filter { !["seconds", "images_per_sec"].contains($0) }
        #expect(losses.count >= 3, "\(a)")
        for key in losses {
            #expect((a[key] as? Double) == (b[key] as? Double), "\(key): \(a[key] ?? "-") vs \(b[key] ?? "-")")
        }
        // A file given as --out is refused in one line.
        let refused = try latent(["data", "pack", source, "--out", source], status: 1)
        #expect(refused.error.contains("is a file"))
    }
}

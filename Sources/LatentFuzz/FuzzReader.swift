import Foundation
import Latent

/// One of Latent's file readers, run on a file exactly as the CLI runs it, with
/// a small size limit: the unit the fuzz targets and the replay tool drive.
///
/// ```swift
/// let outcome = try FuzzReader.npy.run(onFile: "crash-1234")   // .loaded or .refused(message)
/// ```
enum FuzzReader: String, CaseIterable {
    case idx, npy, png, csv, safetensors

    /// The most bytes any reader may allocate or inflate while fuzzing (64 MiB).
    static let maxBytes = 64 << 20

    /// What a reader made of one input.
    enum Outcome {
        case loaded
        case refused(String)
    }

    /// Runs the reader on `path`: `.loaded` when it accepted the file, `.refused`
    /// with the message of the `LatentError` it threw. Any other error is
    /// rethrown: every reader must refuse bad input with a `LatentError`.
    func run(onFile path: String) throws -> Outcome {
        do {
            try read(path)
            return .loaded
        } catch let error as LatentError {
            return .refused(error.description)
        }
    }

    private func read(_ path: String) throws {
        var reading = ReadOptions()
        reading.maxBytes = FuzzReader.maxBytes
        switch self {
        case .idx: _ = try IDX.read(path, maxBytes: reading.maxBytes)
        case .npy: _ = try NPY.read(path, maxBytes: reading.maxBytes)
        case .png: _ = try PNGImage.read(path)
        case .csv: _ = try CSVImages.read(path, labelColumn: reading.labelColumn, maxBytes: reading.maxBytes)
        case .safetensors: _ = try Safetensors.load(from: URL(fileURLWithPath: path))
        }
    }
}

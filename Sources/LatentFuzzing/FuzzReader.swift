import Foundation
import Latent

/// One of Latent's file readers, run on a file exactly as the CLI runs it, with
/// a small size limit: the unit the fuzz targets and the replay tool drive.
///
/// ```swift
/// let outcome = try FuzzReader.npy.run(onFile: "crash-1234")   // .loaded or .refused(message)
/// ```
public enum FuzzReader: String, CaseIterable, Sendable {
    case idx, npy, png, csv, safetensors

    /// The most bytes any reader may allocate or inflate while fuzzing (64 MiB).
    public static let maxBytes = 64 << 20

    /// What a reader made of one input.
    public enum Outcome {
        case loaded
        case refused(String)
    }

    /// Runs the reader on `path`: `.loaded` when it accepted the file, `.refused`
    /// with the message of the `LatentError` it threw. Any other error is
    /// rethrown: every reader must refuse bad input with a `LatentError`.
    /// The file's size picks the reading option that changes the reader's path
    /// (the alpha mode for PNG, the label column for CSV), so a crash input
    /// replays exactly as it was fuzzed.
    public func run(onFile path: String) throws -> Outcome {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        do {
            try read(path, variant: size)
            return .loaded
        } catch let error as LatentError {
            return .refused(error.description)
        }
    }

    /// Runs the reader on `path` with reading option `variant` (0 is the default);
    /// throws what the reader throws.
    public func read(_ path: String, variant: Int = 0) throws {
        var reading = ReadOptions(maxBytes: FuzzReader.maxBytes)
        reading.alpha = ReadOptions.Alpha.allCases[variant % ReadOptions.Alpha.allCases.count]
        reading.labelColumn = CSVImages.LabelColumn.allCases[variant % CSVImages.LabelColumn.allCases.count]
        switch self {
        case .idx: _ = try IDX.read(path, maxBytes: reading.maxBytes)
        case .npy: _ = try NPY.read(path, maxBytes: reading.maxBytes)
        case .png: _ = try PNGReader.read(path, reading: reading)
        case .csv: _ = try CSVImages.read(path, labelColumn: reading.labelColumn, maxBytes: reading.maxBytes)
        case .safetensors:
            // The header-only reader (used to check a checkpoint's layout) first, then the full load.
            let url = URL(fileURLWithPath: path)
            _ = try Safetensors.header(from: url)
            _ = try Safetensors.load(from: url)
        }
    }
}

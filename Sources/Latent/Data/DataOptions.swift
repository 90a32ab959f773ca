/// How a data set is loaded and prepared for training; saved in each run's config.
///
/// ```swift
/// var options = DataOptions(source: "fashion-mnist")
/// options.binarize = .dynamic
/// options.limit = 5_000
/// let data = try PreparedData.load(options)
/// ```
public struct DataOptions: Codable, Sendable, Equatable {
    /// Value range the pixels are mapped to (see `PixelRange`).
    public typealias Scale = PixelRange

    /// Turning gray levels into 0/1 pixels.
    public enum Binarization: String, Codable, Sendable, CaseIterable {
        case none
        /// 1 where the pixel is above 0.5, once.
        case threshold
        /// One Bernoulli draw per pixel, fixed for the whole run (seeded).
        case fixed
        /// A fresh Bernoulli draw every time a batch is formed.
        case dynamic
    }

    /// A registered name (`fashion-mnist`, `mnist`) or a path (IDX folder, .npy, .csv, folder of PNGs).
    public var source: String
    public var scale: Scale = .unit
    public var binarize: Binarization = .none
    /// Images held out of the training split for validation.
    public var validation: Int = 5_000
    /// Use at most this many training images (after the validation split), for quick runs.
    public var limit: Int?
    /// Seed of the validation split and of binarization draws.
    public var seed: UInt64 = 0
    /// For CSV files: where the label column is.
    public var labelColumn: CSVImages.LabelColumn = .first
    /// For PNG files: what to do with transparency (nil: drop it).
    public var alpha: ReadOptions.Alpha?
    /// The most bytes one file may hold once decompressed (nil: `ReadOptions.defaultMaxBytes`).
    public var maxBytes: Int?

    public init(source: String) { self.source = source }

    /// The reader settings these options ask for.
    public var reading: ReadOptions {
        ReadOptions(labelColumn: labelColumn, alpha: alpha ?? .drop, maxBytes: maxBytes ?? ReadOptions.defaultMaxBytes)
    }
}

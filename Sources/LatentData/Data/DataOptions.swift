/// How a data set is loaded and prepared for training; saved in each run's config.
///
/// `limit` counts training images only; a smaller test set is asked for
/// separately with `testLimit`, so a quick run never silently shrinks the
/// images its scores are measured on.
///
/// ```swift
/// var options = DataOptions(source: "fashion-mnist")
/// options.binarize = .dynamic
/// options.limit = 5_000        // training images
/// options.testLimit = 1_000    // test images (the same fixed subset for every run)
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
    /// Images held out of the training split for validation; nil: the default,
    /// `DataOptions.defaultValidation(trainingImages:)` (10 %, at most 5,000).
    /// Configurations written before the default was a fraction record 5,000 explicitly.
    public var validation: Int?
    /// Use at most this many training images (after the validation split), for quick runs.
    /// It never changes the validation or test split.
    public var limit: Int?
    /// Use at most this many test images: a fixed random subset of the test split,
    /// the same for every run on the data set (nil: all of them).
    public var testLimit: Int?
    /// Seed of the validation split and of binarization draws.
    public var seed: UInt64 = 0
    /// For CSV files: where the label column is.
    public var labelColumn: CSVImages.LabelColumn = .first
    /// For PNG files: what to do with transparency (nil: drop it).
    public var alpha: ReadOptions.Alpha?
    /// The most bytes one file may hold once decompressed (nil: `ReadOptions.defaultMaxBytes`).
    public var maxBytes: Int?

    public init(source: String) { self.source = source }

    /// The default validation split: 10 % of the training images, at most 5,000.
    ///
    /// ```swift
    /// DataOptions.defaultValidation(trainingImages: 60_000)   // 5_000
    /// DataOptions.defaultValidation(trainingImages: 800)      // 80
    /// ```
    public static func defaultValidation(trainingImages: Int) -> Int {
        Swift.min(trainingImages / 10, 5_000)
    }

    /// The validation images these options hold out of `trainingImages`.
    public func validationCount(trainingImages: Int) -> Int {
        validation ?? DataOptions.defaultValidation(trainingImages: trainingImages)
    }

    /// The reader settings these options ask for.
    public var reading: ReadOptions {
        ReadOptions(labelColumn: labelColumn, alpha: alpha ?? .drop, maxBytes: maxBytes ?? ReadOptions.defaultMaxBytes)
    }
}

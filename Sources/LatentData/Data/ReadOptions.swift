/// How image files are decoded and how much they may hold: the limits and
/// conversions every reader applies while it reads.
///
/// ```swift
/// var reading = ReadOptions()
/// reading.alpha = .white               // composite transparent PNG pixels onto white
/// reading.maxBytes = 512 << 20         // refuse any file that inflates past 512 MiB
/// let source = try DatasetRegistry.load("faces/", reading: reading)
/// ```
public struct ReadOptions: Sendable, Equatable {
    /// What happens to a PNG's alpha channel.
    public enum Alpha: String, Codable, Sendable, CaseIterable {
        /// Keep the colour samples as stored and drop alpha (what PIL's `convert("RGB")`,
        /// torchvision and TensorFlow give).
        case drop
        /// Composite onto a black background.
        case black
        /// Composite onto a white background.
        case white
    }

    /// 4 GiB: more than any data set of the course, less than a decompression bomb.
    public static let defaultMaxBytes = 4 << 30

    /// For CSV files: where the label column is.
    public var labelColumn: CSVImages.LabelColumn = .first
    /// For PNG files: what to do with transparency.
    public var alpha: Alpha = .drop
    /// The most bytes one file may hold once decompressed (and the most pixels
    /// times 4 one decoded image set may need).
    public var maxBytes: Int = ReadOptions.defaultMaxBytes

    public init(labelColumn: CSVImages.LabelColumn = .first, alpha: Alpha = .drop, maxBytes: Int = ReadOptions.defaultMaxBytes) {
        self.labelColumn = labelColumn
        self.alpha = alpha
        self.maxBytes = maxBytes
    }
}

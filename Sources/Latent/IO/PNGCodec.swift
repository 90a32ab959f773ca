import CPNG
import Foundation

/// An 8-bit image: gray (1 channel) or RGB (3 channels), rows top to bottom,
/// channels interleaved. Read and written with libpng's simplified API.
///
/// ```swift
/// let img = try PNGImage.read("digit.png")
/// try PNGImage(width: 2, height: 1, channels: 1, pixels: [0, 255]).write(to: "pair.png")
/// ```
public struct PNGImage: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public let channels: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        precondition(channels == 1 || channels == 3, "PNGImage supports 1 or 3 channels, got \(channels)")
        precondition(pixels.count == width * height * channels, "\(pixels.count) bytes for \(width)×\(height)×\(channels)")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// Encodes as PNG and writes atomically.
    public func write(to path: String) throws {
        try AtomicFile.write(encoded(), to: URL(fileURLWithPath: path))
    }

    /// The PNG file's bytes.
    public func encoded() throws -> Data {
        var image = png_image()
        image.version = png_uint_32(PNG_IMAGE_VERSION)
        image.width = png_uint_32(width)
        image.height = png_uint_32(height)
        image.format = channels == 3 ? png_uint_32(PNG_FORMAT_RGB) : png_uint_32(PNG_FORMAT_GRAY)
        var size: Int = 0
        let stride = Int32(width * channels)
        let ok1 = pixels.withUnsafeBytes { png_image_write_to_memory(&image, nil, &size, 0, $0.baseAddress, stride, nil) }
        guard ok1 != 0, size > 0 else { throw LatentError.invalidArgument("PNG encoding failed: \(PNGImage.message(&image))") }
        var out = Data(count: size)
        let ok2 = out.withUnsafeMutableBytes { dst in
            pixels.withUnsafeBytes { png_image_write_to_memory(&image, dst.baseAddress, &size, 0, $0.baseAddress, stride, nil) }
        }
        guard ok2 != 0 else { throw LatentError.invalidArgument("PNG encoding failed: \(PNGImage.message(&image))") }
        return out.prefix(size)
    }

    /// Reads a PNG as gray when it has no colour, as RGB otherwise (alpha is
    /// composited onto black). Errors name the file.
    public static func read(_ path: String) throws -> PNGImage {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LatentError.invalidFile(path: path, reason: "cannot read the file (missing or unreadable)")
        }
        return try decode(data, path: path)
    }

    public static func decode(_ data: Data, path: String) throws -> PNGImage {
        var image = png_image()
        image.version = png_uint_32(PNG_IMAGE_VERSION)
        let began = data.withUnsafeBytes { png_image_begin_read_from_memory(&image, $0.baseAddress, data.count) }
        guard began != 0 else {
            throw LatentError.invalidFile(path: path, reason: "not a readable PNG (\(message(&image)))")
        }
        let color = (image.format & png_uint_32(PNG_FORMAT_FLAG_COLOR)) != 0
        image.format = color ? png_uint_32(PNG_FORMAT_RGB) : png_uint_32(PNG_FORMAT_GRAY)
        let channels = color ? 3 : 1
        let (w, h) = (Int(image.width), Int(image.height))
        guard w > 0, h > 0, w * h <= 1 << 28 else {
            png_image_free(&image)
            throw LatentError.invalidFile(path: path, reason: "unsupported PNG size \(w)×\(h)")
        }
        var pixels = [UInt8](repeating: 0, count: w * h * channels)
        let finished = pixels.withUnsafeMutableBytes { png_image_finish_read(&image, nil, $0.baseAddress, Int32(w * channels), nil) }
        guard finished != 0 else {
            throw LatentError.invalidFile(path: path, reason: "corrupt PNG data (\(message(&image)))")
        }
        return PNGImage(width: w, height: h, channels: channels, pixels: pixels)
    }

    private static func message(_ image: inout png_image) -> String {
        withUnsafeBytes(of: &image.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}

extension PNGImage {
    /// An image from a [C, H, W] tensor (C = 1 or 3) with values in [0, 1]
    /// (clamped; NaN shows as black).
    public init(tensor: Tensor) {
        precondition(tensor.rank == 3 && (tensor.shape[0] == 1 || tensor.shape[0] == 3),
                     "PNGImage(tensor:) wants [1 or 3, H, W], got \(tensor.shape)")
        let (c, h, w) = (tensor.shape[0], tensor.shape[1], tensor.shape[2])
        var bytes = [UInt8](repeating: 0, count: c * h * w)
        tensor.withData { p in
            for y in 0..<h { for x in 0..<w { for ch in 0..<c {
                let v = p[(ch * h + y) * w + x]
                bytes[(y * w + x) * c + ch] = v.isNaN ? 0 : UInt8((Swift.min(Swift.max(v, 0), 1) * 255).rounded())
            } } }
        }
        self.init(width: w, height: h, channels: c, pixels: bytes)
    }

    /// The image as a [C, H, W] tensor scaled to [0, 1].
    public var tensor: Tensor {
        var t = Tensor.zeros([channels, height, width])
        t.withMutableData { p in
            for y in 0..<height { for x in 0..<width { for ch in 0..<channels {
                p[(ch * height + y) * width + x] = Float(pixels[(y * width + x) * channels + ch]) / 255
            } } }
        }
        return t
    }
}

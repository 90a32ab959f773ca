import CPNG
import CPNGDecode
import Foundation
import LatentTensor

/// An 8-bit image to write: gray (1 channel) or RGB (3 channels), rows top to
/// bottom, channels interleaved. Written with libpng's simplified API; reading
/// is `PNGReader`'s job.
///
/// ```swift
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

// MARK: - Reading

/// What a PNG's IHDR chunk says, checked: the size and the sample format.
///
/// ```swift
/// let header = try PNGHeader(Data(contentsOf: url), path: url.path)
/// print(header.width, header.height, header.channels)   // 32 32 3
/// ```
public struct PNGHeader: Equatable, Sendable {
    /// The most pixels per side a PNG may have here (PNG allows 2³¹−1).
    public static let maxSide = 65_535

    public let width: Int
    public let height: Int
    /// Bits per sample: 1, 2, 4, 8 or 16.
    public let bitDepth: Int
    /// PNG colour type: 0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA.
    public let colorType: Int
    public let interlaced: Bool

    /// Channels once decoded (alpha never counts): 1 for gray and gray+alpha,
    /// 3 for RGB, RGBA and palette.
    public var channels: Int { colorType & 2 != 0 ? 3 : 1 }

    /// Bytes of the filtered scanlines the IDAT stream must inflate to (for a
    /// non-interlaced image; interlacing only adds to it).
    public var scanlineBytes: Int {
        let samples = [0: 1, 2: 3, 3: 1, 4: 2, 6: 4][colorType, default: 4]
        return height * (1 + (width * samples * bitDepth + 7) / 8)
    }

    /// The decoded image's [C, H, W] shape.
    public var shape: [Int] { [channels, height, width] }

    /// Bytes of the decoded Float image: channels × height × width × 4. At most
    /// 3 × 65,535² × 4, so it cannot overflow.
    public var decodedBytes: Int { channels * height * width * MemoryLayout<Float>.size }

    /// Parses and checks the signature and IHDR at the start of `data`; `path`
    /// only names the file in errors.
    public init(_ data: Data, path: String) throws {
        func fail(_ reason: String) -> LatentError { .invalidFile(path: path, reason: reason) }
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        guard data.count >= 8, data.prefix(8).elementsEqual(signature) else {
            throw fail("not a PNG file (the 8-byte PNG signature is missing)")
        }
        guard data.count >= 33 else { throw fail("the file ends early (truncated inside the PNG header)") }
        let bytes = [UInt8](data.prefix(33))
        func u32(_ at: Int) -> Int { bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        guard u32(8) == 13, bytes[12..<16].elementsEqual("IHDR".utf8) else {
            throw fail("not a valid PNG (the first chunk must be a 13-byte IHDR)")
        }
        let (width, height) = (u32(16), u32(20))
        guard width > 0, height > 0 else { throw fail("the PNG header gives a size of \(width)×\(height) pixels; both sides must be at least 1") }
        guard width <= Self.maxSide, height <= Self.maxSide else {
            throw fail("the PNG header claims \(width)×\(height) pixels; at most \(Self.maxSide) per side is supported")
        }
        let (bitDepth, colorType) = (Int(bytes[24]), Int(bytes[25]))
        let depths: [Int: [Int]] = [0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16]]
        guard let allowed = depths[colorType], allowed.contains(bitDepth) else {
            throw fail("the PNG header has colour type \(colorType) with bit depth \(bitDepth), which PNG does not define")
        }
        guard bytes[26] == 0, bytes[27] == 0, bytes[28] <= 1 else {
            throw fail("the PNG header has compression \(bytes[26]), filter \(bytes[27]), interlace \(bytes[28]); expected 0, 0 and 0 or 1")
        }
        self.width = width
        self.height = height
        self.bitDepth = bitDepth
        self.colorType = colorType
        self.interlaced = bytes[28] == 1
    }
}

/// Reads PNG files as PIL, torchvision and TensorFlow do: the stored samples
/// scaled to [0, 1] (8-bit / 255, 16-bit / 65535, 1/2/4-bit gray to the full
/// range), palettes expanded through PLTE, no gamma/sRGB/ICC conversion. Gray
/// and gray+alpha give 1 channel; RGB, RGBA and palette give 3. Alpha (an alpha
/// channel or tRNS) is dropped or composited as `ReadOptions.alpha` says.
///
/// Sizes are checked against the header before anything is allocated; any
/// damage (truncation, bad CRC, bad zlib data) is one `LatentError` naming the file.
///
/// ```swift
/// let image = try PNGReader.read("digit.png")                 // [C, H, W] in [0, 1]
/// let onWhite = try PNGReader.read("logo.png", reading: ReadOptions(alpha: .white))
/// ```
public enum PNGReader {
    /// Reads one PNG file as a [C, H, W] tensor.
    public static func read(_ path: String, reading: ReadOptions = ReadOptions()) throws -> Tensor {
        let data = try contents(of: path, reading: reading)
        let header = try PNGHeader(data, path: path)
        try check(header, fileBytes: data.count, path: path, reading: reading)
        var image = Tensor(uninitializedShape: header.shape)
        try image.withMutableData { p in
            try decode(data, header: header, path: path, alpha: reading.alpha,
                       into: UnsafeMutableBufferPointer(start: p, count: header.shape.reduce(1, *)))
        }
        return image
    }

    /// A PNG file's bytes, refused when the file is larger than `reading.maxBytes`
    /// or not a regular file (so `/dev/zero` cannot be read forever).
    static func contents(of path: String, reading: ReadOptions) throws -> Data {
        let url = URL(fileURLWithPath: path).resolvingSymlinksInPath()
        let unreadable = LatentError.invalidFile(path: path, reason: "cannot read the file (missing or unreadable)")
        guard let values = try? url.resourceValues(forKeys: [.fileSizeKey, .isRegularFileKey]) else { throw unreadable }
        guard values.isRegularFile == true, let size = values.fileSize else {
            throw LatentError.invalidFile(path: path, reason: "not a regular file (a folder, device or pipe cannot be read as a PNG)")
        }
        guard size <= reading.maxBytes else {
            throw LatentError.invalidFile(path: path, reason: "the file has \(size) bytes, more than the limit of \(reading.maxBytes) bytes (--max-bytes)")
        }
        guard let data = try? Data(contentsOf: url) else { throw unreadable }
        return data
    }

    /// Refuses, before anything is allocated, an image whose decoded Float size
    /// exceeds `reading.maxBytes`, or whose file (`fileBytes` long) is too short to
    /// hold its pixels even at deflate's best ratio (1032:1).
    static func check(_ header: PNGHeader, fileBytes: Int, path: String, reading: ReadOptions) throws {
        guard header.decodedBytes <= reading.maxBytes else {
            throw LatentError.invalidFile(path: path, reason: "a \(header.width)×\(header.height)×\(header.channels) image needs \(header.decodedBytes) bytes once decoded, more than the limit of \(reading.maxBytes) bytes (--max-bytes)")
        }
        let (reachable, overflow) = fileBytes.multipliedReportingOverflow(by: 1032)
        guard overflow || header.scanlineBytes <= reachable + 1032 else {
            throw LatentError.invalidFile(path: path, reason: "the header claims \(header.width)×\(header.height) pixels, but \(fileBytes) bytes cannot hold them (truncated or forged)")
        }
    }

    /// Decodes `data`, whose header is `header`, into `destination` as planar
    /// [C, H, W] floats; `destination` must hold exactly C·H·W values.
    static func decode(_ data: Data, header: PNGHeader, path: String, alpha: ReadOptions.Alpha,
                       into destination: UnsafeMutableBufferPointer<Float>) throws {
        precondition(destination.count == header.shape.reduce(1, *), "destination of \(destination.count) floats for \(header.shape)")
        let mode: latent_png_alpha = switch alpha {
        case .drop: LATENT_PNG_ALPHA_DROP
        case .black: LATENT_PNG_ALPHA_BLACK
        case .white: LATENT_PNG_ALPHA_WHITE
        }
        var request = latent_png_request(width: UInt32(header.width), height: UInt32(header.height),
                                         channels: UInt32(header.channels), alpha: mode,
                                         chunk_malloc_max: chunkMallocMax, destination: destination.baseAddress,
                                         destination_count: destination.count)
        var message = [CChar](repeating: 0, count: 256)
        let status = data.withUnsafeBytes { bytes in
            latent_png_decode(bytes.bindMemory(to: UInt8.self).baseAddress, bytes.count, &request, &message, message.count)
        }
        guard status == 0 else {
            let reason = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw LatentError.invalidFile(path: path, reason: "corrupt or unreadable PNG (\(reason))")
        }
    }

    /// The most libpng may allocate for one chunk (PLTE and tRNS are tiny; other
    /// ancillary chunks are skipped unread).
    static let chunkMallocMax = 1 << 20
}

import LatentTensor
import LatentData

/// A mutable RGB raster (floats in [0, 1]) that images, grids and captions
/// are drawn into before encoding as PNG.
public struct Canvas {
    public let width: Int
    public let height: Int
    /// Interleaved RGB, row-major.
    public private(set) var pixels: [Float]

    public init(width: Int, height: Int, background: Float = 1) {
        self.width = width
        self.height = height
        pixels = [Float](repeating: background, count: width * height * 3)
    }

    public mutating func setPixel(_ x: Int, _ y: Int, _ rgb: (Float, Float, Float)) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let i = (y * width + x) * 3
        pixels[i] = rgb.0; pixels[i + 1] = rgb.1; pixels[i + 2] = rgb.2
    }

    /// Draws a [C, H, W] image (C = 1 or 3, values in [0, 1]) with its top-left corner at (x, y), scaled by an integer factor.
    public mutating func draw(image: Tensor, x: Int, y: Int, scale: Int = 1) {
        precondition(image.rank == 3, "draw(image:) wants [C, H, W], got \(image.shape)")
        let (c, h, w) = (image.shape[0], image.shape[1], image.shape[2])
        image.withData { p in
            for iy in 0..<h { for ix in 0..<w {
                func value(_ ch: Int) -> Float {
                    let v = p[(Swift.min(ch, c - 1) * h + iy) * w + ix]
                    return v.isNaN ? 0 : Swift.min(Swift.max(v, 0), 1)
                }
                let rgb = (value(0), value(1), value(2))
                for sy in 0..<scale { for sx in 0..<scale { setPixel(x + ix * scale + sx, y + iy * scale + sy, rgb) } }
            } }
        }
    }

    /// Writes `text` in the pixel font with its top-left corner at (x, y).
    public mutating func draw(text: String, x: Int, y: Int, color: (Float, Float, Float) = (0, 0, 0), scale: Int = 1) {
        for (i, ch) in text.enumerated() {
            for gy in 0..<PixelFont.glyphHeight { for gx in 0..<PixelFont.glyphWidth where PixelFont.isInk(ch, x: gx, y: gy) {
                for sy in 0..<scale { for sx in 0..<scale {
                    setPixel(x + (i * PixelFont.advance + gx) * scale + sx, y + gy * scale + sy, color)
                } }
            } }
        }
    }

    /// Gray when every pixel is gray, RGB otherwise.
    public func pngImage() -> PNGImage {
        var gray = true
        var i = 0
        while i < pixels.count { if pixels[i] != pixels[i + 1] || pixels[i] != pixels[i + 2] { gray = false; break }; i += 3 }
        func byte(_ v: Float) -> UInt8 { UInt8((Swift.min(Swift.max(v, 0), 1) * 255).rounded()) }
        if gray {
            return PNGImage(width: width, height: height, channels: 1, pixels: stride(from: 0, to: pixels.count, by: 3).map { byte(pixels[$0]) })
        }
        return PNGImage(width: width, height: height, channels: 3, pixels: pixels.map(byte))
    }
}

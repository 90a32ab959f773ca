import LatentTensor
import LatentData

/// Tiles a batch of images into one picture: an n×m collage with padding,
/// optional captions above columns of blocks ("real", "generated"), and
/// optional per-image normalisation (for filters).
///
/// ```swift
/// // 100 samples as a 10×10 collage
/// try ImageGrid(images: samples, columns: 10).render().write(to: "samples.png")
/// // 16 real beside 16 reconstructed, captioned
/// try ImageGrid.sideBySide([real, reconstructed], captions: ["real", "reconstructed"], columns: 4)
///     .write(to: "reconstructions.png")
/// ```
public struct ImageGrid {
    public var images: Tensor
    public var columns: Int
    public var padding = 2
    public var scale = 1
    /// Stretch each image to [0, 1] on its own (filters, whose range is arbitrary).
    public var normalizeEach = false
    /// Text drawn above the grid.
    public var title: String?
    /// Short labels drawn under each image (e.g. class names), if any.
    public var labels: [String]?
    public var background: Float = 1

    /// `images` is [N, C, H, W] or [N, H·W] (square gray images).
    public init(images: Tensor, columns: Int? = nil) {
        self.images = ImageGrid.asImages(images)
        let n = self.images.shape[0]
        self.columns = columns ?? Swift.max(1, Int(Double(n).squareRoot().rounded(.up)))
        // Small images (MNIST-sized) are drawn at twice their size so they can be seen.
        scale = self.images.shape[2] <= 32 ? 2 : 1
    }

    static func asImages(_ t: Tensor) -> Tensor {
        if t.rank == 4 { return t }
        if t.rank == 3 { return t.reshaped([t.shape[0], 1, t.shape[1], t.shape[2]]) }
        precondition(t.rank == 2, "ImageGrid wants [N, C, H, W] or [N, H·W], got \(t.shape)")
        let side = Int(Double(t.shape[1]).squareRoot().rounded())
        if side * side == t.shape[1] { return t.reshaped([t.shape[0], 1, side, side]) }
        let rgbSide = Int(Double(t.shape[1] / 3).squareRoot().rounded())
        precondition(rgbSide * rgbSide * 3 == t.shape[1], "rows of \(t.shape[1]) values are not square images")
        return t.reshaped([t.shape[0], 3, rgbSide, rgbSide])
    }

    /// Lays out the grid on a canvas.
    public func canvas() -> Canvas {
        let (n, h, w) = (images.shape[0], images.shape[2], images.shape[3])
        let rows = (n + columns - 1) / columns
        let cellW = w * scale + padding, cellH = h * scale + padding + (labels == nil ? 0 : PixelFont.glyphHeight + 2)
        let top = title == nil ? 0 : PixelFont.glyphHeight + 6
        let width = Swift.max(columns * cellW + padding, title.map { PixelFont.width(of: $0) + 2 * padding } ?? 0)
        var canvas = Canvas(width: width, height: top + rows * cellH + padding, background: background)
        if let title { canvas.draw(text: title, x: padding, y: 3) }
        for i in 0..<n {
            var image = images.rows(i..<(i + 1)).reshaped(Array(images.shape.dropFirst()))
            if normalizeEach {
                let lo = image.minValue(), hi = image.maxValue()
                image = (image - lo) / Swift.max(hi - lo, 1e-8)
            }
            let x = padding + (i % columns) * cellW, y = top + padding + (i / columns) * cellH
            canvas.draw(image: image, x: x, y: y, scale: scale)
            if let labels, i < labels.count {
                canvas.draw(text: String(labels[i].prefix(Swift.max(1, (w * scale) / PixelFont.advance))), x: x, y: y + h * scale + 2)
            }
        }
        return canvas
    }

    public func render() -> PNGImage { canvas().pngImage() }

    /// Several grids of the same shape side by side, each with a caption above it.
    public static func sideBySide(_ sets: [Tensor], captions: [String], columns: Int, padding: Int = 2, scale: Int = 1) -> PNGImage {
        precondition(sets.count == captions.count, "one caption per set")
        let grids = sets.map { set -> Canvas in
            var g = ImageGrid(images: set, columns: columns)
            g.padding = padding
            g.scale = scale
            return g.canvas()
        }
        let gap = 8
        let captionHeight = PixelFont.glyphHeight + 6
        let width = grids.map { Swift.max($0.width, 0) }.reduce(0, +) + gap * (grids.count - 1)
        let height = captionHeight + (grids.map(\.height).max() ?? 0)
        var canvas = Canvas(width: width, height: height)
        var x = 0
        for (grid, caption) in zip(grids, captions) {
            canvas.draw(text: caption, x: x + Swift.max(0, (grid.width - PixelFont.width(of: caption)) / 2), y: 3)
            for yy in 0..<grid.height { for xx in 0..<grid.width {
                let i = (yy * grid.width + xx) * 3
                canvas.setPixel(x + xx, captionHeight + yy, (grid.pixels[i], grid.pixels[i + 1], grid.pixels[i + 2]))
            } }
            x += grid.width + gap
        }
        return canvas.pngImage()
    }

    /// Sets of images as rows, one above the other, each row with its caption
    /// above it (noisy input, reconstruction, clean original, …).
    ///
    /// ```swift
    /// try ImageGrid.stackedRows([noisy, restored, clean], captions: ["noisy", "restored", "clean"]).write(to: "rows.png")
    /// ```
    public static func stackedRows(_ sets: [Tensor], captions: [String], padding: Int = 2, scale: Int = 2) -> PNGImage {
        precondition(sets.count == captions.count, "one caption per row")
        let rows = sets.map { set -> Canvas in
            var g = ImageGrid(images: set, columns: ImageGrid.asImages(set).shape[0])
            g.padding = padding
            g.scale = scale
            return g.canvas()
        }
        let captionHeight = PixelFont.glyphHeight + 4
        let width = Swift.max(rows.map(\.width).max() ?? 0, captions.map { PixelFont.width(of: $0) + 2 * padding }.max() ?? 0)
        var canvas = Canvas(width: width, height: rows.map { $0.height + captionHeight }.reduce(0, +))
        var y = 0
        for (row, caption) in zip(rows, captions) {
            canvas.draw(text: caption, x: padding, y: y + 2)
            y += captionHeight
            for yy in 0..<row.height { for xx in 0..<row.width {
                let i = (yy * row.width + xx) * 3
                canvas.setPixel(xx, y + yy, (row.pixels[i], row.pixels[i + 1], row.pixels[i + 2]))
            } }
            y += row.height
        }
        return canvas.pngImage()
    }

    /// Filters (rows of a weight matrix, one per hidden unit) shown as images,
    /// each stretched to its own range: the classic RBM / first-layer picture.
    public static func filters(_ weights: Tensor, imageShape: [Int], columns: Int? = nil, scale: Int = 1) -> PNGImage {
        precondition(weights.rank == 2 && weights.shape[1] == imageShape.reduce(1, *),
                     "filters: weights \(weights.shape) do not match images \(imageShape)")
        var grid = ImageGrid(images: weights.reshaped([weights.shape[0]] + imageShape), columns: columns)
        grid.normalizeEach = true
        grid.scale = scale
        grid.padding = 1
        grid.background = 0.5
        return grid.render()
    }
}

extension ImageGrid {
    /// Columns that make `count` images a near-square grid (⌈√count⌉, at least 1).
    ///
    /// ```swift
    /// ImageGrid.squareColumns(16)   // 4
    /// ImageGrid.squareColumns(17)   // 5
    /// ```
    public static func squareColumns(_ count: Int) -> Int {
        Swift.max(1, Int(Double(count).squareRoot().rounded(.up)))
    }
}

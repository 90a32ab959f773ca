/// Geometry of a 2-D convolution window sliding over an image batch.
public struct ConvGeometry: Equatable, Sendable {
    public let batch, channels, height, width: Int
    public let kernelHeight, kernelWidth: Int
    public let stride, padding: Int

    public init(batch: Int, channels: Int, height: Int, width: Int,
                kernelHeight: Int, kernelWidth: Int, stride: Int, padding: Int) {
        self.batch = batch; self.channels = channels; self.height = height; self.width = width
        self.kernelHeight = kernelHeight; self.kernelWidth = kernelWidth
        self.stride = stride; self.padding = padding
    }

    public var outputHeight: Int { (height + 2 * padding - kernelHeight) / stride + 1 }
    public var outputWidth: Int { (width + 2 * padding - kernelWidth) / stride + 1 }
    /// Rows of the column matrix: one per (channel, kernel row, kernel column).
    public var patchSize: Int { channels * kernelHeight * kernelWidth }
    /// Columns of the column matrix: one per (image, output row, output column).
    public var columnCount: Int { batch * outputHeight * outputWidth }
}

/// Unfolds image patches into a [patchSize, batch·Ho·Wo] matrix so that a
/// convolution becomes one GEMM for the whole batch. Padding reads as 0.
public func im2col(_ image: UnsafePointer<Float>, _ g: ConvGeometry, _ col: UnsafeMutablePointer<Float>) {
    let (ho, wo) = (g.outputHeight, g.outputWidth)
    let plane = ho * wo
    for c in 0..<g.channels {
        for ki in 0..<g.kernelHeight {
            for kj in 0..<g.kernelWidth {
                let row = col + ((c * g.kernelHeight + ki) * g.kernelWidth + kj) * g.columnCount
                // Output columns whose input column (ow·s - p + kj) is inside the image.
                let owLow = max(0, (g.padding - kj + g.stride - 1) / g.stride)
                let owHigh = min(wo, (g.width + g.padding - kj + g.stride - 1) / g.stride)
                for n in 0..<g.batch {
                    let src = image + (n * g.channels + c) * g.height * g.width
                    let dstImage = row + n * plane
                    for oh in 0..<ho {
                        let ih = oh * g.stride - g.padding + ki
                        let dst = dstImage + oh * wo
                        if ih < 0 || ih >= g.height || owLow >= owHigh {
                            dst.update(repeating: 0, count: wo)
                            continue
                        }
                        let srcRow = src + ih * g.width - g.padding + kj
                        if owLow > 0 { dst.update(repeating: 0, count: owLow) }
                        if g.stride == 1 {
                            (dst + owLow).update(from: srcRow + owLow, count: owHigh - owLow)
                        } else {
                            for ow in owLow..<owHigh { dst[ow] = srcRow[ow * g.stride] }
                        }
                        if owHigh < wo { (dst + owHigh).update(repeating: 0, count: wo - owHigh) }
                    }
                }
            }
        }
    }
}

/// The adjoint of `im2col`: adds every column entry back to the pixel it
/// came from. `image` must be zeroed (or hold values to add to) beforehand.
public func col2im(_ col: UnsafePointer<Float>, _ g: ConvGeometry, _ image: UnsafeMutablePointer<Float>) {
    let (ho, wo) = (g.outputHeight, g.outputWidth)
    let plane = ho * wo
    for c in 0..<g.channels {
        for ki in 0..<g.kernelHeight {
            for kj in 0..<g.kernelWidth {
                let row = col + ((c * g.kernelHeight + ki) * g.kernelWidth + kj) * g.columnCount
                let owLow = max(0, (g.padding - kj + g.stride - 1) / g.stride)
                let owHigh = min(wo, (g.width + g.padding - kj + g.stride - 1) / g.stride)
                if owLow >= owHigh { continue }
                for n in 0..<g.batch {
                    let dst = image + (n * g.channels + c) * g.height * g.width
                    let srcImage = row + n * plane
                    for oh in 0..<ho {
                        let ih = oh * g.stride - g.padding + ki
                        if ih < 0 || ih >= g.height { continue }
                        let src = srcImage + oh * wo
                        let dstRow = dst + ih * g.width - g.padding + kj
                        if g.stride == 1 {
                            addInPlace(dstRow + owLow, src + owLow, owHigh - owLow)
                        } else {
                            for ow in owLow..<owHigh { dstRow[ow * g.stride] += src[ow] }
                        }
                    }
                }
            }
        }
    }
}

/// [a, b, inner] → [b, a, inner]: swaps the two leading axes of a contiguous block.
public func swapLeadingAxes(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ a: Int, _ b: Int, inner: Int) {
    for i in 0..<a {
        for j in 0..<b {
            (dst + (j * a + i) * inner).update(from: src + (i * b + j) * inner, count: inner)
        }
    }
}

/// Geometry of a 2-D convolution window sliding over an image batch.
///
/// With dilation d the kernel's taps sit d pixels apart, so a k×k kernel
/// spans d·(k−1)+1 pixels (PyTorch's `dilation`); d = 1 is the ordinary window.
///
/// ```swift
/// let g = ConvGeometry(batch: 1, channels: 1, height: 7, width: 7, kernelHeight: 3, kernelWidth: 3,
///                      stride: 1, padding: 0, dilation: 2)
/// g.outputHeight   // (7 + 0 − 2·(3−1) − 1) / 1 + 1 = 3
/// ```
public struct ConvGeometry: Equatable, Sendable {
    public let batch, channels, height, width: Int
    public let kernelHeight, kernelWidth: Int
    public let stride, padding: Int
    /// Spacing between the kernel's taps (1: adjacent pixels).
    public let dilation: Int

    public init(batch: Int, channels: Int, height: Int, width: Int,
                kernelHeight: Int, kernelWidth: Int, stride: Int, padding: Int, dilation: Int = 1) {
        self.batch = batch; self.channels = channels; self.height = height; self.width = width
        self.kernelHeight = kernelHeight; self.kernelWidth = kernelWidth
        self.stride = stride; self.padding = padding; self.dilation = dilation
    }

    /// Pixels the kernel spans along the height: dilation·(kH − 1) + 1.
    public var effectiveKernelHeight: Int { dilation * (kernelHeight - 1) + 1 }
    /// Pixels the kernel spans along the width: dilation·(kW − 1) + 1.
    public var effectiveKernelWidth: Int { dilation * (kernelWidth - 1) + 1 }
    public var outputHeight: Int { (height + 2 * padding - effectiveKernelHeight) / stride + 1 }
    public var outputWidth: Int { (width + 2 * padding - effectiveKernelWidth) / stride + 1 }
    /// Rows of the column matrix: one per (channel, kernel row, kernel column).
    public var patchSize: Int { channels * kernelHeight * kernelWidth }
    /// Columns of the column matrix: one per (image, output row, output column).
    public var columnCount: Int { batch * outputHeight * outputWidth }
}

/// For one kernel tap (ki, kj): the input-plane offset each output
/// position reads, or -1 where it falls in the padding. The same table serves
/// every channel and image, so the copies below are flat gather/scatter loops.
/// The tap sits dilation·ki rows and dilation·kj columns into the window.
@inline(__always)
func patchOffsets(_ g: ConvGeometry, _ ki: Int, _ kj: Int, into table: inout [Int32]) {
    let (ho, wo) = (g.outputHeight, g.outputWidth)
    let (di, dj) = (ki * g.dilation, kj * g.dilation)
    for oh in 0..<ho {
        let ih = oh * g.stride - g.padding + di
        for ow in 0..<wo {
            let iw = ow * g.stride - g.padding + dj
            table[oh * wo + ow] = (ih >= 0 && ih < g.height && iw >= 0 && iw < g.width) ? Int32(ih * g.width + iw) : -1
        }
    }
}

/// Unfolds image patches into a [patchSize, batch·Ho·Wo] matrix so that a
/// convolution becomes one GEMM for the whole batch. Padding reads as 0.
public func im2col(_ image: UnsafePointer<Float>, _ g: ConvGeometry, _ col: UnsafeMutablePointer<Float>) {
    let plane = g.outputHeight * g.outputWidth
    let inPlane = g.height * g.width
    var table = [Int32](repeating: 0, count: plane)
    for ki in 0..<g.kernelHeight {
        for kj in 0..<g.kernelWidth {
            patchOffsets(g, ki, kj, into: &table)
            table.withUnsafeBufferPointer { t in
                for c in 0..<g.channels {
                    let row = col + ((c * g.kernelHeight + ki) * g.kernelWidth + kj) * g.columnCount
                    for n in 0..<g.batch {
                        let src = image + (n * g.channels + c) * inPlane
                        let dst = row + n * plane
                        for p in 0..<plane {
                            let o = Int(t[p])
                            dst[p] = o >= 0 ? src[o] : 0
                        }
                    }
                }
            }
        }
    }
}

/// The adjoint of `im2col`: adds every column entry back to the pixel it
/// came from. `image` must be zeroed (or hold values to add to) beforehand.
public func col2im(_ col: UnsafePointer<Float>, _ g: ConvGeometry, _ image: UnsafeMutablePointer<Float>) {
    let plane = g.outputHeight * g.outputWidth
    let inPlane = g.height * g.width
    var table = [Int32](repeating: 0, count: plane)
    for ki in 0..<g.kernelHeight {
        for kj in 0..<g.kernelWidth {
            patchOffsets(g, ki, kj, into: &table)
            table.withUnsafeBufferPointer { t in
                for c in 0..<g.channels {
                    let row = col + ((c * g.kernelHeight + ki) * g.kernelWidth + kj) * g.columnCount
                    for n in 0..<g.batch {
                        let dst = image + (n * g.channels + c) * inPlane
                        let src = row + n * plane
                        // For a fixed kernel offset no two positions share a pixel, so order does not matter.
                        for p in 0..<plane {
                            let o = Int(t[p])
                            if o >= 0 { dst[o] += src[p] }
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

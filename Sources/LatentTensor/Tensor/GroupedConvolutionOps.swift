/// Grouped convolutions (groups > 1; groups = channels is depthwise), reached
/// through `conv2d(…, groups:)` and `convTranspose2d(…, groups:)`.
///
/// The column matrix of `im2col` is ordered (channel, tap row, tap column) ×
/// (image, position), so the rows of one group's channels are one contiguous
/// block, and so are that group's rows of the weight and of the output. Each
/// group is therefore one GEMM on pointers into the shared buffers: the same
/// allocations as an ungrouped convolution, `groups` smaller products instead
/// of one.
extension Tensor {
    /// `conv2d` with `groups` > 1, geometry already checked.
    func groupedConv2d(weight: Tensor, bias: Tensor?, geometry g: ConvGeometry, groups: Int) -> Tensor {
        let outChannels = weight.shape[0]
        let (og, pg, cols) = (outChannels / groups, g.patchSize / groups, g.columnCount)
        let plane = g.outputHeight * g.outputWidth
        let col = Tensor(uninitializedShape: [g.patchSize, cols])
        im2col(storage.pointer, g, col.storage.pointer)
        let w = weight.detached()
        // Group i: Y[i·og ..< (i+1)·og, :] = W[i·og ..< …, pg] · col[i·pg ..< (i+1)·pg, :]
        let y = Tensor(uninitializedShape: [outChannels, cols])
        for i in 0..<groups {
            BLAS.sgemm(transA: false, transB: false, m: og, n: cols, k: pg, alpha: 1,
                       a: w.storage.pointer + i * og * pg, lda: pg, b: col.storage.pointer + i * pg * cols, ldb: cols,
                       beta: 0, c: y.storage.pointer + i * og * cols, ldc: cols)
        }
        let out = Tensor(uninitializedShape: [g.batch, outChannels, g.outputHeight, g.outputWidth])
        swapLeadingAxes(y.storage.pointer, out.storage.pointer, outChannels, g.batch, inner: plane)
        if let bias { out.addChannelBias(bias) }
        let (needX, needW) = (requiresGradient, weight.requiresGradient)
        let inputs = bias.map { [self, weight, $0] } ?? [self, weight]
        return Tensor.record("conv2d", out, inputs) { grad in
            let gy = Tensor(uninitializedShape: [outChannels, cols])
            swapLeadingAxes(grad.storage.pointer, gy.storage.pointer, g.batch, outChannels, inner: plane)
            var grads: [Tensor?] = [nil, nil]
            if needX {
                let dcol = Tensor(uninitializedShape: [g.patchSize, cols])
                for i in 0..<groups {
                    BLAS.sgemm(transA: true, transB: false, m: pg, n: cols, k: og, alpha: 1,
                               a: w.storage.pointer + i * og * pg, lda: pg, b: gy.storage.pointer + i * og * cols, ldb: cols,
                               beta: 0, c: dcol.storage.pointer + i * pg * cols, ldc: cols)
                }
                let dx = Tensor.zeros([g.batch, g.channels, g.height, g.width])
                col2im(dcol.storage.pointer, g, dx.storage.pointer)
                grads[0] = dx
            }
            if needW {
                let dw = Tensor(uninitializedShape: w.shape)
                for i in 0..<groups {
                    BLAS.sgemm(transA: false, transB: true, m: og, n: pg, k: cols, alpha: 1,
                               a: gy.storage.pointer + i * og * cols, lda: cols, b: col.storage.pointer + i * pg * cols, ldb: cols,
                               beta: 0, c: dw.storage.pointer + i * og * pg, ldc: pg)
                }
                grads[1] = dw
            }
            if bias != nil { grads.append(gy.rawSum(axis: 1).reshaped([outChannels])) }
            return grads
        }
    }

    /// `convTranspose2d` with `groups` > 1; `g` is the geometry of the matching forward convolution.
    func groupedConvTranspose2d(weight: Tensor, bias: Tensor?, geometry g: ConvGeometry, groups: Int) -> Tensor {
        let (n, cin, h, wdt) = (shape[0], shape[1], shape[2], shape[3])
        let (cout, oh, ow) = (g.channels, g.height, g.width)
        let plane = h * wdt
        let cols = n * plane
        let (ig, pg) = (cin / groups, g.patchSize / groups)
        let xT = Tensor(uninitializedShape: [cin, cols])
        swapLeadingAxes(storage.pointer, xT.storage.pointer, n, cin, inner: plane)
        let w = weight.detached()   // [Cin, Cout/groups·kk] per row
        // Group i: col[i·pg ..< (i+1)·pg, :] = W[i·ig ..< (i+1)·ig, pg]ᵀ · xT[i·ig ..< …, :]
        let col = Tensor(uninitializedShape: [g.patchSize, cols])
        for i in 0..<groups {
            BLAS.sgemm(transA: true, transB: false, m: pg, n: cols, k: ig, alpha: 1,
                       a: w.storage.pointer + i * ig * pg, lda: pg, b: xT.storage.pointer + i * ig * cols, ldb: cols,
                       beta: 0, c: col.storage.pointer + i * pg * cols, ldc: cols)
        }
        let out = Tensor.zeros([n, cout, oh, ow])
        col2im(col.storage.pointer, g, out.storage.pointer)
        if let bias { out.addChannelBias(bias) }
        let (needX, needW) = (requiresGradient, weight.requiresGradient)
        let inputs = bias.map { [self, weight, $0] } ?? [self, weight]
        let inShape = shape
        return Tensor.record("convTranspose2d", out, inputs) { grad in
            let gcol = Tensor(uninitializedShape: [g.patchSize, g.columnCount])
            im2col(grad.storage.pointer, g, gcol.storage.pointer)
            var grads: [Tensor?] = [nil, nil]
            if needX {
                let dxT = Tensor(uninitializedShape: [cin, cols])
                for i in 0..<groups {
                    BLAS.sgemm(transA: false, transB: false, m: ig, n: cols, k: pg, alpha: 1,
                               a: w.storage.pointer + i * ig * pg, lda: pg, b: gcol.storage.pointer + i * pg * cols, ldb: cols,
                               beta: 0, c: dxT.storage.pointer + i * ig * cols, ldc: cols)
                }
                let dx = Tensor(uninitializedShape: inShape)
                swapLeadingAxes(dxT.storage.pointer, dx.storage.pointer, cin, n, inner: plane)
                grads[0] = dx
            }
            if needW {
                let dw = Tensor(uninitializedShape: w.shape)
                for i in 0..<groups {
                    BLAS.sgemm(transA: false, transB: true, m: ig, n: pg, k: cols, alpha: 1,
                               a: xT.storage.pointer + i * ig * cols, lda: cols, b: gcol.storage.pointer + i * pg * cols, ldb: cols,
                               beta: 0, c: dw.storage.pointer + i * ig * pg, ldc: pg)
                }
                grads[1] = dw
            }
            if bias != nil {
                grads.append(grad.channelSums())
            }
            return grads
        }
    }
}

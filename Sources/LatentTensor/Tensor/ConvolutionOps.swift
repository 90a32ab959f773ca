/// 2-D convolution and transposed convolution on NCHW tensors, by im2col and
/// one GEMM per call for the whole batch.
extension Tensor {
    /// Cross-correlation as PyTorch's `conv2d`: input [N, C, H, W], weight
    /// [O, C, kH, kW], optional bias [O] → [N, O, Ho, Wo].
    ///
    /// ```swift
    /// let y = x.conv2d(weight: w, bias: b, stride: 2, padding: 1)
    /// ```
    public func conv2d(weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0) -> Tensor {
        precondition(rank == 4 && weight.rank == 4 && weight.shape[1] == shape[1],
                     "conv2d: input \(shape) does not fit weight \(weight.shape) (want [N, C, H, W] and [O, C, kH, kW])")
        precondition(stride >= 1 && padding >= 0, "conv2d: stride must be ≥ 1 and padding ≥ 0")
        let g = ConvGeometry(batch: shape[0], channels: shape[1], height: shape[2], width: shape[3],
                             kernelHeight: weight.shape[2], kernelWidth: weight.shape[3], stride: stride, padding: padding)
        precondition(g.outputHeight > 0 && g.outputWidth > 0, "conv2d: kernel \(weight.shape) larger than padded input \(shape)")
        let outChannels = weight.shape[0]
        let plane = g.outputHeight * g.outputWidth
        let col = Tensor(uninitializedShape: [g.patchSize, g.columnCount])
        im2col(storage.pointer, g, col.storage.pointer)
        // [O, N·L] = W[O, CKK] · col[CKK, N·L]
        let y = Tensor.gemm(weight.detached().reshaped([outChannels, g.patchSize]), transA: false, col, transB: false)
        let out = Tensor(uninitializedShape: [g.batch, outChannels, g.outputHeight, g.outputWidth])
        swapLeadingAxes(y.storage.pointer, out.storage.pointer, outChannels, g.batch, inner: plane)
        if let bias { out.addChannelBias(bias) }
        let w = weight.detached()
        let (needX, needW) = (requiresGradient, weight.requiresGradient)
        let inputs = bias.map { [self, weight, $0] } ?? [self, weight]
        return Tensor.record("conv2d", out, inputs) { grad in
            // [N, O, L] → [O, N·L]
            let gy = Tensor(uninitializedShape: [outChannels, g.columnCount])
            swapLeadingAxes(grad.storage.pointer, gy.storage.pointer, g.batch, outChannels, inner: plane)
            var grads: [Tensor?] = [nil, nil]
            if needX {
                let dcol = Tensor.gemm(w.reshaped([outChannels, g.patchSize]), transA: true, gy, transB: false)
                let dx = Tensor.zeros([g.batch, g.channels, g.height, g.width])
                col2im(dcol.storage.pointer, g, dx.storage.pointer)
                grads[0] = dx
            }
            if needW { grads[1] = Tensor.gemm(gy, transA: false, col, transB: true).reshaped(w.shape) }
            if bias != nil { grads.append(gy.rawSum(axis: 1).reshaped([outChannels])) }
            return grads
        }
    }

    /// Transposed convolution as PyTorch's `conv_transpose2d`: input
    /// [N, Cin, H, W], weight [Cin, Cout, kH, kW], optional bias [Cout] →
    /// [N, Cout, (H-1)·stride - 2·padding + kH + outputPadding, …].
    ///
    /// ```swift
    /// // 7×7 → 14×14, as in a DCGAN generator
    /// let up = x.convTranspose2d(weight: w, stride: 2, padding: 1)
    /// ```
    public func convTranspose2d(weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0,
                                outputPadding: Int = 0) -> Tensor {
        precondition(rank == 4 && weight.rank == 4 && weight.shape[0] == shape[1],
                     "convTranspose2d: input \(shape) does not fit weight \(weight.shape) (want [N, Cin, H, W] and [Cin, Cout, kH, kW])")
        precondition(stride >= 1 && padding >= 0 && outputPadding >= 0 && outputPadding < stride,
                     "convTranspose2d: need stride ≥ 1, padding ≥ 0, 0 ≤ outputPadding < stride")
        let (n, cin, h, wdt) = (shape[0], shape[1], shape[2], shape[3])
        let (cout, kh, kw) = (weight.shape[1], weight.shape[2], weight.shape[3])
        let oh = (h - 1) * stride - 2 * padding + kh + outputPadding
        let ow = (wdt - 1) * stride - 2 * padding + kw + outputPadding
        precondition(oh > 0 && ow > 0, "convTranspose2d: empty output for input \(shape)")
        // The output is the input of the matching forward convolution.
        let g = ConvGeometry(batch: n, channels: cout, height: oh, width: ow,
                             kernelHeight: kh, kernelWidth: kw, stride: stride, padding: padding)
        precondition(g.outputHeight == h && g.outputWidth == wdt, "convTranspose2d: inconsistent geometry")
        let plane = h * wdt
        let xT = Tensor(uninitializedShape: [cin, n * plane])
        swapLeadingAxes(storage.pointer, xT.storage.pointer, n, cin, inner: plane)
        let w2 = weight.detached().reshaped([cin, g.patchSize])
        let col = Tensor.gemm(w2, transA: true, xT, transB: false)   // [Cout·kk, N·HW]
        let out = Tensor.zeros([n, cout, oh, ow])
        col2im(col.storage.pointer, g, out.storage.pointer)
        if let bias { out.addChannelBias(bias) }
        let (needX, needW) = (requiresGradient, weight.requiresGradient)
        let inputs = bias.map { [self, weight, $0] } ?? [self, weight]
        let inShape = shape, wShape = weight.shape
        return Tensor.record("convTranspose2d", out, inputs) { grad in
            let gcol = Tensor(uninitializedShape: [g.patchSize, g.columnCount])
            im2col(grad.storage.pointer, g, gcol.storage.pointer)
            var grads: [Tensor?] = [nil, nil]
            if needX {
                let dxT = Tensor.gemm(w2, transA: false, gcol, transB: false)   // [Cin, N·HW]
                let dx = Tensor(uninitializedShape: inShape)
                swapLeadingAxes(dxT.storage.pointer, dx.storage.pointer, cin, n, inner: plane)
                grads[0] = dx
            }
            if needW { grads[1] = Tensor.gemm(xT, transA: false, gcol, transB: true).reshaped(wShape) }
            if bias != nil {
                grads.append(grad.reshaped([n, cout, oh * ow]).rawSum(axis: 2).rawSum(axis: 0).reshaped([cout]))
            }
            return grads
        }
    }

    /// Adds bias[c] to every pixel of channel c, in place (fresh outputs only).
    func addChannelBias(_ bias: Tensor) {
        precondition(rank == 4 && bias.shape == [shape[1]], "bias \(bias.shape) for \(shape[1]) channels")
        let plane = shape[2] * shape[3]
        for i in 0..<shape[0] {
            for c in 0..<shape[1] {
                let p = storage.pointer + (i * shape[1] + c) * plane
                mapBinaryScalarRight(AddKernel.self, p, bias.storage.pointer[c], p, plane)
            }
        }
    }
}

/// 2-D convolution and transposed convolution on NCHW tensors: through oneDNN
/// (`DNNLConvolutionOps`) unless `ConvolutionBackend` says im2col, else by im2col
/// and one GEMM per call for the whole batch (always for groups > 1).
extension Tensor {
    /// Cross-correlation as PyTorch's `conv2d`: input [N, C, H, W], weight
    /// [O, C/groups, kH, kW], optional bias [O] → [N, O, Ho, Wo] with
    /// Ho = (H + 2·padding − dilation·(kH − 1) − 1) / stride + 1 (and Wo alike).
    ///
    /// `dilation` spaces the kernel's taps that many pixels apart (a dilated or
    /// "atrous" convolution: a wider view for the same weights). `groups` splits
    /// the channels into that many independent convolutions, each from C/groups
    /// inputs to O/groups outputs; groups = C is a depthwise convolution.
    ///
    /// ```swift
    /// let y = x.conv2d(weight: w, bias: b, stride: 2, padding: 1)
    /// let d = x.conv2d(weight: w3, dilation: 2)                    // 3×3 taps over a 5×5 window
    /// let dw = x.conv2d(weight: perChannel, groups: x.shape[1])    // weight [C, 1, k, k]
    /// ```
    public func conv2d(weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0,
                       dilation: Int = 1, groups: Int = 1) -> Tensor {
        precondition(rank == 4 && weight.rank == 4 && groups >= 1 && weight.shape[1] * groups == shape[1] && weight.shape[0] % groups == 0,
                     "conv2d: input \(shape) does not fit weight \(weight.shape) with \(groups) group(s) (want [N, C, H, W] and [O, C/groups, kH, kW], O divisible by groups)")
        precondition(stride >= 1 && padding >= 0 && dilation >= 1, "conv2d: stride and dilation must be ≥ 1 and padding ≥ 0")
        let g = ConvGeometry(batch: shape[0], channels: shape[1], height: shape[2], width: shape[3],
                             kernelHeight: weight.shape[2], kernelWidth: weight.shape[3], stride: stride, padding: padding,
                             dilation: dilation)
        precondition(g.outputHeight > 0 && g.outputWidth > 0, "conv2d: kernel \(weight.shape) (dilation \(dilation)) larger than padded input \(shape)")
        if groups > 1 { return groupedConv2d(weight: weight, bias: bias, geometry: g, groups: groups) }
        if ConvolutionBackend.current == .onednn, let y = dnnlConv2d(weight: weight, bias: bias, geometry: g) { return y }
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
    /// [N, Cin, H, W], weight [Cin, Cout/groups, kH, kW], optional bias [Cout] →
    /// [N, Cout, (H-1)·stride - 2·padding + dilation·(kH-1) + 1 + outputPadding, …].
    /// It is the adjoint of `conv2d` with the same stride, padding, dilation and groups.
    ///
    /// ```swift
    /// // 7×7 → 14×14, as in a DCGAN generator
    /// let up = x.convTranspose2d(weight: w, stride: 2, padding: 1)
    /// // 7×7 → 14×14 with 3×3 taps two pixels apart
    /// let wide = x.convTranspose2d(weight: w3, stride: 2, padding: 2, outputPadding: 1, dilation: 2)
    /// ```
    public func convTranspose2d(weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0,
                                outputPadding: Int = 0, dilation: Int = 1, groups: Int = 1) -> Tensor {
        precondition(rank == 4 && weight.rank == 4 && groups >= 1 && weight.shape[0] == shape[1] && shape[1] % groups == 0,
                     "convTranspose2d: input \(shape) does not fit weight \(weight.shape) with \(groups) group(s) (want [N, Cin, H, W] and [Cin, Cout/groups, kH, kW], Cin divisible by groups)")
        precondition(stride >= 1 && dilation >= 1 && padding >= 0 && outputPadding >= 0 && (outputPadding < stride || outputPadding < dilation),
                     "convTranspose2d: need stride ≥ 1, dilation ≥ 1, padding ≥ 0, 0 ≤ outputPadding < stride or dilation")
        let (n, cin, h, wdt) = (shape[0], shape[1], shape[2], shape[3])
        let (cout, kh, kw) = (weight.shape[1] * groups, weight.shape[2], weight.shape[3])
        let oh = (h - 1) * stride - 2 * padding + dilation * (kh - 1) + 1 + outputPadding
        let ow = (wdt - 1) * stride - 2 * padding + dilation * (kw - 1) + 1 + outputPadding
        precondition(oh > 0 && ow > 0, "convTranspose2d: empty output for input \(shape)")
        // The output is the input of the matching forward convolution.
        let g = ConvGeometry(batch: n, channels: cout, height: oh, width: ow,
                             kernelHeight: kh, kernelWidth: kw, stride: stride, padding: padding, dilation: dilation)
        precondition(g.outputHeight == h && g.outputWidth == wdt, "convTranspose2d: inconsistent geometry")
        if groups > 1 { return groupedConvTranspose2d(weight: weight, bias: bias, geometry: g, groups: groups) }
        if ConvolutionBackend.current == .onednn, let y = dnnlConvTranspose2d(weight: weight, bias: bias, geometry: g) { return y }
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
                grads.append(grad.channelSums())
            }
            return grads
        }
    }

    /// The sum over batch and pixels of each channel of a [N, C, H, W] tensor: [C], the gradient of a
    /// per-channel bias (`addChannelBias`).
    func channelSums() -> Tensor {
        precondition(rank == 4, "channelSums of \(shape)")
        return reshaped([shape[0], shape[1], shape[2] * shape[3]]).rawSum(axis: 2).rawSum(axis: 0).reshaped([shape[1]])
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

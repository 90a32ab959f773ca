/// `conv2d` and `convTranspose2d` (groups = 1) through oneDNN, reached when
/// ``ConvolutionBackend/current`` is `onednn`. A transposed convolution is the
/// adjoint of the convolution whose input is its output, so one plan serves
/// both: its forward is that convolution's backward-data, its backward-data that
/// convolution's forward, and its weight gradient the same backward-weights
/// with the roles of input and output exchanged.
extension Tensor {
    /// `conv2d` via oneDNN, or nil when oneDNN has no plan for the geometry.
    func dnnlConv2d(weight: Tensor, bias: Tensor?, geometry g: ConvGeometry) -> Tensor? {
        let outChannels = weight.shape[0]
        guard let plan = DNNLConvolution(g, outChannels: outChannels) else { return nil }
        let x = detached(), w = weight.detached()
        let out = Tensor(uninitializedShape: [g.batch, outChannels, g.outputHeight, g.outputWidth])
        plan.forward(x, w, into: out)
        if let bias { out.addChannelBias(bias) }
        let (needX, needW) = (requiresGradient, weight.requiresGradient)
        let inputs = bias.map { [self, weight, $0] } ?? [self, weight]
        return Tensor.record("conv2d", out, inputs) { grad in
            var grads: [Tensor?] = [nil, nil]
            if needX {
                let dx = Tensor(uninitializedShape: x.shape)
                plan.backwardData(grad, w, into: dx)
                grads[0] = dx
            }
            if needW {
                let dw = Tensor(uninitializedShape: w.shape)
                plan.backwardWeights(x, grad, into: dw)
                grads[1] = dw
            }
            if bias != nil { grads.append(grad.channelSums()) }
            return grads
        }
    }

    /// `convTranspose2d` via oneDNN; `g` is the geometry of the matching forward
    /// convolution (its input is this op's output). Nil when oneDNN has no plan.
    func dnnlConvTranspose2d(weight: Tensor, bias: Tensor?, geometry g: ConvGeometry) -> Tensor? {
        let cin = shape[1]
        guard let plan = DNNLConvolution(g, outChannels: cin) else { return nil }
        let x = detached(), w = weight.detached()
        let out = Tensor(uninitializedShape: [g.batch, g.channels, g.height, g.width])
        plan.backwardData(x, w, into: out)
        if let bias { out.addChannelBias(bias) }
        let (needX, needW) = (requiresGradient, weight.requiresGradient)
        let inputs = bias.map { [self, weight, $0] } ?? [self, weight]
        return Tensor.record("convTranspose2d", out, inputs) { grad in
            var grads: [Tensor?] = [nil, nil]
            if needX {
                let dx = Tensor(uninitializedShape: x.shape)
                plan.forward(grad, w, into: dx)
                grads[0] = dx
            }
            if needW {
                let dw = Tensor(uninitializedShape: w.shape)
                plan.backwardWeights(grad, x, into: dw)
                grads[1] = dw
            }
            if bias != nil { grads.append(grad.channelSums()) }
            return grads
        }
    }
}

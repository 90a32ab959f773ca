/// Batch normalisation of [N, C, H, W] in training mode as one op: two passes
/// over the input forward (statistics, then the affine map) and two over the
/// output gradient backward (Σ dy and Σ dy·(x − μ), then dx), instead of the
/// dozen broadcast and reduction passes the same formula costs as separate ops.
extension Tensor {
    /// Normalises each channel with the batch's mean and biased variance, then
    /// scales by `weight` and shifts by `bias` (both [C]):
    /// y = (x − μ_c) / √(σ²_c + ε) · γ_c + β_c, differentiable in x, γ and β.
    /// Returns the output and the batch's mean and biased variance per channel
    /// (no gradient), for running statistics.
    ///
    /// ```swift
    /// let (y, mean, variance) = x.batchNormalized(weight: .ones([64]), bias: .zeros([64]), epsilon: 1e-5)
    /// ```
    public func batchNormalized(weight: Tensor, bias: Tensor, epsilon: Float) -> (output: Tensor, mean: Tensor, variance: Tensor) {
        precondition(rank == 4 && weight.shape == [shape[1]] && bias.shape == [shape[1]],
                     "batchNormalized: input \(shape) with weight \(weight.shape) and bias \(bias.shape) (want [N, C, H, W], [C], [C])")
        let (n, c, plane) = (shape[0], shape[1], shape[2] * shape[3])
        let count = n * plane
        precondition(count > 1, "batchNormalized needs more than one value per channel, got input \(shape)")
        let x = detached(), gamma = weight.detached()
        let mean = Tensor(uninitializedShape: [c]), variance = Tensor(uninitializedShape: [c])
        let invStd = Tensor(uninitializedShape: [c])
        let out = Tensor(uninitializedShape: shape)
        let (xp, yp, g, b) = (x.storage.pointer, out.storage.pointer, gamma.storage.pointer, bias.storage.pointer)
        let scale = 1 / Float(count)
        for ch in 0..<c {
            var s: Float = 0
            for i in 0..<n { s += sumBuffer(xp + (i * c + ch) * plane, plane) }
            let mu = s * scale
            var q: Float = 0
            for i in 0..<n { q += squaredDeviations(xp + (i * c + ch) * plane, plane, mu) }
            let v = q * scale
            let inv = 1 / (v + epsilon).squareRoot()
            mean.storage.pointer[ch] = mu
            variance.storage.pointer[ch] = v
            invStd.storage.pointer[ch] = inv
            let a = g[ch] * inv
            for i in 0..<n {
                let o = (i * c + ch) * plane
                scaleShiftCentered(xp + o, mu, a, b[ch], yp + o, plane)
            }
        }
        let result = Tensor.record("batchNorm", out, [self, weight, bias]) { grad in
            let dx = Tensor(uninitializedShape: x.shape)
            let dgamma = Tensor(uninitializedShape: [c]), dbeta = Tensor(uninitializedShape: [c])
            let (dy, dxp) = (grad.storage.pointer, dx.storage.pointer)
            for ch in 0..<c {
                let (mu, inv) = (mean.storage.pointer[ch], invStd.storage.pointer[ch])
                var sdy: Float = 0, sdyx: Float = 0     // Σ dy and Σ dy·(x − μ)
                for i in 0..<n {
                    let o = (i * c + ch) * plane
                    let (p, q) = gradientSums(dy + o, xp + o, mu, plane)
                    sdy += p
                    sdyx += q
                }
                dbeta.storage.pointer[ch] = sdy
                dgamma.storage.pointer[ch] = sdyx * inv
                // dx = γ·inv·(dy − Σdy/M − (x − μ)·inv²·Σdy(x − μ)/M)
                let k = g[ch] * inv, shift = sdy * scale, slope = inv * inv * sdyx * scale
                for i in 0..<n {
                    let o = (i * c + ch) * plane
                    batchNormInputGradient(dy + o, xp + o, mu, k, shift, slope, dxp + o, plane)
                }
            }
            return [dx, dgamma, dbeta]
        }
        return (result, mean, variance)
    }
}

/// Σ (x − μ)² over n floats.
@inline(__always)
private func squaredDeviations(_ x: UnsafePointer<Float>, _ n: Int, _ mu: Float) -> Float {
    var a0 = Vec(), a1 = Vec()
    let m = Vec(repeating: mu)
    var i = 0
    while i + 32 <= n {
        let u = loadVec(x + i) - m, v = loadVec(x + i + 16) - m
        a0 += u * u; a1 += v * v
        i += 32
    }
    while i + 16 <= n { let u = loadVec(x + i) - m; a0 += u * u; i += 16 }
    if i < n { let u = (loadPartial(x + i, n - i) - m).replacing(with: 0, where: lanesFrom(n - i)); a1 += u * u }
    return (a0 + a1).sum()
}

/// The lanes at or past `count` (the padding of a partial vector).
@inline(__always)
private func lanesFrom(_ count: Int) -> SIMDMask<SIMD16<Int32>> {
    SIMD16<Int32>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15) .>= SIMD16<Int32>(repeating: Int32(count))
}

/// y = (x − μ)·a + shift.
@inline(__always)
private func scaleShiftCentered(_ x: UnsafePointer<Float>, _ mu: Float, _ a: Float, _ shift: Float,
                                _ y: UnsafeMutablePointer<Float>, _ n: Int) {
    let (m, av, sv) = (Vec(repeating: mu), Vec(repeating: a), Vec(repeating: shift))
    var i = 0
    while i + 16 <= n { storeVec((loadVec(x + i) - m) * av + sv, y + i); i += 16 }
    if i < n { storePartial((loadPartial(x + i, n - i) - m) * av + sv, y + i, n - i) }
}

/// (Σ dy, Σ dy·(x − μ)).
@inline(__always)
private func gradientSums(_ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ mu: Float, _ n: Int) -> (Float, Float) {
    var s = Vec(), t = Vec()
    let m = Vec(repeating: mu)
    var i = 0
    while i + 16 <= n {
        let d = loadVec(dy + i)
        s += d
        t += d * (loadVec(x + i) - m)
        i += 16
    }
    if i < n {
        let d = loadPartial(dy + i, n - i)   // zero in the padding, so both sums ignore it
        s += d
        t += d * (loadPartial(x + i, n - i) - m)
    }
    return (s.sum(), t.sum())
}

/// dx = k·(dy − shift − (x − μ)·slope).
@inline(__always)
private func batchNormInputGradient(_ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ mu: Float, _ k: Float,
                                    _ shift: Float, _ slope: Float, _ dx: UnsafeMutablePointer<Float>, _ n: Int) {
    let (m, kv, sv, lv) = (Vec(repeating: mu), Vec(repeating: k), Vec(repeating: shift), Vec(repeating: slope))
    var i = 0
    while i + 16 <= n {
        storeVec(kv * (loadVec(dy + i) - sv - (loadVec(x + i) - m) * lv), dx + i)
        i += 16
    }
    if i < n {
        storePartial(kv * (loadPartial(dy + i, n - i) - sv - (loadPartial(x + i, n - i) - m) * lv), dx + i, n - i)
    }
}

import Testing
@testable import Latent
@testable import LatentTensor

/// The oneDNN convolutions against Latent's im2col path (same outputs and
/// gradients to float rounding) and against finite differences, on shapes that
/// take each of oneDNN's layouts: fewer than 16 channels (the NCHW backward-data
/// kernel) and 16 or more (blocked), with strides, paddings, dilations and
/// transposed convolutions' output paddings.
@Suite struct ConvolutionBackendTests {
    /// (input shape, weight shape, stride, padding, dilation)
    static let convolutions: [([Int], [Int], Int, Int, Int)] = [
        ([2, 1, 9, 8], [5, 1, 4, 4], 2, 1, 1),      // an image layer: one input channel
        ([3, 16, 7, 7], [32, 16, 4, 4], 2, 1, 1),   // blocked layouts both ways
        ([2, 3, 8, 7], [17, 3, 3, 3], 1, 2, 2),     // dilated, odd channel counts
        ([1, 20, 6, 5], [3, 20, 2, 3], 3, 0, 1),    // non-square kernel, large stride
    ]

    /// Output, input gradient, weight gradient and bias gradient of `f` under `backend`.
    func run(_ backend: ConvolutionBackend, _ x: Tensor, _ w: Tensor, _ b: Tensor,
             _ f: (Tensor, Tensor, Tensor) -> Tensor) -> [Tensor] {
        ConvolutionBackend.with(backend) {
            let (xs, ws, bs) = (x.requiringGradient(), w.requiringGradient(), b.requiringGradient())
            let y = f(xs, ws, bs)
            var rng = RandomGenerator(seed: 5)
            (y * Tensor.uniform(y.shape, low: -1, high: 1, rng: &rng)).sum().backward()
            return [y, xs.gradient!, ws.gradient!, bs.gradient!]
        }
    }

    func expectClose(_ a: [Tensor], _ b: [Tensor], sourceLocation: SourceLocation = #_sourceLocation) {
        for (name, (p, q)) in zip(["output", "input gradient", "weight gradient", "bias gradient"], zip(a, b)) {
            #expect(p.shape == q.shape, "\(name) shape", sourceLocation: sourceLocation)
            let scale = max(1, q.scalars.map(abs).max() ?? 0)
            let worst = zip(p.scalars, q.scalars).map { abs($0 - $1) }.max() ?? 0
            #expect(worst <= 1e-4 * scale, "\(name): largest difference \(worst) (scale \(scale))", sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: 0..<4)
    func convolutionMatchesIm2col(_ i: Int) {
        let (xs, wsh, stride, padding, dilation) = Self.convolutions[i]
        let x = randomTensor(xs, seed: 300 + UInt64(i)), w = randomTensor(wsh, seed: 310 + UInt64(i))
        let b = randomTensor([wsh[0]], seed: 320 + UInt64(i))
        let f = { (x: Tensor, w: Tensor, b: Tensor) in x.conv2d(weight: w, bias: b, stride: stride, padding: padding, dilation: dilation) }
        expectClose(run(.onednn, x, w, b, f), run(.im2col, x, w, b, f))
    }

    /// (input shape, weight shape, stride, padding, output padding, dilation)
    static let transposed: [([Int], [Int], Int, Int, Int, Int)] = [
        ([2, 32, 4, 4], [32, 1, 4, 4], 2, 1, 0, 1),   // to one channel: the decoder's last layer
        ([3, 16, 3, 3], [16, 32, 4, 4], 2, 1, 0, 1),  // 16 → 32 channels, blocked
        ([2, 5, 4, 3], [5, 3, 3, 3], 2, 2, 1, 2),     // dilated with an output padding
        ([1, 4, 3, 3], [4, 18, 3, 2], 3, 1, 2, 1),    // output padding 2, non-square kernel
    ]

    @Test(arguments: 0..<4)
    func transposedConvolutionMatchesIm2col(_ i: Int) {
        let (xs, wsh, stride, padding, outputPadding, dilation) = Self.transposed[i]
        let x = randomTensor(xs, seed: 400 + UInt64(i)), w = randomTensor(wsh, seed: 410 + UInt64(i))
        let b = randomTensor([wsh[1]], seed: 420 + UInt64(i))
        let f = { (x: Tensor, w: Tensor, b: Tensor) in
            x.convTranspose2d(weight: w, bias: b, stride: stride, padding: padding, outputPadding: outputPadding, dilation: dilation)
        }
        expectClose(run(.onednn, x, w, b, f), run(.im2col, x, w, b, f))
    }

    @Test(arguments: ConvolutionBackend.allCases)
    func convolutionGradientsAgreeWithFiniteDifferences(_ backend: ConvolutionBackend) {
        ConvolutionBackend.with(backend) {
            checkGradients([randomTensor([2, 1, 7, 6], seed: 501), randomTensor([16, 1, 4, 4], seed: 502),
                            randomTensor([16], seed: 503)]) {
                $0[0].conv2d(weight: $0[1], bias: $0[2], stride: 2, padding: 1)
            }
            checkGradients([randomTensor([2, 16, 5, 5], seed: 504), randomTensor([3, 16, 3, 3], seed: 505),
                            randomTensor([3], seed: 506)]) {
                $0[0].conv2d(weight: $0[1], bias: $0[2], stride: 1, padding: 2, dilation: 2)
            }
        }
    }

    @Test(arguments: ConvolutionBackend.allCases)
    func transposedGradientsAgreeWithFiniteDifferences(_ backend: ConvolutionBackend) {
        ConvolutionBackend.with(backend) {
            checkGradients([randomTensor([2, 16, 3, 3], seed: 511), randomTensor([16, 2, 4, 4], seed: 512),
                            randomTensor([2], seed: 513)]) {
                $0[0].convTranspose2d(weight: $0[1], bias: $0[2], stride: 2, padding: 1)
            }
            checkGradients([randomTensor([1, 3, 3, 4], seed: 514), randomTensor([3, 16, 3, 3], seed: 515),
                            randomTensor([16], seed: 516)]) {
                $0[0].convTranspose2d(weight: $0[1], bias: $0[2], stride: 2, padding: 2, outputPadding: 1, dilation: 2)
            }
        }
    }

    @Test func theSameGeometryReusesOnePlan() throws {
        let g = ConvGeometry(batch: 2, channels: 16, height: 8, width: 8, kernelHeight: 4, kernelWidth: 4, stride: 2, padding: 1)
        let a = try #require(DNNLConvolution(g, outChannels: 32)), b = try #require(DNNLConvolution(g, outChannels: 32))
        #expect(a.plan == b.plan)
        #expect(!a.implementation(0).isEmpty && a.implementation(0) != "?")
    }

    @Test func theSettingIsParsed() throws {
        #expect(try ConvolutionBackend.parse("") == .onednn)
        #expect(try ConvolutionBackend.parse("im2col") == .im2col)
        #expect(try ConvolutionBackend.parse("oneDNN") == .onednn)
        #expect(throws: LatentError.self) { try ConvolutionBackend.parse("winograd") }
        #expect(ConvolutionBackend.with(.im2col) { ConvolutionBackend.current } == .im2col)
    }

    /// oneDNN's OpenMP threads compute with the caller's FTZ/DAZ setting, whichever it is.
    @Test func oneDNNThreadsFollowTheCallersDenormalSetting() {
        let saved = DenormalMode.isFlushing
        defer { DenormalMode.setFlushing(saved) }
        for on in [true, false] {
            DenormalMode.setFlushing(on)
            let flags = DNNLConvolution.probeFlushing(threads: 2)
            #expect(flags.count == 2)
            #expect(flags.allSatisfy { $0 == on }, "flushing \(on): oneDNN threads \(flags)")
        }
    }
}

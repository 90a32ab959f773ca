import CDNNL
import Foundation

/// Which code computes `conv2d` and `convTranspose2d` (groups = 1): oneDNN's
/// primitives (the default; what PyTorch uses on CPU) or Latent's own im2col +
/// one OpenBLAS GEMM per call. Grouped convolutions always take the im2col path.
///
/// `LATENT_CONV=im2col|onednn` chooses for a process; ``with(_:_:)`` chooses
/// for a block of code (tests compare the two that way). docs/PERFORMANCE.md
/// ("Convolutions") has the per-layer measurements behind the default.
///
/// ```swift
/// ConvolutionBackend.current                  // .onednn unless LATENT_CONV says otherwise
/// let y = ConvolutionBackend.with(.im2col) { x.conv2d(weight: w, stride: 2, padding: 1) }
/// ```
public enum ConvolutionBackend: String, Sendable, CaseIterable {
    /// Unfold patches (im2col), one GEMM through OpenBLAS, fold back (col2im).
    case im2col
    /// oneDNN's convolution primitives in its blocked layouts, cached per shape.
    case onednn

    /// The backend `LATENT_CONV` names (default `onednn`). An unknown value
    /// gets one warning line on standard error and the default.
    public static let environmentDefault: ConvolutionBackend = {
        let text = ProcessInfo.processInfo.environment["LATENT_CONV"] ?? ""
        do { return try parse(text) } catch {
            FileHandle.standardError.write(Data("warning: \(error); using onednn\n".utf8))
            return .onednn
        }
    }()

    /// `LATENT_CONV`'s value as a backend ("" → `onednn`).
    ///
    /// ```swift
    /// try ConvolutionBackend.parse("im2col")   // .im2col
    /// ```
    public static func parse(_ text: String) throws -> ConvolutionBackend {
        if text.isEmpty { return .onednn }
        guard let backend = ConvolutionBackend(rawValue: text.lowercased()) else {
            throw LatentError.invalidArgument("LATENT_CONV is '\(text)'; expected 'onednn' (the default) or 'im2col'")
        }
        return backend
    }

    @TaskLocal static var override: ConvolutionBackend?

    /// The backend convolutions use here: the innermost ``with(_:_:)``, else `LATENT_CONV`.
    public static var current: ConvolutionBackend { override ?? environmentDefault }

    /// Runs `body` with convolutions computed by `backend` (on this task and its children).
    ///
    /// ```swift
    /// let reference = ConvolutionBackend.with(.im2col) { x.conv2d(weight: w) }
    /// ```
    public static func with<R>(_ backend: ConvolutionBackend, _ body: () throws -> R) rethrows -> R {
        try $override.withValue(backend, operation: body)
    }

    /// oneDNN's version, e.g. "2.6.3" ("unavailable" when libdnnl.so.2 cannot be loaded).
    public static var oneDNNVersion: String { String(cString: latent_dnnl_version()) }

    /// One line for `latent doctor` and the bench header, e.g. "oneDNN 2.6.3 (LATENT_CONV=onednn)".
    public static var summary: String {
        switch current {
        case .onednn where oneDNNVersion == "unavailable":
            return "im2col + OpenBLAS (LATENT_CONV=onednn, but libdnnl.so.2 was not found)"
        case .onednn: return "oneDNN \(oneDNNVersion) (LATENT_CONV=onednn; grouped: im2col)"
        case .im2col: return "im2col + OpenBLAS (LATENT_CONV=im2col)"
        }
    }
}

/// A cached oneDNN plan for one convolution geometry (input [N, C, H, W],
/// weight [O, C, kH, kW]): forward, backward-data and backward-weights
/// primitives plus the reorders between Latent's NCHW arrays and oneDNN's layouts.
struct DNNLConvolution: @unchecked Sendable {
    /// One per geometry and thread count (`BLAS.threads`, the project's one thread setting, when made):
    /// oneDNN sizes its per-thread buffers when it creates a primitive.
    let plan: OpaquePointer

    /// The plan, or nil when oneDNN refuses the geometry (the caller then uses im2col).
    init?(_ g: ConvGeometry, outChannels: Int) {
        let threads = BLAS.threads
        guard let p = latent_dnnl_conv_plan(Int32(g.batch), Int32(g.channels), Int32(g.height), Int32(g.width),
                                            Int32(outChannels), Int32(g.kernelHeight), Int32(g.kernelWidth),
                                            Int32(g.stride), Int32(g.padding), Int32(g.dilation), Int32(threads)) else { return nil }
        plan = p
    }


    /// y [N, O, Ho, Wo] = x ⋆ w.
    func forward(_ x: Tensor, _ w: Tensor, into y: Tensor) {
        let status = latent_dnnl_conv_forward(plan, x.storage.pointer, w.storage.pointer, y.storage.pointer)
        precondition(status == 0, "oneDNN convolution failed (forward); LATENT_CONV=im2col avoids it")
    }

    /// dx [N, C, H, W] from dy [N, O, Ho, Wo] and w.
    func backwardData(_ dy: Tensor, _ w: Tensor, into dx: Tensor) {
        let status = latent_dnnl_conv_backward_data(plan, dy.storage.pointer, w.storage.pointer, dx.storage.pointer)
        precondition(status == 0, "oneDNN convolution failed (backward data); LATENT_CONV=im2col avoids it")
    }

    /// dw [O, C, kH, kW] from x and dy.
    func backwardWeights(_ x: Tensor, _ dy: Tensor, into dw: Tensor) {
        let status = latent_dnnl_conv_backward_weights(plan, x.storage.pointer, dy.storage.pointer, dw.storage.pointer)
        precondition(status == 0, "oneDNN convolution failed (backward weights); LATENT_CONV=im2col avoids it")
    }

    /// What oneDNN chose for the forward (0), backward-data (1) and backward-weights (2) primitives.
    func implementation(_ which: Int) -> String { String(cString: latent_dnnl_impl(plan, Int32(which))) }

    /// Runs a oneDNN (OpenMP) region on `threads` threads and reports, per thread,
    /// whether 1e-20 × 1e-20 flushed to zero there (after the same preparation a convolution makes).
    static func probeFlushing(threads: Int) -> [Bool] {
        var flags = [Int32](repeating: 0, count: threads)
        let team = Int(latent_dnnl_probe_flushing(Int32(threads), &flags, Int32(threads)))
        return flags.prefix(team).map { $0 != 0 }
    }
}

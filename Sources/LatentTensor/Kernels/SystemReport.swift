import Foundation

/// What `latent doctor` reports: the CPU, the BLAS library and kernel, threads,
/// the denormal mode and the build, with a warning for each setting that
/// leaves speed on the table.
///
/// ```swift
/// let report = SystemReport.current()
/// print(report.summary)      // "AMD EPYC (family 25 model 17) · AVX-512 · OpenBLAS 0.3.21 Cooperlake · 1 thread · FTZ/DAZ on · release"
/// for w in report.warnings { print("warning:", w) }
/// ```
public struct SystemReport: Sendable {
    public var cpu: CPUFeatures
    /// `openblas_get_config()`.
    public var blasConfig: String
    /// `openblas_get_corename()`: the kernel in use.
    public var kernel: String
    /// The widest kernel the CPU supports (``BLASKernelChoice/best(for:)``).
    public var bestKernel: String
    /// How the kernel was chosen (``BLASLaunch/outcome``).
    public var kernelOrigin: String
    public var threads: Int
    public var logicalCPUs: Int
    /// FTZ|DAZ on the calling thread.
    public var flushesDenormals: Bool
    /// Measured flushing on each kind of thread (nil unless asked for: it runs a threaded product).
    public var denormalProbe: DenormalMode.Probe?
    /// "debug" (safety checks and assertions on) or "release" (bounds and overflow checks on, assertions off).
    public var build: String
    /// Whether LATENT_THREADS sets the count (else training measures it).
    public var threadsFixedByEnvironment = BLAS.setsThreadCount()

    /// Reads everything now, on the calling thread.
    public static func current(probeDenormals: Bool = false) -> SystemReport {
        #if DEBUG
        let build = "debug"
        #else
        let build = "release"
        #endif
        return SystemReport(cpu: .current, blasConfig: BLASKernelChoice.libraryConfig, kernel: BLASKernelChoice.currentKernel,
                            bestKernel: BLASKernelChoice.best(for: .current), kernelOrigin: BLASLaunch.outcome,
                            threads: BLAS.threads, logicalCPUs: ProcessInfo.processInfo.activeProcessorCount,
                            flushesDenormals: DenormalMode.isFlushing,
                            denormalProbe: probeDenormals ? DenormalMode.probe() : nil, build: build)
    }

    /// "OpenBLAS 0.3.21" from the config string.
    public var blasLibrary: String {
        let words = blasConfig.split(separator: " ")
        return words.count >= 2 ? "\(words[0]) \(words[1])" : blasConfig
    }

    /// The widest vector instructions present, e.g. "AVX-512", "AVX2", "SSE4.2".
    public var widestISA: String {
        if cpu.has(.avx512f) { return "AVX-512" }
        if cpu.has(.avx2) { return "AVX2" }
        if cpu.has(.avx) { return "AVX" }
        if cpu.has(.sse42) { return "SSE4.2" }
        if cpu.has(.sse41) { return "SSE4.1" }
        return "SSE3 or older"
    }

    /// One line for the top of `latent bench`.
    public var summary: String { summary(threadsText: "\(threads) thread\(threads == 1 ? "" : "s")") }

    /// The summary with the thread part given (a benchmark measures several counts: "threads 1,2").
    public func summary(threadsText: String) -> String {
        let name = cpu.brand.isEmpty ? cpu.vendor : cpu.brand
        return "\(name) (family \(cpu.family) model \(cpu.model)) · \(widestISA) · \(blasLibrary) \(kernel) kernel · "
            + "\(threadsText) · FTZ/DAZ \(flushesDenormals ? "on" : "off") · \(build) build"
            + " · conv \(ConvolutionBackend.current == .onednn ? "oneDNN" : "im2col")"
    }

    /// One line for each setting that costs speed.
    public var warnings: [String] {
        var w: [String] = []
        if BLASKernelChoice.isNarrower(kernel, than: bestKernel) {
            w.append("the BLAS kernel \(kernel) is narrower than this CPU's best (\(bestKernel)): "
                     + "unset OPENBLAS_CORETYPE or set LATENT_BLAS_CORE=\(bestKernel)")
        }
        if !flushesDenormals {
            w.append("denormals are kept (FTZ/DAZ off): training can slow down by a quarter as values become subnormal; "
                     + "unset LATENT_DENORMALS=keep")
        }
        let cores = CPUTopology.current.physicalCores
        if threadsFixedByEnvironment && threads < cores {
            w.append("LATENT_THREADS=\(threads) with \(cores) physical cores: training measures the best count itself when it is unset")
        }
        if build == "debug" {
            w.append("debug build: several times slower than `swift build -c release`")
        }
        if !blasConfig.contains("OpenBLAS") {
            w.append("the BLAS library is not OpenBLAS: kernel choice does not apply")
        }
        return w
    }

    /// The report as a JSON-ready dictionary (for `latent doctor --json`).
    public var dictionary: [String: Any] {
        ["cpu": ["vendor": cpu.vendor, "brand": cpu.brand, "family": cpu.family, "model": cpu.model,
                 "extensions": cpu.extensions.sorted().map(\.rawValue)],
         "blas": ["library": blasLibrary, "config": blasConfig, "kernel": kernel, "best_kernel": bestKernel,
                  "kernel_origin": kernelOrigin],
         "threads": threads, "logical_cpus": logicalCPUs, "denormals_flushed": flushesDenormals,
         "build": build, "warnings": warnings]
            .merging(denormalProbe.map { p in
                ["denormals_flushed_on": ["calling_thread": p.callingThread, "blas_workers": p.blasWorkers,
                                          "dispatch_workers": p.dispatchWorkers]]
            } ?? [:]) { a, _ in a }
    }
}

import CCPU
import Foundation

/// Which OpenBLAS kernel ("core type") suits a CPU, decided from its
/// instruction sets rather than from OpenBLAS's table of CPU models (which
/// falls back to SSE3 "Prescott" kernels on a CPU newer than the table, e.g.
/// Emerald Rapids, family 6 model 207, with OpenBLAS 0.3.21).
///
/// The names are those `OPENBLAS_CORETYPE` accepts in OpenBLAS 0.3.21
/// (Cooperlake and SapphireRapids cannot be forced there; their sgemm is SkylakeX's).
///
/// ```swift
/// let best = BLASKernelChoice.best(for: .current)          // "SkylakeX" on an AVX-512 CPU
/// let used = BLASKernelChoice.currentKernel                  // what OpenBLAS loaded, e.g. "Prescott"
/// if BLASKernelChoice.isNarrower(used, than: best) { print("slow kernel in use") }
/// ```
///
/// OpenBLAS picks its kernel when the library loads, before any Swift code
/// runs, so a library cannot change it for its own process: the `latent`
/// command line applies the choice by re-executing itself once with
/// `OPENBLAS_CORETYPE` set (see ``BLASLaunch``). Programs embedding Latent can
/// query this type and set `OPENBLAS_CORETYPE` themselves before launch.
public enum BLASKernelChoice {
    /// Core types that `OPENBLAS_CORETYPE` accepts, widest first within each vector width.
    public static let forceableNames = [
        "SkylakeX", "Haswell", "Zen", "Excavator", "Steamroller", "Piledriver", "Bulldozer",
        "Sandybridge", "Nehalem", "Barcelona", "Core2", "Penryn", "Dunnington", "Atom",
        "Prescott", "Opteron_SSE3", "Opteron", "Athlon", "Banias", "Northwood", "Coppermine", "Katmai",
    ]

    /// The widest kernel OpenBLAS 0.3.21 can be forced to that this CPU can run.
    public static func best(for cpu: CPUFeatures) -> String {
        let avx512 = [CPUFeatures.Extension.avx512f, .avx512cd, .avx512bw, .avx512dq, .avx512vl].allSatisfy(cpu.has)
        if avx512 { return "SkylakeX" }
        if cpu.has(.avx2) && cpu.has(.fma) { return cpu.isAMD ? "Zen" : "Haswell" }
        if cpu.has(.avx) { return "Sandybridge" }
        if cpu.has(.sse41) { return "Nehalem" }
        if cpu.has(.ssse3) { return "Core2" }
        return "Prescott"
    }

    /// Kernels to try, best first, each narrower than the one before: the
    /// fall-back chain when a kernel fails its self-test.
    public static func candidates(for cpu: CPUFeatures) -> [String] {
        let best = best(for: cpu)
        let ladder = cpu.isAMD ? ["SkylakeX", "Zen", "Sandybridge", "Nehalem", "Core2", "Prescott"]
                               : ["SkylakeX", "Haswell", "Sandybridge", "Nehalem", "Core2", "Prescott"]
        guard let start = ladder.firstIndex(of: best) else { return [best] }
        return Array(ladder[start...])
    }

    /// Vector width class of a core type: 6 AVX-512, 5 AVX2, 4 AVX, 3 SSE4, 2 SSSE3, 1 SSE3 or older;
    /// 0 for a name OpenBLAS does not know. Case-insensitive.
    public static func widthRank(_ coreName: String) -> Int {
        switch coreName.lowercased() {
        case "skylakex", "cooperlake", "sapphirerapids": return 6
        case "haswell", "zen", "excavator", "steamroller": return 5
        case "sandybridge", "bulldozer", "piledriver": return 4
        case "nehalem", "penryn", "dunnington", "barcelona": return 3
        case "core2", "atom", "nano": return 2
        case "prescott", "opteron_sse3", "opteron", "athlon", "banias", "northwood", "coppermine", "katmai": return 1
        default: return 0
        }
    }

    /// True when `kernel` uses narrower vectors than `best` (an unknown name counts as narrowest).
    public static func isNarrower(_ kernel: String, than best: String) -> Bool {
        widthRank(kernel) < widthRank(best)
    }

    /// The canonical spelling of a forceable core name, or nil when OpenBLAS would not accept it.
    public static func canonicalName(_ name: String) -> String? {
        forceableNames.first { $0.caseInsensitiveCompare(name) == .orderedSame }
    }

    /// The kernel OpenBLAS loaded in this process (`openblas_get_corename`), e.g. "SkylakeX".
    public static var currentKernel: String {
        guard let p = openblas_get_corename() else { return "unknown" }
        return String(cString: p)
    }

    /// OpenBLAS's build description (`openblas_get_config`),
    /// e.g. "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY SkylakeX MAX_THREADS=64".
    public static var libraryConfig: String {
        guard let p = openblas_get_config() else { return "unknown" }
        return String(cString: p)
    }
}

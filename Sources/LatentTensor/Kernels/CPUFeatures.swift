import CCPU
import Foundation

/// What the processor can do, read from CPUID: vendor, family/model and the
/// instruction sets that both the CPU and the operating system support
/// (AVX and AVX-512 count only when the OS saves their registers, XCR0).
///
/// ```swift
/// let cpu = CPUFeatures.current
/// print(cpu.brand, cpu.family, cpu.model)      // "AMD EPYC" 25 17
/// if cpu.has(.avx512f) { print("512-bit vectors") }
/// print(BLASKernelChoice.best(for: cpu))        // "SkylakeX"
/// ```
public struct CPUFeatures: Sendable, Equatable {
    /// Instruction-set extensions Latent looks at.
    public enum Extension: String, Sendable, CaseIterable, Comparable {
        case sse3, ssse3, sse41 = "sse4.1", sse42 = "sse4.2", avx, fma, avx2
        case avx512f, avx512cd, avx512bw, avx512dq, avx512vl, avx512vnni, avx512bf16, amxTile = "amx-tile"

        public static func < (a: Extension, b: Extension) -> Bool {
            allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
        }
    }

    /// "GenuineIntel", "AuthenticAMD", … (empty when CPUID is unavailable).
    public var vendor: String
    /// The processor's name string, e.g. "Intel(R) Xeon(R) Platinum 8480+".
    public var brand: String
    /// Display family (base + extended), e.g. 6 for Intel Core/Xeon, 25 for Zen 3/4, 26 for Zen 5.
    public var family: Int
    /// Display model (base + extended), e.g. 207 for Emerald Rapids.
    public var model: Int
    /// The usable extensions.
    public var extensions: Set<Extension>

    public init(vendor: String, brand: String = "", family: Int, model: Int, extensions: Set<Extension>) {
        self.vendor = vendor
        self.brand = brand
        self.family = family
        self.model = model
        self.extensions = extensions
    }

    public func has(_ e: Extension) -> Bool { extensions.contains(e) }

    /// True for AMD (and Hygon) processors.
    public var isAMD: Bool { vendor == "AuthenticAMD" || vendor == "HygonGenuine" }

    /// The extensions as a sorted, space-separated list ("sse3 ssse3 … avx512vl").
    public var extensionList: String { extensions.sorted().map(\.rawValue).joined(separator: " ") }

    /// The processor this code runs on (read once).
    public static let current: CPUFeatures = detect()

    /// Reads CPUID and XCR0 now.
    public static func detect() -> CPUFeatures {
        var r = latent_cpuid_regs()
        guard latent_cpuid(0, 0, &r) != 0 else {
            return CPUFeatures(vendor: "", family: 0, model: 0, extensions: [])
        }
        let maxLeaf = r.eax
        let vendor = ascii([r.ebx, r.edx, r.ecx])

        latent_cpuid(1, 0, &r)
        let baseFamily = Int((r.eax >> 8) & 0xF), baseModel = Int((r.eax >> 4) & 0xF)
        let extFamily = Int((r.eax >> 20) & 0xFF), extModel = Int((r.eax >> 16) & 0xF)
        let family = baseFamily == 0xF ? baseFamily + extFamily : baseFamily
        let model = (baseFamily == 0x6 || baseFamily == 0xF) ? (extModel << 4) + baseModel : baseModel
        let ecx1 = r.ecx

        let xcr0 = latent_xgetbv0()
        let osAVX = xcr0 & 0x6 == 0x6                  // XMM and YMM state
        let osAVX512 = osAVX && xcr0 & 0xE0 == 0xE0     // opmask, ZMM_Hi256, Hi16_ZMM
        let osAMX = xcr0 & 0x60000 == 0x60000           // XTILECFG, XTILEDATA

        var ext = Set<Extension>()
        func bit(_ v: UInt32, _ n: UInt32) -> Bool { v & (1 << n) != 0 }
        if bit(ecx1, 0) { ext.insert(.sse3) }
        if bit(ecx1, 9) { ext.insert(.ssse3) }
        if bit(ecx1, 19) { ext.insert(.sse41) }
        if bit(ecx1, 20) { ext.insert(.sse42) }
        if osAVX && bit(ecx1, 28) { ext.insert(.avx) }
        if osAVX && bit(ecx1, 12) { ext.insert(.fma) }
        if maxLeaf >= 7 {
            latent_cpuid(7, 0, &r)
            let ebx7 = r.ebx, ecx7 = r.ecx, edx7 = r.edx
            if osAVX && bit(ebx7, 5) { ext.insert(.avx2) }
            if osAVX512 {
                if bit(ebx7, 16) { ext.insert(.avx512f) }
                if bit(ebx7, 17) { ext.insert(.avx512dq) }
                if bit(ebx7, 28) { ext.insert(.avx512cd) }
                if bit(ebx7, 30) { ext.insert(.avx512bw) }
                if bit(ebx7, 31) { ext.insert(.avx512vl) }
                if bit(ecx7, 11) { ext.insert(.avx512vnni) }
                latent_cpuid(7, 1, &r)
                if bit(r.eax, 5) { ext.insert(.avx512bf16) }
            }
            if osAMX && bit(edx7, 24) { ext.insert(.amxTile) }
        }

        var brand = ""
        latent_cpuid(0x8000_0000, 0, &r)
        if r.eax >= 0x8000_0004 {
            var words: [UInt32] = []
            for leaf: UInt32 in 0x8000_0002...0x8000_0004 {
                latent_cpuid(leaf, 0, &r)
                words += [r.eax, r.ebx, r.ecx, r.edx]
            }
            brand = ascii(words).trimmingCharacters(in: .whitespaces)
        }
        return CPUFeatures(vendor: vendor, brand: brand, family: family, model: model, extensions: ext)
    }

    private static func ascii(_ words: [UInt32]) -> String {
        var bytes: [UInt8] = []
        for w in words { for i in 0..<4 { bytes.append(UInt8((w >> (8 * UInt32(i))) & 0xFF)) } }
        return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }
}

extension CPUFeatures: CustomStringConvertible {
    /// "GenuineIntel family 6 model 207: sse3 … avx512vl".
    public var description: String { "\(vendor) family \(family) model \(model): \(extensionList)" }
}

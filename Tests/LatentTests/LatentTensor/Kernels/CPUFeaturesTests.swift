import Foundation
import Testing
@testable import Latent

/// Feature sets of real CPUs, as CPUID reports them (AVX/AVX-512 enabled by the OS).
enum KnownCPUs {
    typealias E = CPUFeatures.Extension
    static let sse4: Set<E> = [.sse3, .ssse3, .sse41, .sse42]
    static let avx2: Set<E> = sse4.union([.avx, .fma, .avx2])
    static let avx512: Set<E> = avx2.union([.avx512f, .avx512cd, .avx512bw, .avx512dq, .avx512vl, .avx512vnni])

    static let iceLake = CPUFeatures(vendor: "GenuineIntel", family: 6, model: 106, extensions: avx512)
    static let sapphireRapids = CPUFeatures(vendor: "GenuineIntel", family: 6, model: 143,
                                            extensions: avx512.union([.avx512bf16, .amxTile]))
    static let emeraldRapids = CPUFeatures(vendor: "GenuineIntel", family: 6, model: 207,
                                           extensions: avx512.union([.avx512bf16, .amxTile]))
    static let zen3 = CPUFeatures(vendor: "AuthenticAMD", family: 25, model: 1, extensions: avx2)
    static let zen4 = CPUFeatures(vendor: "AuthenticAMD", family: 25, model: 17, extensions: avx512.union([.avx512bf16]))
    static let zen5 = CPUFeatures(vendor: "AuthenticAMD", family: 26, model: 2, extensions: avx512.union([.avx512bf16]))
    static let haswell = CPUFeatures(vendor: "GenuineIntel", family: 6, model: 63, extensions: avx2)
    static let sandyBridge = CPUFeatures(vendor: "GenuineIntel", family: 6, model: 42, extensions: sse4.union([.avx]))
    static let nehalem = CPUFeatures(vendor: "GenuineIntel", family: 6, model: 26, extensions: sse4)
    /// Knights Landing: AVX-512F/CD but no BW/DQ/VL, which OpenBLAS's SkylakeX kernels use.
    static let knightsLanding = CPUFeatures(vendor: "GenuineIntel", family: 6, model: 87,
                                            extensions: avx2.union([.avx512f, .avx512cd]))
}

@Suite struct BLASKernelChoiceTests {
    @Test(arguments: [
        (KnownCPUs.iceLake, "SkylakeX"), (KnownCPUs.sapphireRapids, "SkylakeX"), (KnownCPUs.emeraldRapids, "SkylakeX"),
        (KnownCPUs.zen3, "Zen"), (KnownCPUs.zen4, "SkylakeX"), (KnownCPUs.zen5, "SkylakeX"),
        (KnownCPUs.haswell, "Haswell"), (KnownCPUs.sandyBridge, "Sandybridge"), (KnownCPUs.nehalem, "Nehalem"),
        (KnownCPUs.knightsLanding, "Haswell"),
    ])
    func bestKernelComesFromFeaturesNotTheModel(cpu: CPUFeatures, expected: String) {
        #expect(BLASKernelChoice.best(for: cpu) == expected, "family \(cpu.family) model \(cpu.model)")
    }

    @Test func olderCPUsGetOlderKernels() {
        #expect(BLASKernelChoice.best(for: CPUFeatures(vendor: "GenuineIntel", family: 6, model: 15, extensions: [.sse3, .ssse3])) == "Core2")
        #expect(BLASKernelChoice.best(for: CPUFeatures(vendor: "GenuineIntel", family: 15, model: 4, extensions: [.sse3])) == "Prescott")
        #expect(BLASKernelChoice.best(for: CPUFeatures(vendor: "", family: 0, model: 0, extensions: [])) == "Prescott")
    }

    @Test func fallbackChainsNarrowStepByStep() {
        #expect(BLASKernelChoice.candidates(for: KnownCPUs.emeraldRapids)
                == ["SkylakeX", "Haswell", "Sandybridge", "Nehalem", "Core2", "Prescott"])
        #expect(BLASKernelChoice.candidates(for: KnownCPUs.zen3) == ["Zen", "Sandybridge", "Nehalem", "Core2", "Prescott"])
        #expect(BLASKernelChoice.candidates(for: KnownCPUs.nehalem) == ["Nehalem", "Core2", "Prescott"])
        for cpu in [KnownCPUs.zen5, KnownCPUs.haswell] {
            let ranks = BLASKernelChoice.candidates(for: cpu).map(BLASKernelChoice.widthRank)
            #expect(ranks == ranks.sorted(by: >) && Set(ranks).count == ranks.count)
        }
    }

    @Test func widthRanksTreatCooperlakeAsSkylakeX() {
        #expect(!BLASKernelChoice.isNarrower("Cooperlake", than: "SkylakeX"))
        #expect(!BLASKernelChoice.isNarrower("Zen", than: "Haswell"))
        #expect(BLASKernelChoice.isNarrower("Prescott", than: "SkylakeX"))
        #expect(BLASKernelChoice.isNarrower("Haswell", than: "SkylakeX"))
        #expect(BLASKernelChoice.isNarrower("nonsense", than: "Prescott"))
        #expect(BLASKernelChoice.canonicalName("skylakex") == "SkylakeX")
        #expect(BLASKernelChoice.canonicalName("Cooperlake") == nil)   // OpenBLAS 0.3.21 cannot be forced to it
    }

    @Test func theLoadedKernelIsKnown() {
        #expect(BLASKernelChoice.widthRank(BLASKernelChoice.currentKernel) > 0, "\(BLASKernelChoice.currentKernel)")
        #expect(BLASKernelChoice.libraryConfig.hasPrefix("OpenBLAS"))
    }
}

@Suite struct BLASLaunchPlanTests {
    @Test func emeraldRapidsWithPrescottIsReexecutedWithSkylakeX() throws {
        let plan = try BLASLaunch.plan(environment: [:], cpu: KnownCPUs.emeraldRapids, loadedKernel: "Prescott")
        #expect(plan == .reexecute(coreType: "SkylakeX", marker: "SkylakeX"))
    }

    @Test func theRightKernelIsKept() throws {
        #expect(try BLASLaunch.plan(environment: [:], cpu: KnownCPUs.zen5, loadedKernel: "Cooperlake") == .proceed(warning: nil))
        #expect(try BLASLaunch.plan(environment: [:], cpu: KnownCPUs.zen3, loadedKernel: "Zen") == .proceed(warning: nil))
        #expect(try BLASLaunch.plan(environment: [:], cpu: KnownCPUs.iceLake, loadedKernel: "SkylakeX") == .proceed(warning: nil))
    }

    @Test func theReexecutedProcessVerifiesAndKnowsItsFallback() throws {
        let plan = try BLASLaunch.plan(environment: ["LATENT_BLAS_CHOICE": "SkylakeX", "OPENBLAS_CORETYPE": "SkylakeX"],
                                       cpu: KnownCPUs.emeraldRapids, loadedKernel: "SkylakeX")
        #expect(plan == .verify(kernel: "SkylakeX", fallbackCoreType: "Haswell", fallbackMarker: "Haswell"))
    }

    /// However often the self-test fails, the re-executions step down the chain and end.
    @Test(arguments: [KnownCPUs.emeraldRapids, KnownCPUs.zen3, KnownCPUs.nehalem])
    func failingSelfTestsNeverLoop(cpu: CPUFeatures) throws {
        var environment: [String: String] = [:]
        var loaded = "Prescott"
        var restarts = 0
        var tried: [String] = []
        loop: while true {
            switch try BLASLaunch.plan(environment: environment, cpu: cpu, loadedKernel: loaded) {
            case .proceed:
                break loop
            case .reexecute(let core, let marker), .verify(_, let core, let marker):
                restarts += 1                      // a failing self-test: re-execute as told
                environment["LATENT_BLAS_CHOICE"] = marker
                environment["OPENBLAS_CORETYPE"] = core
                loaded = core ?? "Prescott"
                tried.append(marker)
            }
            #expect(restarts <= 10, "loops: \(tried)")
            if restarts > 10 { break }
        }
        #expect(tried == BLASKernelChoice.candidates(for: cpu) + ["library"])
    }

    @Test func aNarrowInheritedCoreTypeIsRespectedWithAWarning() throws {
        let plan = try BLASLaunch.plan(environment: ["OPENBLAS_CORETYPE": "Haswell"], cpu: KnownCPUs.zen5, loadedKernel: "Haswell")
        guard case .proceed(let warning?) = plan else { Issue.record("expected a warning, got \(plan)"); return }
        #expect(warning.contains("OPENBLAS_CORETYPE=Haswell") && warning.contains("SkylakeX"))
        #expect(try BLASLaunch.plan(environment: ["OPENBLAS_CORETYPE": "SkylakeX"], cpu: KnownCPUs.zen5,
                                    loadedKernel: "SkylakeX") == .proceed(warning: nil))
    }

    @Test func latentBlasCoreForcesAChoice() throws {
        #expect(try BLASLaunch.plan(environment: ["LATENT_BLAS_CORE": "haswell"], cpu: KnownCPUs.zen5, loadedKernel: "Cooperlake")
                == .reexecute(coreType: "Haswell", marker: "Haswell"))
        #expect(try BLASLaunch.plan(environment: ["LATENT_BLAS_CORE": "Prescott", "OPENBLAS_CORETYPE": "Haswell"],
                                    cpu: KnownCPUs.zen5, loadedKernel: "Haswell")
                == .reexecute(coreType: "Prescott", marker: "Prescott"))
        #expect(try BLASLaunch.plan(environment: ["LATENT_BLAS_CORE": "Haswell"], cpu: KnownCPUs.haswell, loadedKernel: "Haswell")
                == .proceed(warning: nil))
    }

    @Test func impossibleOrUnknownForcedCoresAreRefused() {
        expectLatentError(["LATENT_BLAS_CORE", "SkylakeX", "lacks", "Zen"]) {
            _ = try BLASLaunch.plan(environment: ["LATENT_BLAS_CORE": "SkylakeX"], cpu: KnownCPUs.zen3, loadedKernel: "Zen")
        }
        expectLatentError(["LATENT_BLAS_CORE", "'Turbo'", "expected", "Haswell"]) {
            _ = try BLASLaunch.plan(environment: ["LATENT_BLAS_CORE": "Turbo"], cpu: KnownCPUs.haswell, loadedKernel: "Haswell")
        }
    }
}

@Suite struct CPUFeatureDetectionTests {
    /// CPUID as Latent reads it agrees with the kernel's view in /proc/cpuinfo.
    @Test func detectionMatchesTheOperatingSystem() throws {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return }  // not Linux
        let lines = text.split(separator: "\n")
        func field(_ name: String) -> String? {
            lines.first { $0.hasPrefix(name) }.map { $0.split(separator: ":", maxSplits: 1)[1].trimmingCharacters(in: .whitespaces) }
        }
        let cpu = CPUFeatures.current
        let flags = Set((field("flags") ?? "").split(separator: " ").map(String.init))
        let names: [(CPUFeatures.Extension, String)] = [
            (.sse3, "pni"), (.ssse3, "ssse3"), (.sse41, "sse4_1"), (.sse42, "sse4_2"), (.avx, "avx"), (.fma, "fma"),
            (.avx2, "avx2"), (.avx512f, "avx512f"), (.avx512bw, "avx512bw"), (.avx512vl, "avx512vl"),
            (.avx512dq, "avx512dq"), (.avx512cd, "avx512cd"), (.avx512bf16, "avx512_bf16"),
        ]
        for (e, flag) in names {
            #expect(cpu.has(e) == flags.contains(flag), "\(e) vs /proc/cpuinfo flag \(flag)")
        }
        #expect(field("vendor_id") == cpu.vendor)
        #expect(field("cpu family").flatMap { Int($0) } == cpu.family)
        #expect(field("model\t").flatMap { Int($0) } == cpu.model)
        #expect(!cpu.brand.isEmpty)
    }
}

@Suite struct BLASSelfTestTests {
    @Test func theLoadedKernelPasses() {
        let result = BLASSelfTest.run()
        #expect(result.passed, "\(result.summary)")
        #expect(result.worstRelativeError < 1)
    }

    /// A kernel that is wrong in one corner of one transpose pair is caught and named.
    @Test func aSubtlyWrongKernelFails() {
        let result = BLASSelfTest.run { ta, tb, m, n, k, a, lda, b, ldb, c, ldc in
            BLAS.sgemm(transA: ta, transB: tb, m: m, n: n, k: k, alpha: 1, a: a, lda: lda, b: b, ldb: ldb, beta: 0, c: c, ldc: ldc)
            if ta && !tb && m > 16 { c[(m - 1) * ldc + n - 1] += 1e-3 }
        }
        #expect(!result.passed)
        #expect(result.summary.contains("transA=true transB=false"), "\(result.summary)")
    }

    @Test func aKernelWritingNaNFails() {
        let result = BLASSelfTest.run { _, _, m, n, _, _, _, _, _, c, ldc in
            for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) }
            c[0] = .nan
        }
        #expect(!result.passed)
    }
}

import Foundation
import Testing
@testable import LatentTensor

/// The self-test's verdict is kept per CPU and kernel: the test runs once, then the file answers.
@Suite struct BLASSelfTestCacheTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("blas-cache-\(UUID().uuidString)").path
    var file: String { folder + "/latent/blas-self-test" }
    let zen4 = CPUFeatures(vendor: "AuthenticAMD", family: 25, model: 17, extensions: [.avx2, .fma, .avx512f])
    let skylake = CPUFeatures(vendor: "GenuineIntel", family: 6, model: 85, extensions: [.avx2, .fma, .avx512f])

    @Test func runsOnceThenAnswersFromTheFile() {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var runs = 0
        let test = { runs += 1; return BLASSelfTest.Result(passed: true, worstRelativeError: 0.1, summary: "ok") }
        let first = BLASSelfTestCache.verdict(kernel: "SkylakeX", cpu: zen4, file: file, environment: [:], test: test)
        let second = BLASSelfTestCache.verdict(kernel: "SkylakeX", cpu: zen4, file: file, environment: [:], test: test)
        #expect(first.passed && second.passed && runs == 1)
        #expect(second.summary.contains("cached"))
    }

    @Test func aFailureIsRememberedWithItsReason() {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let failing = { BLASSelfTest.Result(passed: false, worstRelativeError: 9, summary: "m=17 n=5 k=33: C[0,0] = 1, expected 2") }
        _ = BLASSelfTestCache.verdict(kernel: "SkylakeX", cpu: zen4, file: file, environment: [:], test: failing)
        let again = BLASSelfTestCache.verdict(kernel: "SkylakeX", cpu: zen4, file: file, environment: [:]) {
            Issue.record("the cached failure should answer"); return BLASSelfTest.Result(passed: true, worstRelativeError: 0, summary: "ok")
        }
        #expect(!again.passed && again.summary.contains("m=17 n=5 k=33"))
    }

    @Test func anotherCPUOrKernelIsTestedAgain() {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var runs = 0
        let test = { runs += 1; return BLASSelfTest.Result(passed: true, worstRelativeError: 0, summary: "ok") }
        _ = BLASSelfTestCache.verdict(kernel: "SkylakeX", cpu: zen4, file: file, environment: [:], test: test)
        _ = BLASSelfTestCache.verdict(kernel: "SkylakeX", cpu: skylake, file: file, environment: [:], test: test)
        _ = BLASSelfTestCache.verdict(kernel: "Haswell", cpu: zen4, file: file, environment: [:], test: test)
        _ = BLASSelfTestCache.verdict(kernel: "SkylakeX", cpu: zen4, file: file, environment: ["LATENT_BLAS_SELF_TEST": "always"], test: test)
        #expect(runs == 4)
        #expect(BLASSelfTestCache.read(file).count == 3)
    }

    @Test func aGarbledOrHugeFileIsNoVerdict() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/latent", withIntermediateDirectories: true)
        try Data([0xFF, 0xFE, 0x00, 0x09]).write(to: URL(fileURLWithPath: file))
        #expect(BLASSelfTestCache.read(file).isEmpty)
        let key = BLASSelfTestCache.key(cpu: zen4, kernel: "SkylakeX")
        try Data((key + "\tpassed\n" + String(repeating: "x", count: BLASSelfTestCache.maxBytes)).utf8).write(to: URL(fileURLWithPath: file))
        #expect(BLASSelfTestCache.read(file).isEmpty)
    }

    @Test func theCacheLivesUnderXDGOrHome() {
        #expect(BLASSelfTestCache.defaultFile(environment: ["XDG_CACHE_HOME": "/c", "HOME": "/h"]) == "/c/latent/blas-self-test")
        #expect(BLASSelfTestCache.defaultFile(environment: ["HOME": "/h"]) == "/h/.cache/latent/blas-self-test")
        #expect(BLASSelfTestCache.defaultFile(environment: ["HOME": "relative"]) == nil)
    }
}

import CCPU
import Foundation
import Testing
@testable import Latent

/// Runs the built `latent` with the CPU settings of the environment cleared, then
/// some environment variables set (a value) or removed (nil).
func runLatent(_ arguments: [String], environment changes: [String: String?]) throws -> LatentBinary.Result {
    var environment: [String: String?] = [:]
    for name in ["OPENBLAS_CORETYPE", "LATENT_BLAS_CORE", "LATENT_BLAS_CHOICE", "LATENT_DENORMALS", "LATENT_THREADS"] {
        environment[name] = .some(nil)
    }
    for (name, value) in changes { environment[name] = .some(value) }
    return try LatentBinary.run(arguments, environment: environment)
}

/// `latent doctor --json` as a dictionary.
func doctorJSON(environment: [String: String?] = [:]) throws -> [String: Any] {
    let result = try runLatent(["doctor", "--json"], environment: environment)
    #expect(result.status == 0, "\(result.error)")
    return try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any], "\(result.output)")
}

@Suite struct DenormalModeTests {
    static let tiny: Float = 1e-20          // tiny × tiny = 1e-40: subnormal, or 0 when flushed

    /// On this thread: FTZ|DAZ flushes the product, and clearing it brings the subnormal back.
    @Test func theCallingThreadFlushesOnlyWhenAsked() {
        let saved = DenormalMode.mxcsr
        defer { latent_set_mxcsr(saved) }
        DenormalMode.setFlushing(true)
        #expect(DenormalMode.isFlushing)
        #expect(latent_multiply_at_runtime(Self.tiny, Self.tiny) == 0)
        #expect(latent_multiply_at_runtime(Float.leastNormalMagnitude, 1) == .leastNormalMagnitude)  // normals untouched
        DenormalMode.setFlushing(false)
        #expect(!DenormalMode.isFlushing)
        let kept = latent_multiply_at_runtime(Self.tiny, Self.tiny)
        #expect(kept > 0 && kept.isSubnormal)
    }

    /// Dispatch workers compute with the caller's setting, whatever theirs was.
    @Test(arguments: [true, false])
    func concurrentPerformWorkersFollowTheCaller(flushing: Bool) {
        let saved = DenormalMode.mxcsr
        defer { latent_set_mxcsr(saved) }
        DenormalMode.setFlushing(flushing)
        let results = UnsafeMutableBufferPointer<Float>.allocate(capacity: 16)
        defer { results.deallocate() }
        let box = SendableFloats(results)
        DenormalMode.concurrentPerform(iterations: 16) { i in
            box.buffer[i] = latent_multiply_at_runtime(DenormalModeTests.tiny, DenormalModeTests.tiny)
        }
        #expect(results.allSatisfy { flushing ? $0 == 0 : $0.isSubnormal && $0 > 0 })
    }

    @Test func theSettingIsValidated() throws {
        #expect(try DenormalMode.wantsFlushing(environment: [:]))
        #expect(try DenormalMode.wantsFlushing(environment: ["LATENT_DENORMALS": "flush"]))
        #expect(try !DenormalMode.wantsFlushing(environment: ["LATENT_DENORMALS": "KEEP"]))
        expectLatentError(["LATENT_DENORMALS", "'off'", "keep"]) {
            _ = try DenormalMode.wantsFlushing(environment: ["LATENT_DENORMALS": "off"])
        }
    }

    /// The `latent` process flushes on its main thread, on OpenBLAS's workers (a product split over
    /// 2 threads in which every term is subnormal comes out all zeros) and on Dispatch workers;
    /// with LATENT_DENORMALS=keep none of them does, so the probe can tell.
    @Test func theCommandFlushesOnEveryKindOfThread() throws {
        let on = try doctorJSON()
        #expect(on["denormals_flushed"] as? Bool == true)
        let probe = try #require(on["denormals_flushed_on"] as? [String: Bool])
        #expect(probe == ["calling_thread": true, "blas_workers": true, "dispatch_workers": true])

        let off = try doctorJSON(environment: ["LATENT_DENORMALS": "keep"])
        #expect(off["denormals_flushed_on"] as? [String: Bool]
                == ["calling_thread": false, "blas_workers": false, "dispatch_workers": false])
        #expect((off["warnings"] as? [String])?.contains { $0.contains("LATENT_DENORMALS") } == true)
    }
}

private final class SendableFloats: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Float>
    init(_ buffer: UnsafeMutableBufferPointer<Float>) { self.buffer = buffer }
}

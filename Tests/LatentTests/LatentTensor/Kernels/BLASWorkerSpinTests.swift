import Foundation
import Testing
@testable import Latent

/// `BLASWorkerSpin`: the `latent` command makes idle OpenBLAS workers sleep after 2^18 cycles instead of
/// 2^28, unless OPENBLAS_THREAD_TIMEOUT says otherwise, and does not pass the variable on.
@Suite struct BLASWorkerSpinTests {
    @Test func latentShortensTheSpinUnlessTheEnvironmentSetsIt() throws {
        let own = try doctorJSON(environment: ["OPENBLAS_THREAD_TIMEOUT": nil])
        #expect(own["blas_worker_spin_exponent"] as? Int == 18, "\(own)")
        let given = try doctorJSON(environment: ["OPENBLAS_THREAD_TIMEOUT": "12"])
        #expect(given["blas_worker_spin_exponent"] as? Int == 12, "the user's setting wins: \(given)")
        #expect((own["physical_cores"] as? Int ?? 0) >= 1)
    }

    @Test func aSetVariableIsLeftAlone() {
        let before = BLASWorkerSpin.exponent
        #expect(!BLASWorkerSpin.apply(environment: ["OPENBLAS_THREAD_TIMEOUT": "20"]))
        #expect(BLASWorkerSpin.exponent == before, "nothing re-read")
        #expect(BLASWorkerSpin.summary.contains("cycles"))
    }
}

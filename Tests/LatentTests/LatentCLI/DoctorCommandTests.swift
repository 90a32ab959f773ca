import Foundation
import Testing
@testable import Latent

/// `latent doctor`, the kernel choice at launch, and the thread settings, run as a user would.
@Suite struct DoctorCommandTests {
    @Test func reportsTheCPUAndTheWidestKernel() throws {
        let report = try doctorJSON()
        let cpu = try #require(report["cpu"] as? [String: Any])
        #expect(cpu["family"] as? Int == CPUFeatures.current.family)
        #expect(cpu["model"] as? Int == CPUFeatures.current.model)
        let blas = try #require(report["blas"] as? [String: Any])
        let kernel = try #require(blas["kernel"] as? String)
        #expect(blas["best_kernel"] as? String == BLASKernelChoice.best(for: .current))
        #expect(!BLASKernelChoice.isNarrower(kernel, than: BLASKernelChoice.best(for: .current)), "\(kernel)")
        #expect((blas["library"] as? String)?.hasPrefix("OpenBLAS") == true)
        #expect(report["threads"] as? Int == 1)
        #expect(["debug", "release"].contains(report["build"] as? String ?? ""))
    }

    @Test func textReportNamesEachPart() throws {
        let result = try runLatent(["doctor", "--self-test"], environment: [:])
        #expect(result.status == 0)
        for part in ["CPU ", "instructions", "BLAS ", "kernel ", "self-test     passed", "threads ", "denormals ", "build "] {
            #expect(result.output.contains(part), "missing '\(part)' in \(result.output)")
        }
    }

    /// An inherited OPENBLAS_CORETYPE is respected, with one warning line.
    @Test func aNarrowInheritedKernelIsKeptAndWarnedAbout() throws {
        let best = BLASKernelChoice.best(for: .current)
        guard best != "Prescott" else { return }        // nothing narrower to force on this CPU
        let result = try runLatent(["doctor", "--json"], environment: ["OPENBLAS_CORETYPE": "Prescott"])
        #expect(result.status == 0)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        #expect((report["blas"] as? [String: Any])?["kernel"] as? String == "Prescott")
        let warnings = result.error.split(separator: "\n").filter { $0.hasPrefix("warning:") }
        #expect(warnings.count == 1 && warnings[0].contains("OPENBLAS_CORETYPE=Prescott") && warnings[0].contains(best),
                "\(result.error)")
    }

    /// LATENT_BLAS_CORE re-executes once with the forced kernel, which passes its self-test.
    @Test func latentBlasCoreForcesTheKernel() throws {
        guard BLASKernelChoice.widthRank(BLASKernelChoice.best(for: .current)) >= 3 else { return }
        let report = try doctorJSON(environment: ["LATENT_BLAS_CORE": "nehalem"])
        let blas = try #require(report["blas"] as? [String: Any])
        #expect(blas["kernel"] as? String == "Nehalem")
        #expect((blas["kernel_origin"] as? String)?.contains("self-test passed") == true, "\(blas)")
    }

    @Test func badSettingsAreOneLineErrors() throws {
        let cases: [([String: String?], [String])] = [
            (["LATENT_BLAS_CORE": "Turbo"], ["LATENT_BLAS_CORE", "'Turbo'"]),
            (["LATENT_THREADS": "0"], ["LATENT_THREADS", "'0'", "1 to 256"]),
            (["LATENT_THREADS": "lots"], ["LATENT_THREADS", "'lots'"]),
            (["LATENT_DENORMALS": "sometimes"], ["LATENT_DENORMALS", "'sometimes'"]),
        ]
        for (environment, fragments) in cases {
            let result = try runLatent(["doctor"], environment: environment)
            #expect(result.status == 1)
            #expect(result.error.split(separator: "\n").count == 1, "\(result.error)")
            for f in fragments { #expect(result.error.contains(f), "\(result.error) lacks \(f)") }
        }
    }

    @Test func threadsFromTheEnvironmentAreValidated() throws {
        #expect(try BLAS.threadCount(environment: [:]) == 1)
        #expect(try BLAS.threadCount(environment: ["LATENT_THREADS": "4"]) == 4)
        #expect(try BLAS.threadCount(environment: ["LATENT_THREADS": "256"]) == 256)
        for bad in ["0", "257", "-1", "2.5", "99999999999999999999"] {
            expectLatentError(["LATENT_THREADS", "'\(bad)'", "1 to 256"]) {
                _ = try BLAS.threadCount(environment: ["LATENT_THREADS": bad])
            }
        }
        let report = try doctorJSON(environment: ["LATENT_THREADS": "2"])
        #expect(report["threads"] as? Int == 2)
    }

    @Test(arguments: ["0", "257"])
    func trainRefusesThreadsOutOfRange(value: String) throws {
        let result = try runLatent(["train", "vae", "--threads", value], environment: [:])
        #expect(result.status != 0)
        #expect(result.error.contains("--threads must be from 1 to 256, got \(value)"), "\(result.error)")
    }

    /// config.json files written before the thread count was recorded still load.
    @Test func configWithoutThreadsDecodes() throws {
        let json = """
        {"family":"vae","latentVersion":"0.1.0","created":"2026-01-01T00:00:00Z","command":["latent"],
         "data":{"binarize":"none","labelColumn":"first","scale":"unit","seed":0,"source":"mnist","validation":0},"dataDescription":"d","imageShape":[1,2,2],"trainCount":1,"validationCount":0,"testCount":0,
         "training":{"epochs":1,"batchSize":1,"learningRate":0.001,"optimizer":"adam","momentum":0.9,"seed":0,"imageEvery":1},
         "model":{}}
        """
        do {
            let config = try JSONDecoder().decode(RunConfig.self, from: Data(json.utf8))
            #expect(config.threads == nil)
            var withThreads = config
            withThreads.threads = 3
            let again = try JSONDecoder().decode(RunConfig.self, from: JSONEncoder().encode(withThreads))
            #expect(again.threads == 3)
        } catch {
            Issue.record("\(error)")
        }
    }
}

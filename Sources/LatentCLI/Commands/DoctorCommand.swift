import ArgumentParser
import Foundation
import Latent

/// `latent doctor`: what this machine and build give Latent, and what leaves speed on the table.
struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Show the CPU, BLAS kernel, threads, denormal mode and build, with speed warnings.",
        discussion: """
        Examples:
          latent doctor
          latent doctor --json
          OPENBLAS_CORETYPE=Prescott latent doctor     # shows the warning for a narrow kernel
        """)

    @Flag(help: "Print one JSON object.")
    var json = false

    @Flag(help: "Also run the BLAS numeric self-test (a few milliseconds).")
    var selfTest = false

    func run() throws {
        BLAS.configureFromEnvironment()
        let report = SystemReport.current(probeDenormals: true)
        let check = selfTest ? BLASSelfTest.run() : nil
        if json {
            var object = report.dictionary
            if let check { object["blas_self_test"] = ["passed": check.passed, "summary": check.summary] }
            object["mpi"] = Communicators.summary()
            object["blas_worker_spin_exponent"] = BLASWorkerSpin.exponent
            object["physical_cores"] = CPUTopology.current.physicalCores
            if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted]) {
                print(String(decoding: data, as: UTF8.self))
            }
            return
        }
        let cpu = report.cpu
        print("CPU           \(cpu.brand.isEmpty ? "unknown" : cpu.brand) (\(cpu.vendor), family \(cpu.family) model \(cpu.model))")
        print("instructions  \(cpu.extensionList)")
        print("BLAS          \(report.blasConfig)")
        let sameWidth = report.kernel != report.bestKernel && !BLASKernelChoice.isNarrower(report.kernel, than: report.bestKernel)
        print("kernel        \(report.kernel) (\(report.kernelOrigin); best for this CPU: \(report.bestKernel)\(sameWidth ? ", same vector width" : ""))")
        if let check { print("self-test     \(check.passed ? "passed" : "FAILED: \(check.summary)")") }
        print("convolutions  \(ConvolutionBackend.summary)")
        print("threads       \(report.threads) (of \(report.logicalCPUs) logical CPUs, \(CPUTopology.current.physicalCores) physical cores; "
              + "--threads or LATENT_THREADS, else measured by each training run)")
        print("BLAS idle     workers spin \(BLASWorkerSpin.summary)")
        print("denormals     \(report.flushesDenormals ? "flushed (FTZ/DAZ on)" : "kept (FTZ/DAZ off)")"
              + (report.denormalProbe.map { p in
                  func yn(_ b: Bool) -> String { b ? "flushed" : "kept" }
                  return "; measured: main thread \(yn(p.callingThread)), BLAS workers \(yn(p.blasWorkers)), "
                      + "Dispatch workers \(yn(p.dispatchWorkers))"
              } ?? ""))
        print("build         \(report.build) (bounds and overflow checks on\(report.build == "debug" ? ", assertions on" : ""))")
        print("MPI           \(Communicators.summary())")
        for warning in report.warnings { print("warning: \(warning)") }
    }
}

import Foundation

/// How the `latent` command makes OpenBLAS use the kernel ``BLASKernelChoice``
/// picks: OpenBLAS chooses when it loads (before `main`), so the command
/// re-executes itself once with `OPENBLAS_CORETYPE` set when the loaded kernel
/// is narrower than the best one for the CPU. The re-executed process checks the
/// kernel with ``BLASSelfTest`` (once per CPU and kernel: ``BLASSelfTestCache``) and falls back to the next narrower kernel (with a
/// one-line warning) if it computes wrong results. The environment variable
/// `LATENT_BLAS_CHOICE` marks a re-executed process, so this never loops.
///
/// Settings: `LATENT_BLAS_CORE=NAME` forces a kernel (refused when the CPU lacks
/// its instructions); an inherited `OPENBLAS_CORETYPE` is respected, with a
/// warning when it is narrower than the best.
///
/// Library users do not get the re-execution; they can ask for the plan:
/// ```swift
/// let plan = try BLASLaunch.plan(environment: ProcessInfo.processInfo.environment,
///                                cpu: .current, loadedKernel: BLASKernelChoice.currentKernel)
/// if case .reexecute(let core, _) = plan { print("set OPENBLAS_CORETYPE=\(core ?? "") before launch") }
/// ```
public enum BLASLaunch {
    /// Marks a process Latent re-executed: the kernel it chose, or "library" for OpenBLAS's own choice.
    public static let markerVariable = "LATENT_BLAS_CHOICE"

    /// What to do at launch.
    public enum Plan: Equatable, Sendable {
        /// Keep the loaded kernel; print the warning if there is one.
        case proceed(warning: String?)
        /// Re-execute with `OPENBLAS_CORETYPE` set to `coreType` (unset when nil) and the marker set.
        case reexecute(coreType: String?, marker: String)
        /// Latent chose the loaded kernel: self-test it; if it fails, warn and re-execute with the fallback.
        case verify(kernel: String, fallbackCoreType: String?, fallbackMarker: String)
    }

    /// Decides from the environment, the CPU and the kernel OpenBLAS loaded. Pure.
    /// Throws `LatentError.invalidArgument` for an unknown `LATENT_BLAS_CORE` or one the CPU cannot run.
    public static func plan(environment: [String: String], cpu: CPUFeatures, loadedKernel: String) throws -> Plan {
        let best = BLASKernelChoice.best(for: cpu)
        if let marker = environment[markerVariable], !marker.isEmpty {
            if marker == "library" { return .proceed(warning: nil) }
            let ladder = BLASKernelChoice.candidates(for: cpu)
            if let i = ladder.firstIndex(where: { $0.caseInsensitiveCompare(marker) == .orderedSame }), i + 1 < ladder.count {
                return .verify(kernel: marker, fallbackCoreType: ladder[i + 1], fallbackMarker: ladder[i + 1])
            }
            return .verify(kernel: marker, fallbackCoreType: nil, fallbackMarker: "library")
        }
        if let forced = environment["LATENT_BLAS_CORE"], !forced.isEmpty {
            guard let name = BLASKernelChoice.canonicalName(forced) else {
                throw LatentError.invalidArgument("LATENT_BLAS_CORE is '\(forced)'; expected an OpenBLAS core type such as "
                    + BLASKernelChoice.candidates(for: cpu).joined(separator: ", "))
            }
            if BLASKernelChoice.widthRank(name) > BLASKernelChoice.widthRank(best) {
                throw LatentError.invalidArgument("LATENT_BLAS_CORE is '\(name)', but this CPU lacks its instructions; "
                    + "the widest kernel it runs is \(best)")
            }
            if name.caseInsensitiveCompare(loadedKernel) == .orderedSame { return .proceed(warning: nil) }
            return .reexecute(coreType: name, marker: name)
        }
        if let inherited = environment["OPENBLAS_CORETYPE"], !inherited.isEmpty {
            if BLASKernelChoice.isNarrower(loadedKernel, than: best) {
                return .proceed(warning: "OPENBLAS_CORETYPE=\(inherited) selects the \(loadedKernel) kernel, narrower than "
                    + "this CPU's best (\(best)); unset it, or set LATENT_BLAS_CORE=\(best), for full speed")
            }
            return .proceed(warning: nil)
        }
        if BLASKernelChoice.isNarrower(loadedKernel, than: best) {
            return .reexecute(coreType: best, marker: best)
        }
        return .proceed(warning: nil)
    }

    /// How this process's kernel came about, for `latent doctor`:
    /// "chosen by OpenBLAS", "chosen by Latent (SkylakeX, self-test passed)", …
    nonisolated(unsafe) public static var outcome = "chosen by OpenBLAS"

    /// The command line's launch step: plans, and re-executes `/proc/self/exe`
    /// with the same arguments when the plan says so (never returns then).
    /// Warnings go to `warn`. Call first thing in `main`, before any threads start.
    public static func applyAtLaunch(warn: (String) -> Void) throws {
        let environment = ProcessInfo.processInfo.environment
        let loaded = BLASKernelChoice.currentKernel
        switch try plan(environment: environment, cpu: .current, loadedKernel: loaded) {
        case .proceed(let warning):
            if let warning { warn(warning) }
            if environment["LATENT_BLAS_CORE"] != nil && environment[markerVariable] == nil {
                outcome = "forced by LATENT_BLAS_CORE"
            } else if environment["OPENBLAS_CORETYPE"] != nil && environment[markerVariable] == nil {
                outcome = "forced by OPENBLAS_CORETYPE"
            } else if environment[markerVariable] == "library" {
                outcome = "chosen by OpenBLAS (Latent's choice failed its self-test)"
            }
        case .reexecute(let coreType, let marker):
            reexecute(coreType: coreType, marker: marker, warn: warn)
        case .verify(let kernel, let fallbackCoreType, let fallbackMarker):
            let check = BLASSelfTestCache.verdict(kernel: loaded) { BLASSelfTest.run() }
            if check.passed {
                outcome = environment["LATENT_BLAS_CORE"] != nil ? "forced by LATENT_BLAS_CORE (\(loaded), self-test passed)"
                                                                 : "chosen by Latent (\(loaded), self-test passed)"
                unsetenv(markerVariable)          // child processes decide for themselves
                unsetenv("OPENBLAS_CORETYPE")
            } else {
                warn("BLAS kernel \(kernel) failed Latent's numeric self-test (\(check.summary)); "
                     + "falling back to \(fallbackCoreType ?? "OpenBLAS's own choice")")
                reexecute(coreType: fallbackCoreType, marker: fallbackMarker, warn: warn)
            }
        }
    }

    private static func reexecute(coreType: String?, marker: String, warn: (String) -> Void) {
        if let coreType { setenv("OPENBLAS_CORETYPE", coreType, 1) } else { unsetenv("OPENBLAS_CORETYPE") }
        setenv(markerVariable, marker, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // Only reached when execv failed: carry on with the loaded kernel.
        warn("could not restart with the \(coreType ?? "default") BLAS kernel (\(String(cString: strerror(errno)))); "
             + "continuing with \(BLASKernelChoice.currentKernel)")
        unsetenv(markerVariable)
    }
}

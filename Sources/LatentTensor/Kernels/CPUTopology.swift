import Foundation

/// The CPUs this process may run on and the physical cores behind them (SMT siblings count once), read
/// from Linux's `/proc/self/status` (`Cpus_allowed_list`, which honours `taskset` and container cpusets)
/// and `/sys/devices/system/cpu/cpuN/topology`. Falls back to Foundation's processor count elsewhere.
///
/// ```swift
/// CPUTopology.current.physicalCores      // 8 on a laptop with 8 cores and 16 hardware threads
/// CPUTopology.parseCPUList("0-3,8")      // [0, 1, 2, 3, 8]
/// ```
public struct CPUTopology: Sendable, Equatable {
    /// Logical CPUs the process may use.
    public var allowedCPUs: [Int]
    /// Distinct (package, core) pairs among them.
    public var physicalCores: Int

    /// Reads the topology now. `read` returns a file's text (injected by tests).
    public static func read(_ read: (String) -> String? = { try? String(contentsOfFile: $0, encoding: .utf8) }) -> CPUTopology {
        let fallback = Swift.max(1, ProcessInfo.processInfo.activeProcessorCount)
        let status = read("/proc/self/status") ?? ""
        let listLine = status.split(separator: "\n").first { $0.hasPrefix("Cpus_allowed_list:") }
        let cpus = listLine.flatMap { parseCPUList(String($0.dropFirst("Cpus_allowed_list:".count))) } ?? []
        guard !cpus.isEmpty else { return CPUTopology(allowedCPUs: Array(0..<fallback), physicalCores: fallback) }
        var cores = Set<String>()
        for cpu in cpus {
            let base = "/sys/devices/system/cpu/cpu\(cpu)/topology/"
            let core = read(base + "core_id")?.trimmingCharacters(in: .whitespacesAndNewlines)
            let package = read(base + "physical_package_id")?.trimmingCharacters(in: .whitespacesAndNewlines)
            // Without topology files each logical CPU counts as a core.
            cores.insert(core.map { "\(package ?? "0"):\($0)" } ?? "cpu\(cpu)")
        }
        return CPUTopology(allowedCPUs: cpus, physicalCores: Swift.max(1, cores.count))
    }

    /// This process's topology, read once.
    public static let current = read()

    /// "0-3,8,10-11" → [0, 1, 2, 3, 8, 10, 11]; nil for text that is not such a list (or absurdly long).
    public static func parseCPUList(_ text: String) -> [Int]? {
        var cpus: [Int] = []
        for part in text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",") {
            let ends = part.split(separator: "-", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard (1...2).contains(ends.count), let low = ends[0], let high = ends.last ?? nil,
                  low >= 0, high >= low, high < 1 << 16, cpus.count + (high - low + 1) <= 1 << 16 else { return nil }
            cpus += Array(low...high)
        }
        return cpus.isEmpty ? nil : cpus
    }
}

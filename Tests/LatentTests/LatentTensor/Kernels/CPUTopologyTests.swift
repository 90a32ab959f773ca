import Testing
@testable import Latent
@testable import LatentTensor

/// `CPUTopology`: the allowed-CPU list and physical cores from Linux's files (given here as text).
@Suite struct CPUTopologyTests {
    @Test func cpuListsParse() {
        #expect(CPUTopology.parseCPUList("0-3,8,10-11\n") == [0, 1, 2, 3, 8, 10, 11])
        #expect(CPUTopology.parseCPUList("5") == [5])
        for bad in ["", "a", "3-1", "-1", "1-", "0-99999999", "1,,2x"] {
            #expect(CPUTopology.parseCPUList(bad) == nil, "\(bad)")
        }
    }

    /// Files of a machine: `cores` (package, core) per logical CPU, `allowed` the process's list.
    func files(allowed: String, cores: [(Int, Int)]) -> (String) -> String? {
        { path in
            if path == "/proc/self/status" { return "Name:\tlatent\nCpus_allowed:\tff\nCpus_allowed_list:\t\(allowed)\nMems_allowed:\t1\n" }
            for (cpu, (package, core)) in cores.enumerated() {
                if path == "/sys/devices/system/cpu/cpu\(cpu)/topology/core_id" { return "\(core)\n" }
                if path == "/sys/devices/system/cpu/cpu\(cpu)/topology/physical_package_id" { return "\(package)\n" }
            }
            return nil
        }
    }

    @Test func hardwareThreadsOfOneCoreCountOnce() {
        // 4 cores with 2 hardware threads each: CPUs 0-3 and 4-7 are siblings.
        let smt = (0..<8).map { (0, $0 % 4) }
        #expect(CPUTopology.read(files(allowed: "0-7", cores: smt)) == CPUTopology(allowedCPUs: Array(0...7), physicalCores: 4))
        // taskset -c 0,4: two hardware threads of one core.
        #expect(CPUTopology.read(files(allowed: "0,4", cores: smt)).physicalCores == 1)
        // Two packages whose core ids repeat.
        let twoSockets = (0..<4).map { ($0 / 2, $0 % 2) }
        #expect(CPUTopology.read(files(allowed: "0-3", cores: twoSockets)).physicalCores == 4)
        // No topology files (a container without /sys): each allowed CPU counts.
        #expect(CPUTopology.read(files(allowed: "2-4", cores: [])).physicalCores == 3)
    }

    @Test func withoutTheStatusFileTheProcessorCountIsUsed() {
        let t = CPUTopology.read { _ in nil }
        #expect(t.physicalCores >= 1 && t.allowedCPUs.count == t.physicalCores)
        #expect(CPUTopology.current.physicalCores >= 1)
    }
}

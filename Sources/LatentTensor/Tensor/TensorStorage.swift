import CBLAS
#if canImport(Glibc)
import Glibc
#endif

/// The buffer behind a tensor: 64-byte aligned floats, shared between tensors
/// until one of them writes (copy on write, see `Tensor.withMutableData`).
public final class TensorStorage: @unchecked Sendable {
    public let pointer: UnsafeMutablePointer<Float>
    public let count: Int

    /// Uninitialised storage; callers must write every element before reading.
    public init(uninitializedCount count: Int) {
        _ = TensorStorage.heapTuned
        self.count = count
        pointer = TensorStorage.allocate(max(1, count))
    }

    /// 64-byte aligned memory for `count` floats. A request the machine cannot meet (a model or
    /// batch far too large) ends the process with one line saying so, not a crash with a backtrace.
    static func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
        let (bytes, overflow) = count.multipliedReportingOverflow(by: MemoryLayout<Float>.stride)
        var raw: UnsafeMutableRawPointer?
        if overflow || posix_memalign(&raw, 64, bytes) != 0 || raw == nil {
            let size = overflow ? "more than 9 EB" : "\((Double(bytes) / 1e8).rounded() / 10) GB"
            let line = "Error: out of memory: a tensor of \(count) numbers needs \(size); use a smaller model, batch or image count\n"
            _ = line.withCString { write(2, $0, strlen($0)) }
            exit(1)
        }
        return raw!.bindMemory(to: Float.self, capacity: count)
    }

    public convenience init(repeating value: Float, count: Int) {
        self.init(uninitializedCount: count)
        pointer.initialize(repeating: value, count: count)
    }

    public func copy() -> TensorStorage {
        let s = TensorStorage(uninitializedCount: count)
        s.pointer.update(from: pointer, count: count)
        return s
    }

    deinit { free(pointer) }

    /// Keeps large buffers on the heap instead of fresh mmap'd pages. By
    /// default glibc maps every buffer above 128 KiB anew and unmaps it on free,
    /// so each training step paid for page faults and the kernel's zeroing of
    /// the same im2col and activation buffers (15 % of a conv-VAE step in
    /// `perf`). Freed memory is now reused by the next step instead.
    static let heapTuned: Bool = {
        _ = mallopt(M_MMAP_THRESHOLD, 1 << 30)
        _ = mallopt(M_TRIM_THRESHOLD, Int32.max)
        return true
    }()
}

import CBLAS

/// The buffer behind a tensor: 64-byte aligned floats, shared between tensors
/// until one of them writes (copy on write, see `Tensor.withMutableData`).
public final class TensorStorage: @unchecked Sendable {
    public let pointer: UnsafeMutablePointer<Float>
    public let count: Int

    /// Uninitialised storage; callers must write every element before reading.
    public init(uninitializedCount count: Int) {
        _ = TensorStorage.heapTuned
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(1, count) * MemoryLayout<Float>.stride, alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: max(1, count))
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

    deinit { UnsafeMutableRawPointer(pointer).deallocate() }

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

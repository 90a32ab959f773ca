import Foundation
import LatentTensor

/// Bytes that stay put while any image set uses them: a read-only memory map
/// of a file (several processes reading one file share its pages in the page
/// cache) or a heap buffer (a decompressed gzip file, decoded PNGs).
///
/// ```swift
/// let bytes = try PixelBuffer.mapping("train-images-idx3-ubyte", offset: 16, count: 47_040_000)
/// bytes.pointer[0]   // the first pixel
/// ```
public final class PixelBuffer: @unchecked Sendable {
    /// The first byte of the data.
    public let pointer: UnsafePointer<UInt8>
    /// Bytes of data.
    public let count: Int
    /// True when the bytes are a memory map of a file.
    public let isMapped: Bool
    private let mapping: (base: UnsafeMutableRawPointer, length: Int)?

    /// A zeroed heap buffer of `count` bytes, filled by `fill` before anyone else sees it.
    init(count: Int, fill: (UnsafeMutablePointer<UInt8>) throws -> Void) rethrows {
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: Swift.max(count, 1))
        p.initialize(repeating: 0, count: Swift.max(count, 1))
        do { try fill(p) } catch { p.deallocate(); throw error }
        pointer = UnsafePointer(p)
        self.count = count
        isMapped = false
        mapping = nil
    }

    /// A copy of `bytes`.
    convenience init(_ bytes: [UInt8]) {
        self.init(count: bytes.count) { p in bytes.withUnsafeBufferPointer { p.update(from: $0.baseAddress!, count: bytes.count) } }
    }

    /// Maps `count` bytes of the file at `path` from `offset` on, read-only and
    /// shared. The caller has validated the file's size against its header; the
    /// size is checked again on the open descriptor (the file may have changed
    /// since), so a truncated file is refused here rather than faulting later.
    static func mapping(_ path: String, offset: Int, count: Int) throws -> PixelBuffer {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw LatentError.invalidFile(path: path, reason: "cannot open the file") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            throw LatentError.invalidFile(path: path, reason: "not a regular file")
        }
        guard offset >= 0, count >= 0, Int(info.st_size) == offset + count else {
            throw LatentError.invalidFile(path: path, reason: "has \(info.st_size) bytes; its header declares \(offset + count)")
        }
        let length = offset + count
        guard length > 0 else { return PixelBuffer(count: 0) { _ in } }
        guard let base = mmap(nil, length, PROT_READ, MAP_SHARED, fd, 0), base != MAP_FAILED else {
            throw LatentError.invalidFile(path: path, reason: "cannot map the file into memory (\(String(cString: strerror(errno))))")
        }
        return PixelBuffer(mapped: base, length: length, offset: offset, count: count)
    }

    private init(mapped base: UnsafeMutableRawPointer, length: Int, offset: Int, count: Int) {
        pointer = UnsafePointer((base + offset).assumingMemoryBound(to: UInt8.self))
        self.count = count
        isMapped = true
        mapping = (base, length)
    }

    deinit {
        if let mapping { munmap(mapping.base, mapping.length) } else { UnsafeMutablePointer(mutating: pointer).deallocate() }
    }
}

/// Images kept as one byte per pixel, turned into Floats only for the rows
/// asked for: row `i` of the set is row `rows[i]` of `buffer` (all rows in
/// order when `rows` is nil), and byte `b` stands for `table[b]`.
///
/// The table is computed by running the same Tensor operations the Float path
/// runs (÷255, static binarization by threshold, `PixelRange.fromUnit`) on the
/// 256 possible bytes, so a converted row is bitwise the Float path's row.
struct ByteImages: Sendable {
    let buffer: PixelBuffer
    /// Bytes (= pixels) per image.
    let rowLength: Int
    /// Rows of `buffer` in this set's order; nil for all of them.
    var rows: [Int]?
    /// The Float each byte value stands for.
    var table: [Float]

    init(buffer: PixelBuffer, rowLength: Int, rows: [Int]? = nil, table: [Float]) {
        precondition(rowLength > 0 && buffer.count % rowLength == 0, "ByteImages: \(buffer.count) bytes in rows of \(rowLength)")
        precondition(table.count == 256, "ByteImages: a table of \(table.count) values")
        self.buffer = buffer
        self.rowLength = rowLength
        self.rows = rows
        self.table = table
    }

    var count: Int { rows?.count ?? buffer.count / rowLength }

    /// Byte value `b` as the readers of 8-bit files scale it: `Float(b) · (1/255)`
    /// through the tensor kernel that scales a Float tensor by 1/255 (IDX, NPY uint8).
    static let idxTable: [Float] = Tensor((0..<256).map(Float.init)).scaled(by: 1 / 255).scalars

    /// Byte value `b` as the PNG decoder scales it: `Float(b) / 255`.
    static let pngTable: [Float] = (0..<256).map { Float($0) / 255 }

    /// The set's rows at `indices` (positions in this set) as a [indices.count, rowLength] tensor.
    func gather(_ indices: [Int]) -> Tensor {
        let out = Tensor(uninitializedShape: [indices.count, rowLength])
        let dst = out.storage.pointer
        let src = buffer.pointer
        let n = count
        table.withUnsafeBufferPointer { t in
            for (k, i) in indices.enumerated() {
                precondition(i >= 0 && i < n, "row \(i) of \(n)")
                let row = rows?[i] ?? i
                let from = src + row * rowLength
                let to = dst + k * rowLength
                for j in 0..<rowLength { to[j] = t[Int(from[j])] }
            }
        }
        return out
    }

    /// Every row, in order.
    func all() -> Tensor { gather(Array(0..<count)) }

    /// The rows at `indices` (positions in this set): no bytes are copied.
    func subset(_ indices: [Int]) -> ByteImages {
        var s = self
        s.rows = rows.map { r in indices.map { r[$0] } } ?? indices
        return s
    }

    /// The table after an element-wise Tensor operation (each value sees the
    /// same arithmetic wherever it sits in a tensor, so this is exact).
    func mapped(_ f: (Tensor) -> Tensor) -> ByteImages {
        var s = self
        s.table = f(Tensor(table)).scalars
        precondition(s.table.count == 256, "an element-wise map changed the table's size")
        return s
    }

    /// Static Bernoulli binarization with the draws `Tensor.bernoulli` makes on
    /// the whole [count, rowLength] set (chunks of an even number of values keep
    /// the generator's pairs aligned): a new buffer of 0/1 bytes whose table is
    /// `[0, 1]` mapped by `then`.
    func binarized(rng: inout RandomGenerator, then: (Tensor) -> Tensor) -> ByteImages {
        let total = count * rowLength
        var chunkRows = Swift.max(1, (1 << 20) / rowLength)
        if (chunkRows * rowLength) % 2 == 1 { chunkRows += 1 }
        var generator = rng
        let bytes = PixelBuffer(count: total) { out in
            var start = 0
            while start < count {
                let end = Swift.min(count, start + chunkRows)
                let p = Tensor.bernoulli(gather(Array(start..<end)), rng: &generator)
                p.withData { v in
                    let base = out + start * rowLength
                    for j in 0..<p.count { base[j] = v[j] != 0 ? 1 : 0 }
                }
                start = end
            }
        }
        rng = generator
        var table = then(Tensor([0, 1])).scalars
        table += [Float](repeating: 0, count: 254)
        return ByteImages(buffer: bytes, rowLength: rowLength, rows: nil, table: table)
    }

    /// Exact bytes for `values` (all of them `table[b]` for some byte b), or nil when one is not.
    static func bytes(of values: UnsafeBufferPointer<Float>, table: [Float], into out: UnsafeMutablePointer<UInt8>) -> Bool {
        for (i, v) in values.enumerated() {
            guard v >= 0, v <= 1 else { return false }
            let b = Int((v * 255).rounded())
            guard table[b].bitPattern == v.bitPattern else { return false }
            out[i] = UInt8(b)
        }
        return true
    }
}

import LatentTensor

/// The data part of a file whose header declares an array's shape (IDX,
/// NPY): the size is checked against the element limit, `maxBytes` and — for
/// a plain file — the bytes left on disk before anything is allocated; then
/// exactly the declared bytes are streamed into a Float tensor (a gzip stream
/// is never inflated further), and truncation or trailing data is refused.
///
/// ```swift
/// let t = try DeclaredArray.read(from: reader, shape: [60000, 28, 28], elementWidth: 1,
///                                described: "dimensions [60000, 28, 28] of unsigned bytes",
///                                maxBytes: 1 << 30, fail: fail) { bytes, floats in /* convert */ }
/// ```
enum DeclaredArray {
    /// The most elements one array may hold (a Float tensor of them is 8 GiB).
    static let maxElementCount = Int(Int32.max)

    /// `described` names the declaration in messages ("shape (3, 4) of <f4").
    static func read(from reader: GzipFile.Reader, shape: [Int], elementWidth: Int, described: String, maxBytes: Int,
                     fail: (String) -> LatentError,
                     convert: (UnsafeRawBufferPointer, UnsafeMutablePointer<Float>) -> Void) throws -> Tensor {
        var count = 1
        for d in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: d)
            guard d >= 0, !overflow, product <= maxElementCount else {
                throw fail("\(described) is too large (more than \(maxElementCount) elements)")
            }
            count = product
        }
        let dataBytes = count * elementWidth
        let needed = Swift.max(dataBytes, count * MemoryLayout<Float>.size)
        guard needed <= maxBytes else {
            throw fail("\(described) needs \(needed) bytes, more than the limit of \(maxBytes) (raise it with --max-bytes if the file is genuine)")
        }
        if let size = reader.plainFileSize {
            let available = size - reader.bytesRead
            guard available >= dataBytes else {
                throw fail("truncated: \(described) needs \(dataBytes) bytes of data but the file holds \(available)")
            }
            guard available == dataBytes else {
                throw fail("\(available - dataBytes) bytes left over after the \(dataBytes) bytes of data that \(described) declares")
            }
        }
        let tensor = Tensor(uninitializedShape: shape)
        let dst = tensor.storage.pointer
        let found = try reader.stream(dataBytes, alignment: elementWidth) { chunk, offset in
            convert(chunk, dst + offset / elementWidth)
        }
        guard found == dataBytes else {
            throw fail("truncated: \(described) needs \(dataBytes) bytes of data but the file holds \(found)")
        }
        guard try reader.isAtEnd() else {
            throw fail("data left over after the \(dataBytes) bytes that \(described) declares")
        }
        return tensor
    }
}

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
        let dataBytes = try validate(reader, shape: shape, elementWidth: elementWidth, described: described, maxBytes: maxBytes, fail: fail)
        let tensor = Tensor(uninitializedShape: shape)
        let dst = tensor.storage.pointer
        let found = try reader.stream(dataBytes, alignment: elementWidth) { chunk, offset in
            convert(chunk, dst + offset / elementWidth)
        }
        try finish(reader, found: found, dataBytes: dataBytes, described: described, fail: fail)
        return tensor
    }

    /// The data of an array of bytes, kept as bytes: a plain file is
    /// memory-mapped (read-only, shared), a gzip file inflated once into a heap
    /// buffer. The same checks as `read` run first, so nothing is mapped or
    /// allocated for a file whose size disagrees with its header.
    ///
    /// ```swift
    /// let bytes = try DeclaredArray.readBytes(from: reader, shape: [60000, 28, 28], described: "…",
    ///                                         maxBytes: 1 << 30, fail: fail)
    /// ```
    static func readBytes(from reader: GzipFile.Reader, shape: [Int], described: String, maxBytes: Int,
                          fail: (String) -> LatentError) throws -> PixelBuffer {
        let dataBytes = try validate(reader, shape: shape, elementWidth: 1, described: described, maxBytes: maxBytes, fail: fail)
        if reader.plainFileSize != nil {
            return try PixelBuffer.mapping(reader.path, offset: reader.bytesRead, count: dataBytes)
        }
        var found = 0
        let buffer = try PixelBuffer(count: dataBytes) { dst in
            found = try reader.stream(dataBytes, alignment: 1) { chunk, offset in
                guard let base = chunk.baseAddress, chunk.count > 0 else { return }
                (dst + offset).update(from: base.assumingMemoryBound(to: UInt8.self), count: chunk.count)
            }
            try finish(reader, found: found, dataBytes: dataBytes, described: described, fail: fail)
        }
        return buffer
    }

    /// Checks the declared size against the element limit, `maxBytes` (as Floats,
    /// the most any caller may turn them into) and a plain file's remaining
    /// bytes; returns the bytes of data.
    static func validate(_ reader: GzipFile.Reader, shape: [Int], elementWidth: Int, described: String, maxBytes: Int,
                         fail: (String) -> LatentError) throws -> Int {
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
        return dataBytes
    }

    /// Refuses a stream that ended early or has data after the declared bytes.
    static func finish(_ reader: GzipFile.Reader, found: Int, dataBytes: Int, described: String, fail: (String) -> LatentError) throws {
        guard found == dataBytes else {
            throw fail("truncated: \(described) needs \(dataBytes) bytes of data but the file holds \(found)")
        }
        guard try reader.isAtEnd() else {
            throw fail("data left over after the \(dataBytes) bytes that \(described) declares")
        }
    }
}

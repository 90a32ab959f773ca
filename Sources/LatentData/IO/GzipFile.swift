import CZlib
import Foundation
import LatentTensor

/// Reads files that may be gzip-compressed (zlib's gzread passes plain files
/// through unchanged): all at once with a cap (`read`), or step by step with a
/// `Reader`, so a format reader can look at its header before it decides how
/// much to read and allocate.
///
/// ```swift
/// let bytes = try GzipFile.read("train-images-idx3-ubyte.gz", maxBytes: 100 << 20)
/// ```
public enum GzipFile {
    /// The whole file, decompressed; a file that holds more than `maxBytes`
    /// (a decompression bomb) is refused as soon as it passes the limit,
    /// without inflating the rest.
    public static func read(_ path: String, maxBytes: Int = ReadOptions.defaultMaxBytes) throws -> Data {
        try readAll(Reader(path), maxBytes: maxBytes)
    }

    static func readAll(_ reader: Reader, maxBytes: Int) throws -> Data {
        func tooBig() -> LatentError {
            .invalidFile(path: reader.path, reason: "holds more than \(maxBytes) bytes once decompressed (the limit; raise it with --max-bytes if the file is genuine)")
        }
        let limit = Swift.max(maxBytes, 0)
        if let size = reader.plainFileSize, size > limit { throw tooBig() }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: Swift.min(1 << 20, limit) + 1)
        while true {
            // Never ask for more than one byte past the limit.
            let room = limit - data.count
            let wanted = room >= buffer.count ? buffer.count : room + 1
            let n = try buffer.withUnsafeMutableBytes { try reader.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<wanted])) }
            guard n <= room else { throw tooBig() }
            data.append(buffer, count: n)
            if n < wanted { return data }
        }
    }

    /// Reads a file front to back, inflating gzip on the fly (a plain file
    /// passes through), and never more than asked for.
    ///
    /// ```swift
    /// let reader = try GzipFile.Reader("t10k-labels-idx1-ubyte.gz")
    /// let magic = try reader.read(4)            // fewer bytes only at the end of the file
    /// let done = try reader.isAtEnd()
    /// ```
    final class Reader {
        let path: String
        private let file: gzFile
        /// Decompressed bytes handed out so far (a test can see that a reader stopped early).
        private(set) var bytesRead = 0
        /// The size on disk of a regular, uncompressed file; nil for gzip files and
        /// anything that is not a regular file.
        let plainFileSize: Int?

        init(_ path: String) throws {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw LatentError.invalidFile(path: path, reason: "no such file")
            }
            guard !isDirectory.boolValue else { throw LatentError.invalidFile(path: path, reason: "is a folder, not a file") }
            guard let file = gzopen(path, "rb") else {
                throw LatentError.invalidFile(path: path, reason: "cannot open the file")
            }
            self.path = path
            self.file = file
            let attributes = try? FileManager.default.attributesOfItem(atPath: path)
            if gzdirect(file) == 1, attributes?[.type] as? FileAttributeType == .typeRegular,
               let size = attributes?[.size] as? Int {
                plainFileSize = size
            } else {
                plainFileSize = nil
            }
        }

        deinit { gzclose(file) }

        /// Fills `buffer` as far as the file allows and returns how many bytes it
        /// read: fewer than `buffer.count` only at the end of the file.
        func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
            var filled = 0
            while filled < buffer.count {
                let ask = UInt32(Swift.min(buffer.count - filled, 1 << 30))
                let n = Int(gzread(file, buffer.baseAddress! + filled, ask))
                if n < 0 { throw corrupt() }
                if n == 0 {
                    var code: Int32 = 0
                    _ = gzerror(file, &code)
                    if code != Z_OK { throw corrupt() }
                    break
                }
                filled += n
            }
            bytesRead += filled
            return filled
        }

        /// Up to `count` bytes; fewer only at the end of the file.
        func read(_ count: Int) throws -> [UInt8] {
            var bytes = [UInt8](repeating: 0, count: count)
            let n = try bytes.withUnsafeMutableBytes { try read(into: $0) }
            return Array(bytes.prefix(n))
        }

        /// Streams the next `count` bytes through `body` in chunks of at most about
        /// 1 MiB, each a multiple of `alignment` bytes and given with its offset,
        /// and returns how many bytes there were: less than `count` only when the
        /// file ends early.
        func stream(_ count: Int, alignment: Int, _ body: (UnsafeRawBufferPointer, Int) -> Void) throws -> Int {
            precondition(count >= 0 && alignment > 0, "stream(\(count), alignment: \(alignment))")
            let chunk = Swift.max(1, Swift.min(count, 1 << 20) / alignment) * alignment
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 16)
            defer { buffer.deallocate() }
            var done = 0
            while done < count {
                let wanted = Swift.min(chunk, count - done)
                let n = try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<wanted]))
                body(UnsafeRawBufferPointer(rebasing: buffer[0..<(n / alignment * alignment)]), done)
                done += n
                if n < wanted { break }
            }
            return done
        }

        /// True when nothing is left to read (it reads one byte to find out).
        func isAtEnd() throws -> Bool { try read(1).isEmpty }

        private func corrupt() -> LatentError {
            var code: Int32 = 0
            let message = gzerror(file, &code).map { String(cString: $0) } ?? "unknown error"
            return .invalidFile(path: path, reason: "corrupt or truncated compressed data (\(message.isEmpty ? "error \(code)" : message))")
        }
    }
}

import CZlib
import Foundation

/// Reads a whole file, transparently inflating gzip (zlib's gzread also
/// passes plain files through unchanged), refusing to hold more than
/// `maxBytes` (a decompression bomb stops there, with an error).
///
/// ```swift
/// let bytes = try GzipFile.read("train-images-idx3-ubyte.gz", maxBytes: 100 << 20)
/// ```
public enum GzipFile {
    public static func read(_ path: String, maxBytes: Int = ReadOptions.defaultMaxBytes) throws -> Data {
        guard FileManager.default.fileExists(atPath: path) else {
            throw LatentError.invalidFile(path: path, reason: "no such file")
        }
        guard let file = gzopen(path, "rb") else {
            throw LatentError.invalidFile(path: path, reason: "cannot open the file")
        }
        defer { gzclose(file) }
        var data = Data()
        let chunk = 1 << 20
        var buffer = [UInt8](repeating: 0, count: chunk)
        while true {
            let n = buffer.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32(chunk)) }
            if n < 0 {
                var code: Int32 = 0
                let message = gzerror(file, &code).map { String(cString: $0) } ?? "unknown error"
                throw LatentError.invalidFile(path: path, reason: "corrupt or truncated compressed data (\(message))")
            }
            if n == 0 { break }
            guard data.count + Int(n) <= maxBytes else {
                throw LatentError.invalidFile(path: path, reason: "holds more than \(maxBytes) bytes once decompressed (the limit; raise it with --max-bytes if the file is genuine)")
            }
            data.append(buffer, count: Int(n))
        }
        return data
    }
}

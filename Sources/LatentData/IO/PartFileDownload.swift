import Foundation
import LatentTensor
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Streams one HTTP(S) download into a file as it arrives, refusing an error
/// status, a body larger than `limit`, and a connection silent for `timeout`
/// seconds. The caller owns the file (it is left in place on failure).
///
/// ```swift
/// try PartFileDownload.run(url, to: "cache/t10k-labels-idx1-ubyte.gz.part", limit: 4_542, timeout: 30)
/// ```
final class PartFileDownload: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    // Touched only on the session's serial delegate queue until `done` is signalled.
    private let handle: FileHandle
    private let limit: Int
    private var received = 0
    private var refusal: LatentError?
    private var failure: (any Error)?
    private let done = DispatchSemaphore(value: 0)

    private init(handle: FileHandle, limit: Int) {
        self.handle = handle
        self.limit = limit
    }

    static func run(_ url: URL, to path: String, limit: Int, timeout: TimeInterval) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw LatentError.invalidFile(path: path, reason: "cannot create the download file")
        }
        defer { try? handle.close() }
        let download = PartFileDownload(handle: handle, limit: limit)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = Swift.max(timeout, 900)
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        let session = URLSession(configuration: configuration, delegate: download, delegateQueue: queue)
        session.dataTask(with: url).resume()
        download.done.wait()
        session.finishTasksAndInvalidate()
        if let refusal = download.refusal { throw refusal }
        if let failure = download.failure { throw failure }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        if let http = response as? HTTPURLResponse, !(200..<300).contains(http.statusCode) {
            refusal = .invalidArgument("cannot download \(response.url?.absoluteString ?? "the file"): the server answered HTTP \(http.statusCode)")
            completionHandler(.cancel)
            return
        }
        if response.expectedContentLength > Int64(limit) {
            refusal = .invalidArgument("cannot download \(response.url?.absoluteString ?? "the file"): the server announces \(response.expectedContentLength) bytes, expected at most \(limit)")
            completionHandler(.cancel)
            return
        }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        guard refusal == nil, failure == nil else { return }
        let (total, overflow) = received.addingReportingOverflow(data.count)
        guard !overflow, total <= limit else {
            refusal = .invalidArgument("cannot download \(dataTask.originalRequest?.url?.absoluteString ?? "the file"): more than the expected \(limit) bytes")
            dataTask.cancel()
            return
        }
        received = total
        do {
            try handle.write(contentsOf: data)
        } catch {
            failure = error
            dataTask.cancel()
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        if refusal == nil, failure == nil { failure = error }
        done.signal()
    }
}

import FlyingFox
import FlyingSocks
import Foundation
import LatentTensor

/// `ServeApp` on a TCP port, through FlyingFox (a small HTTP/1.1 server on plain sockets and Swift concurrency).
/// Every request goes to `ServeApp.handle` as it was sent: the raw target (FlyingFox's own path clean-up is not
/// used, so `ServePath` sees `..` and `%2F` and refuses them) and the headers; a body is never read.
///
/// ```swift
/// let server = try ServeServer(app: ServeApp(runs: "runs"), host: "127.0.0.1", port: 8080)
/// try await server.run()
/// ```
public struct ServeServer: Sendable {
    public let app: ServeApp
    public let host: String
    public let port: UInt16
    let server: HTTPServer

    /// An IPv4 address (`127.0.0.1` by default, `0.0.0.0` for every interface); port 0 picks a free one.
    public init(app: ServeApp, host: String = "127.0.0.1", port: UInt16 = 8080) throws {
        self.app = app
        self.host = host
        self.port = port
        let address: sockaddr_in
        do { address = try .inet(ip4: host, port: port) } catch {
            throw LatentError.invalidArgument("--host \(host) is not an IPv4 address (e.g. 127.0.0.1 or 0.0.0.0)")
        }
        server = HTTPServer(address: address, timeout: 15, logger: .disabled, handler: Adapter(app: app))
    }

    /// Serves until the task is cancelled.
    public func run() async throws { try await server.run() }

    /// Waits until the socket listens and returns its port (the chosen one when `port` was 0).
    public func listeningPort() async throws -> UInt16 {
        try await server.waitUntilListening()
        guard case let .ip4(_, port)? = await server.listeningAddress else { return port }
        return port
    }

    public func stop() async { await server.stop() }

    struct Adapter: HTTPHandler {
        let app: ServeApp

        func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse {
            var headers: [String: String] = [:]
            for (name, value) in request.headers { headers[name.rawValue.lowercased()] = value }
            let length = Int(headers["content-length"] ?? "0") ?? Int.max
            let chunked = headers["transfer-encoding"] != nil
            let r = app.handle(ServeRequest(method: request.method.rawValue, target: request.target.rawValue, headers: headers,
                                            bodyLength: chunked ? Int.max : length))
            var out = HTTPHeaders()
            for (k, v) in r.headers { out[HTTPHeader(k)] = v }
            if r.status >= 400 && (length > 0 || chunked) { out[HTTPHeader("Connection")] = "close" }
            return HTTPResponse(statusCode: HTTPStatusCode(r.status, phrase: r.reason), headers: out, body: r.body)
        }
    }
}

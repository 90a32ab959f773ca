import Foundation
import Testing
@testable import Latent
@testable import LatentServe

/// `latent-serve` on a real socket: an ephemeral port on 127.0.0.1, requests written by hand so the target
/// reaches the server exactly as sent (no client cleans up `..` or `%2F`). The blocking client runs on a
/// Dispatch thread, so it never holds one of the few threads the server's tasks run on.
@Suite(.serialized) struct ServeServerTests {
    let fixture = ServeFixture()

    /// Sends `request` to 127.0.0.1:`port` and reads the whole answer (the request asks to close).
    func exchange(_ request: String, port: UInt16) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try blockingExchange(request, port: port) }) }
        }
    }

    func blockingExchange(_ request: String, port: UInt16) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw LatentError.invalidArgument("no socket") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw LatentError.invalidArgument("cannot connect to port \(port)") }
        let bytes = Array(request.utf8)
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        var answer = [UInt8](), buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            answer += buffer[0..<n]
        }
        return String(decoding: answer, as: UTF8.self)
    }

    func get(_ target: String, port: UInt16, extra: String = "") async throws -> String {
        try await exchange("GET \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n\(extra)Connection: close\r\n\r\n", port: port)
    }

    @Test func servesPagesJSONAndPicturesOnALoopbackPort() async throws {
        let run = try fixture.run("r")
        let server = try ServeServer(app: fixture.app(), host: "127.0.0.1", port: 0)
        let task = Task { try await server.run() }
        defer { task.cancel() }
        let port = try await server.listeningPort()
        #expect(port != 0)

        let index = try await get("/", port: port)
        #expect(index.hasPrefix("HTTP/1.1 200") && index.contains("/static/app.js"))
        let metrics = try await get("/api/run/r/metrics", port: port)
        #expect(metrics.hasPrefix("HTTP/1.1 200") && metrics.contains("\"epochs_done\":2"))
        let png = try await get("/run/r/images/samples-epoch-001.png", port: port)
        #expect(png.hasPrefix("HTTP/1.1 200") && png.lowercased().contains("content-type: image/png"))
        #expect(try await get("/static/app.js", port: port).contains("function chart("))

        // As sent on the wire: dot segments and encoded slashes are refused, not cleaned up into something else.
        try Data("outside".utf8).write(to: URL(fileURLWithPath: fixture.tmp.file("outside.png")))
        for target in ["/run/r/images/../../../outside.png", "/run/r/images/..%2F..%2F..%2Foutside.png", "/run/r/../r/config.json",
                       "/run/r/images/%2e%2e/%2e%2e/%2e%2e/outside.png"] {
            let r = try await get(target, port: port)
            #expect(r.hasPrefix("HTTP/1.1 404"), "\(target): \(r.prefix(40))")
        }
        let body = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello"
        #expect(try await exchange(body, port: port).hasPrefix("HTTP/1.1 413"))
        #expect(try await exchange("POST /api/runs HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", port: port).hasPrefix("HTTP/1.1 405"))
        #expect(try await exchange("GET / HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n", port: port).hasPrefix("HTTP/1.1 421"))
        _ = run
        await server.stop()
    }

    @Test func aTokenGuardsEveryRequestOnTheWire() async throws {
        try fixture.run("r")
        let secret = "abcdefghijklmnop1234"
        let server = try ServeServer(app: fixture.app(token: secret), host: "127.0.0.1", port: 0)
        let task = Task { try await server.run() }
        defer { task.cancel() }
        let port = try await server.listeningPort()
        #expect(try await get("/api/runs", port: port).hasPrefix("HTTP/1.1 401"))
        let first = try await get("/?token=\(secret)", port: port)
        #expect(first.hasPrefix("HTTP/1.1 200") && first.lowercased().contains("set-cookie: latent_token=\(secret)"))
        #expect(try await get("/api/runs", port: port, extra: "Cookie: latent_token=\(secret)\r\n").hasPrefix("HTTP/1.1 200"))
        await server.stop()
    }
}

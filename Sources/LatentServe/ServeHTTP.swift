import Foundation

/// One HTTP request as `latent-serve` sees it, independent of the server library: the method, the
/// request target exactly as sent (still percent-encoded), the headers (names lower-cased) and the body's size.
///
/// ```swift
/// let response = app.handle(ServeRequest(target: "/api/runs"))
/// ```
public struct ServeRequest: Sendable {
    public var method: String
    public var target: String
    public var headers: [String: String]
    public var bodyLength: Int

    public init(method: String = "GET", target: String, headers: [String: String] = ["host": "127.0.0.1"], bodyLength: Int = 0) {
        self.method = method
        self.target = target
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { $1 })
        self.bodyLength = bodyLength
    }

    /// The path before `?`, still percent-encoded.
    public var rawPath: Substring { target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "" }

    /// The query's items, decoded (`+` is a space); the last of a repeated name wins.
    public var query: [String: String] {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return [:] }
        var items: [String: String] = [:]
        for pair in parts[1].split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String { String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            items[decode(kv[0])] = kv.count > 1 ? decode(kv[1]) : ""
        }
        return items
    }

    /// The value of cookie `name`, if sent.
    public func cookie(_ name: String) -> String? {
        for part in (headers["cookie"] ?? "").split(separator: ";") {
            let kv = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            if kv.count == 2, kv[0] == name { return String(kv[1]) }
        }
        return nil
    }
}

/// An HTTP response: status, headers and body.
public struct ServeResponse: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: Data

    public init(status: Int = 200, contentType: String, body: Data, headers: [String: String] = [:]) {
        self.status = status
        self.headers = headers
        self.headers["content-type"] = contentType
        self.body = body
    }

    /// A JSON body (sorted keys).
    public static func json(_ object: Any, status: Int = 200) -> ServeResponse {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return ServeResponse(status: status, contentType: "application/json; charset=utf-8", body: data, headers: ["cache-control": "no-store"])
    }

    /// A one-line plain-text error.
    public static func error(_ status: Int, _ message: String) -> ServeResponse {
        ServeResponse(status: status, contentType: "text/plain; charset=utf-8", body: Data((message + "\n").utf8))
    }

    public static func html(_ text: String) -> ServeResponse {
        ServeResponse(contentType: "text/html; charset=utf-8", body: Data(text.utf8), headers: ["cache-control": "no-store"])
    }

    /// The body as text (for tests and logs).
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// The reason phrase of `status`.
    public var reason: String {
        [200: "OK", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
         413: "Content Too Large", 414: "URI Too Long", 421: "Misdirected Request", 429: "Too Many Requests",
         431: "Request Header Fields Too Large", 500: "Internal Server Error", 503: "Service Unavailable"][status] ?? "Status"
    }
}

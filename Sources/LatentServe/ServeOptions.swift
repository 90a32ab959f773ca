import Foundation
import LatentTensor

/// What `latent-serve` is asked: the runs folder, the address and the token.
///
/// Only the loopback address is served without a token; any other `--host` gets the given `--token` or a
/// generated one, printed in the address to open.
///
/// ```swift
/// let options = try ServeOptions(runs: "runs", host: "0.0.0.0", port: 8080, token: nil).checked()
/// options.token   // a generated 32-digit token
/// ```
public struct ServeOptions: Sendable, Equatable {
    public var runs = "runs"
    public var host = "127.0.0.1"
    public var port = 8080
    public var token: String?

    public init(runs: String = "runs", host: String = "127.0.0.1", port: Int = 8080, token: String? = nil) {
        self.runs = runs
        self.host = host
        self.port = port
        self.token = token
    }

    /// The options with a token generated when a host other than the loopback address has none; one `LatentError`
    /// line for a port out of range, a short token or a missing runs folder.
    public func checked() throws -> ServeOptions {
        guard (0...65535).contains(port) else { throw LatentError.invalidArgument("--port must be 0 to 65535, got \(port)") }
        if let token, token.count < 16 || !token.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) {
            throw LatentError.invalidArgument("--token must be at least 16 letters, digits, '-' or '_'")
        }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: runs, isDirectory: &isFolder), isFolder.boolValue else {
            throw LatentError.invalidArgument("no runs folder at '\(runs)'; start a run with `latent train vae` or name the folder with --runs")
        }
        var o = self
        if host != "127.0.0.1" && o.token == nil { o.token = ServeApp.generateToken() }
        return o
    }

    /// The address to open in a browser (with the token when there is one).
    public func url(port: UInt16) -> String {
        let shown = host == "0.0.0.0" ? "127.0.0.1" : host
        return "http://\(shown):\(port)/" + (token.map { "?token=\($0)" } ?? "")
    }
}

extension ServeServer {
    /// The server `options` describe (check them first with `ServeOptions.checked`).
    public init(_ options: ServeOptions) throws {
        try self.init(app: ServeApp(runs: options.runs, token: options.token), host: options.host, port: UInt16(options.port))
    }
}

import ArgumentParser
import Foundation
import LatentServe

/// `latent-serve`: watch runs in a browser while they train.
@main
struct LatentServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "latent-serve",
        abstract: "Watch runs in a browser: the runs, each run's curves and pictures as it trains, runs compared.",
        discussion: """
        Read-only: nothing in the runs folder is changed. Only 127.0.0.1 is served unless --host is given, and then \
        every request needs the token (--token, or one generated and printed at start).
        Examples:
          latent-serve --runs runs --port 8080
          latent-serve --host 0.0.0.0 --token "$(openssl rand -hex 16)"
        """)

    @Option(help: "Folder holding the runs.")
    var runs = ProcessInfo.processInfo.environment["LATENT_RUNS"] ?? "runs"
    @Option(help: "Port to listen on (0 picks a free one).")
    var port = 8080
    @Option(help: "IPv4 address to listen on; anything but 127.0.0.1 needs a token (0.0.0.0: every interface).")
    var host = "127.0.0.1"
    @Option(help: "Secret every request must carry (at least 16 letters or digits); generated when --host is given without one.")
    var token: String?

    func run() async throws {
        let options = try ServeOptions(runs: runs, host: host, port: port, token: token).checked()
        let server = try ServeServer(options)
        let task = Task { try await server.run() }
        let port = try await server.listeningPort()
        // Written at once (not through print's buffer), so a script reading the pipe sees the address.
        FileHandle.standardOutput.write(Data("serving \(options.runs)/ read-only at \(options.url(port: port)) (Ctrl-C stops)\n".utf8))
        try await task.value
    }
}

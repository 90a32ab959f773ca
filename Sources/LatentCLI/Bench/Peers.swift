import Foundation
import Latent

/// One implementation of a workload that Latent is timed against: a reference
/// script run by a Python that has its library.
struct Peer: Sendable {
    /// `--peers` name: "torch", "torch-compile", "jax", "sklearn".
    let id: String
    /// The library ("PyTorch") and how it runs ("eager", "compiled"), for the table.
    let library: String
    let variant: String?
    /// What its Python must import.
    let module: String
    let script: String
    let arguments: [String]
    /// The key of its version in the script's JSON result or its `env` record.
    let versionKey: String

    /// "PyTorch 2.5.1 eager", "JAX 0.4.30".
    func label(_ result: [String: Any]) -> String {
        let env = result["env"] as? [String: Any]
        let version = ((result[versionKey] ?? env?[versionKey]) as? String).map { " " + ($0.split(separator: "+").first.map(String.init) ?? $0) } ?? ""
        return library + version + (variant.map { " " + $0 } ?? "")
    }
}

/// The peers of each workload: the reference scripts that do the same work.
enum PeerCatalog {
    static let ids = ["torch", "torch-compile", "jax", "sklearn"]

    static func torch(_ script: String, _ arguments: [String]) -> Peer {
        Peer(id: "torch", library: "PyTorch", variant: "eager", module: "torch", script: script, arguments: arguments, versionKey: "torch")
    }

    static func torchCompiled(_ script: String, _ arguments: [String]) -> Peer {
        Peer(id: "torch-compile", library: "PyTorch", variant: "compiled", module: "torch", script: script,
             arguments: arguments + ["--compile"], versionKey: "torch")
    }

    static func jax(_ script: String, _ arguments: [String]) -> Peer {
        Peer(id: "jax", library: "JAX", variant: nil, module: "jax", script: script, arguments: arguments, versionKey: "jax")
    }

    static func sklearn(_ script: String, _ arguments: [String]) -> Peer {
        Peer(id: "sklearn", library: "scikit-learn", variant: nil, module: "sklearn", script: script, arguments: arguments, versionKey: "sklearn")
    }
}

/// Which peers to run and with which Python: `--python` (PyTorch, scikit-learn)
/// and `--jax-python` (JAX; `--python` when not given). A peer whose library
/// its Python cannot import is skipped with one line saying so.
struct PeerRunner {
    let reference: ReferenceRunner?
    /// Each peer that can run, with its Python.
    let runnable: [(peer: Peer, python: String)]
    /// One line per peer that cannot, saying why.
    let skipped: [String]

    init(_ peers: [Peer], options: BenchOptions) throws {
        let (reference, reason) = ReferenceRunner.locate(python: options.python, reference: options.reference)
        self.reference = reference
        let wanted = try options.peerIDs()
        let chosen = peers.filter { wanted?.contains($0.id) ?? true }
        guard let reference else {
            (runnable, skipped) = ([], chosen.isEmpty ? [] : ["peers skipped — \(reason)"])
            return
        }
        var importable: [String: Bool] = [:]
        var runnable: [(Peer, String)] = [], skipped: [String] = []
        for peer in chosen {
            let python = peer.module == "jax"
                ? (options.jaxPython ?? ProcessInfo.processInfo.environment["LATENT_JAX_PYTHON"] ?? reference.python) : reference.python
            let key = python + " " + peer.module
            if importable[key] == nil { importable[key] = ReferenceRunner.canImport(peer.module, python: python) }
            if importable[key] == true {
                runnable.append((peer, python))
            } else {
                let hint = peer.module == "jax" ? "; give a Python with jax and optax by --jax-python PATH" : ""
                skipped.append("\(peer.library)\(peer.variant.map { " " + $0 } ?? "") skipped — \(python) cannot import \(peer.module)\(hint)")
            }
        }
        (self.runnable, self.skipped) = (runnable, skipped)
    }

    /// Runs every runnable peer at `threads`; the fastest first. A peer that fails is reported and left out.
    func measure(threads: Int, quality: String?) -> [PeerResult] {
        guard let reference else { return [] }
        var results: [PeerResult] = []
        for (peer, python) in runnable {
            do {
                let r = try reference.run(peer.script, peer.arguments, threads: threads, python: python)
                guard let speed = r["train_images_per_sec"] as? Double else {
                    throw LatentError.invalidArgument("reference \(peer.script) reported no train_images_per_sec")
                }
                let env = r["env"] as? [String: Any]
                results.append(PeerResult(id: peer.id, label: peer.label(r), imagesPerSecond: speed,
                                          quality: quality.flatMap { PeerResult.number(r[$0]) }, otherLoad: env?["other_procs_cpu_frac"] as? Double))
            } catch {
                FileHandle.standardError.write(Data("warning: \(peer.library) peer left out: \(error)\n".utf8))
            }
        }
        return results.sorted { $0.imagesPerSecond > $1.imagesPerSecond }
    }
}

/// A peer's measured speed at one thread count.
struct PeerResult {
    let id: String
    let label: String
    let imagesPerSecond: Double
    /// The workload's quality figure (test pseudo-likelihood, −ELBO) when it has one.
    let quality: Double?
    /// Share of the machine's CPU time other processes used while it ran (0–1), when the script reports it.
    let otherLoad: Double?

    /// A number, or the last of a per-epoch list.
    static func number(_ value: Any?) -> Double? {
        (value as? Double) ?? (value as? [Double])?.last
    }
}

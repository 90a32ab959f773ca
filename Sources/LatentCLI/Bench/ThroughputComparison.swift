import Foundation
import Latent

/// The loop every training-throughput benchmark shares: at each thread count,
/// Latent's images/s, then every peer's (the fastest first) with the ratio
/// Latent ÷ peer; for MLP workloads also the share of the CPU's GEMM roofline
/// Latent reaches. A table or JSON.
struct ThroughputComparison {
    let options: BenchOptions
    let workload: String
    let title: String
    let peers: [Peer]
    /// Training FLOPs per image (MLP workloads), for the roofline fraction.
    var flopsPerImage: Double? = nil
    /// The workload's quality figure: its name in the table and the key in a peer's JSON result.
    var quality: (name: String, key: String)? = nil

    /// Latent's side of one measurement.
    struct Measured {
        let imagesPerSecond: Double
        var quality: Double? = nil
    }

    func run(ours: () throws -> Measured) throws {
        let counts = try options.threadCounts()
        options.printSystemSummary()
        let runner = try PeerRunner(peers, options: options)
        var rows: [[String: Any]] = []
        if !options.json {
            print("\(workload) \(title)")
            for line in runner.skipped { print("  \(line)") }
            print("threads   Latent img/s   peer                          img/s   Latent ÷ peer" + (quality.map { "   \($0.name)" } ?? ""))
        }
        for threads in counts {
            BLAS.threads = threads
            let mine = try ours()
            let theirs = runner.measure(threads: threads, quality: quality?.key)
            var row: [String: Any] = ["threads": threads, "latent_images_per_sec": mine.imagesPerSecond,
                                      "peers": theirs.map { p -> [String: Any] in
                                          ["id": p.id, "label": p.label, "images_per_sec": p.imagesPerSecond,
                                           "ratio": mine.imagesPerSecond / p.imagesPerSecond,
                                           "quality": p.quality ?? NSNull(), "other_processes_cpu": p.otherLoad ?? NSNull()]
                                      }]
            if let q = mine.quality { row["latent_quality"] = q }
            if let fastest = theirs.first { row["ratio_vs_fastest_peer"] = mine.imagesPerSecond / fastest.imagesPerSecond }
            let roofline = flopsPerImage.map { Roofline(flopsPerImage: $0, imagesPerSecond: mine.imagesPerSecond) }
            if let roofline {
                row["roofline"] = ["training_gflops": roofline.achieved, "sgemm_gflops": roofline.sgemm, "sgemm_shape": Roofline.shape,
                                   "fraction": roofline.fraction, "flops_per_image": roofline.flopsPerImage]
            }
            rows.append(row)
            guard !options.json else { continue }
            func qualityText(_ q: Double?) -> String { quality == nil ? "" : "   " + (q.map { String(format: "%.2f", $0) } ?? "—") }
            let first = String(format: "%7d   %12.0f   ", threads, mine.imagesPerSecond)
            if theirs.isEmpty { print(first + "(no peer)".padding(toLength: 27, withPad: " ", startingAt: 0) + "      —   —" + qualityText(mine.quality)) }
            for (i, p) in theirs.enumerated() {
                print((i == 0 ? first : String(repeating: " ", count: first.count))
                      + p.label.padding(toLength: 27, withPad: " ", startingAt: 0)
                      + String(format: " %8.0f   ", p.imagesPerSecond) + ratioText(mine.imagesPerSecond, p.imagesPerSecond).padding(toLength: 13, withPad: " ", startingAt: 0)
                      + qualityText(p.quality)
                      + ((p.otherLoad ?? 0) > 0.1 ? String(format: "   (other processes used %.0f%% of the CPU)", 100 * p.otherLoad!) : ""))
            }
            if quality != nil { print(String(repeating: " ", count: first.count) + "Latent".padding(toLength: 27, withPad: " ", startingAt: 0) + String(repeating: " ", count: 24) + qualityText(mine.quality)) }
            if let roofline {
                print(String(repeating: " ", count: 10) + String(format: "roofline: %.2f MFLOP/image × %.0f img/s = %.1f GFLOP/s = %.0f%% of sgemm %@ (%.1f GFLOP/s)",
                                                                   roofline.flopsPerImage / 1e6, mine.imagesPerSecond, roofline.achieved,
                                                                   100 * roofline.fraction, Roofline.shape, roofline.sgemm))
            }
        }
        if options.json { printJSON(["workload": workload, "title": title, "rows": rows, "skipped_peers": runner.skipped]) }
    }
}

/// How much of the CPU's matrix-multiply speed a training loop turns into
/// training FLOPs: the loop's GFLOP/s over sgemm's on a large square product,
/// measured at the same thread count right after it.
struct Roofline {
    static let shape = "1024²"
    let flopsPerImage: Double
    let achieved: Double
    let sgemm: Double
    var fraction: Double { achieved / sgemm }

    init(flopsPerImage: Double, imagesPerSecond: Double) {
        self.flopsPerImage = flopsPerImage
        achieved = flopsPerImage * imagesPerSecond / 1e9
        sgemm = GemmBenchmark.run(m: 1024, k: 1024, n: 1024, trials: 5, minimumTrialSeconds: 0.1).gflops.median
    }
}

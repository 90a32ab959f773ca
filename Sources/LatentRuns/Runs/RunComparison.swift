import Foundation
import LatentData
import LatentOutput

/// Several runs side by side: one table of every metric each run has (its
/// last epoch's metrics and its saved evaluations), their sample grids, and
/// their main curves overlaid — as Markdown, HTML and SVG.
///
/// ```swift
/// let files = try RunComparison(runs: [vae, gan, rbm]).write(to: "runs/compare")
/// ```
public struct RunComparison {
    public let runs: [RunDirectory]

    public init(runs: [RunDirectory]) { self.runs = runs }

    /// Metrics of a run: the last epoch's (prefixed "train: " when the evaluation has the same name) and evaluation.json's.
    public func metrics(_ run: RunDirectory) -> [String: Double] {
        var m: [String: Double] = [:]
        for (k, v) in run.metrics.epochRecords().last ?? [:] where k != "epoch" {
            if let d = v as? Double { m[k] = d } else if let i = v as? Int { m[k] = Double(i) }
        }
        for (k, v) in RunEvaluation.load(run) { m[k] = v }
        return m
    }

    /// Writes compare.md, compare.html and curves.svg into `folder`; returns their paths.
    @discardableResult
    public func write(to folder: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let all = runs.map(metrics)
        let keys = Array(Set(all.flatMap(\.keys))).filter { !["seconds", "images_per_sec", "test_images", "samples"].contains($0) }.sorted()
        func cell(_ v: Double?) -> String { v.map { Swift.abs($0) >= 100 ? String(format: "%.2f", $0) : String(format: "%.4g", $0) } ?? "—" }
        var md = "| metric | " + runs.map { "\($0.name) (\($0.config.family))" }.joined(separator: " | ") + " |\n"
        md += "|---|" + String(repeating: "---|", count: runs.count) + "\n"
        for k in keys { md += "| \(k) | " + all.map { cell($0[k]) }.joined(separator: " | ") + " |\n" }
        try AtomicFile.write(Data(md.utf8), to: URL(fileURLWithPath: folder + "/compare.md"))

        var chart = LineChart(title: "Training curves", xLabel: "epoch", yLabel: "each run's main metric")
        for run in runs {
            let key = ["val_loss", "loss", "g_loss", "val_pseudo_likelihood", "reconstruction_error"].first { !run.metrics.series($0).x.isEmpty }
            if let key { let s = run.metrics.series(key); chart.add("\(run.name): \(key)", x: s.x, y: s.y) }
        }
        try chart.write(to: folder + "/curves.svg")

        let base = URL(fileURLWithPath: folder).standardizedFileURL
        func relative(_ path: String) -> String {
            let target = URL(fileURLWithPath: path).standardizedFileURL.pathComponents
            let from = base.pathComponents
            var common = 0
            while common < Swift.min(target.count, from.count) && target[common] == from[common] { common += 1 }
            return (Array(repeating: "..", count: from.count - common) + target[common...]).joined(separator: "/")
        }
        var html = "<!doctype html><html><head><meta charset=\"utf-8\"><title>Comparison</title><style>body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td.k{text-align:left}figure{display:inline-block;margin:.5em;vertical-align:top}img.px{image-rendering:pixelated}</style></head><body><h1>Comparison</h1>\n"
        html += "<table><tr><th>metric</th>" + runs.map { "<th>\(RunReport.esc($0.name))<br>\(RunReport.esc($0.config.family))</th>" }.joined() + "</tr>\n"
        for k in keys { html += "<tr><td class=\"k\">\(RunReport.esc(k))</td>" + all.map { "<td>\(cell($0[k]))</td>" }.joined() + "</tr>\n" }
        html += "</table>\n<h2>Samples</h2>\n"
        for run in runs {
            let grid = run.image("samples.png")
            if FileManager.default.fileExists(atPath: grid) {
                html += "<figure><img class=\"px\" src=\"\(RunReport.esc(relative(grid)))\"><figcaption>\(RunReport.esc(run.name))</figcaption></figure>\n"
            }
        }
        html += "<h2>Curves</h2><img src=\"curves.svg\"></body></html>\n"
        try AtomicFile.write(Data(html.utf8), to: URL(fileURLWithPath: folder + "/compare.html"))
        return [folder + "/compare.md", folder + "/compare.html", folder + "/curves.svg"]
    }
}

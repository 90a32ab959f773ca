import Foundation
import LatentData

/// Builds a run's report.html: one page with the configuration, a table of
/// every per-epoch metric, and every plot and image of the run (linked
/// relatively, so the folder can be moved or zipped as a whole).
public enum RunReport {
    @discardableResult
    public static func write(_ run: RunDirectory) throws -> String {
        let c = run.config
        var h = """
        <!doctype html><html><head><meta charset="utf-8"><title>\(esc(run.name))</title>
        <style>
        body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px;color:#222}
        table{border-collapse:collapse;margin:1em 0;font-size:14px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
        th{background:#f3f3f3}td.k{text-align:left;font-weight:600}figure{display:inline-block;margin:0.5em;vertical-align:top}
        figcaption{font-size:13px;color:#555;text-align:center}img.px{image-rendering:pixelated}
        </style></head><body>
        <h1>\(esc(run.name))</h1>
        <p>\(esc(c.family)) on \(esc(c.data.source)) — \(c.trainCount) training, \(c.validationCount) validation, \(c.testCount) test images of shape \(c.imageShape). Latent \(esc(c.latentVersion)), created \(esc(c.created)).</p>
        <p><code>\(esc(c.command.joined(separator: " ")))</code></p>
        """
        let records = run.metrics.epochRecords()
        if !records.isEmpty {
            let keys = Array(Set(records.flatMap(\.keys))).filter { $0 != "epoch" }.sorted()
            h += "<h2>Metrics per epoch</h2><table><tr><th>epoch</th>" + keys.map { "<th>\(esc($0))</th>" }.joined() + "</tr>\n"
            for r in records {
                h += "<tr><td>\(r["epoch"] ?? "")</td>" + keys.map { "<td>\(format(r[$0]))</td>" }.joined() + "</tr>\n"
            }
            h += "</table>\n"
        }
        let evaluation = RunEvaluation.load(run)
        if !evaluation.isEmpty {
            h += "<h2>Evaluation</h2><table>" + evaluation.keys.sorted().map { "<tr><td class=\"k\">\(esc($0))</td><td>\(format(evaluation[$0]))</td></tr>" }.joined() + "</table>\n"
        }
        let plots = files(in: run.plots, ending: ".svg")
        if !plots.isEmpty {
            h += "<h2>Plots</h2>\n" + plots.map { "<figure><img src=\"plots/\(esc($0))\"><figcaption>\(esc($0))</figcaption></figure>" }.joined(separator: "\n")
        }
        let images = files(in: run.images, ending: ".png")
        if !images.isEmpty {
            h += "<h2>Images</h2>\n" + images.map {
                "<figure><img class=\"px\" src=\"images/\(esc($0))\" style=\"zoom:2\"><figcaption>\(esc($0))</figcaption></figure>"
            }.joined(separator: "\n")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let config = (try? String(decoding: encoder.encode(c), as: UTF8.self)) ?? ""
        h += "<h2>Configuration</h2><pre>\(esc(config))</pre></body></html>\n"
        try AtomicFile.write(Data(h.utf8), to: URL(fileURLWithPath: run.reportPath))
        return run.reportPath
    }

    static func files(in dir: String, ending: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(ending) && !$0.hasPrefix(".") }.sorted()
    }

    static func format(_ v: Any?) -> String {
        switch v {
        case let d as Double: return Swift.abs(d) >= 1000 || d == d.rounded() ? String(format: "%.1f", d) : String(format: "%.4g", d)
        case let i as Int: return String(i)
        case nil: return ""
        case let other?: return esc("\(other)")
        }
    }

    static func esc(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}

import Foundation
import LatentData

/// Shared pieces of the SVG plots: palette, nice ticks, number formatting, escaping.
enum SVG {
    /// Colour-blind-friendly categorical palette (Tableau 10).
    static let palette = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                          "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"]

    static func color(_ i: Int) -> String { palette[((i % palette.count) + palette.count) % palette.count] }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// About `count` round tick values covering [low, high].
    static func ticks(_ low: Double, _ high: Double, count: Int = 5) -> [Double] {
        guard high > low, low.isFinite, high.isFinite else { return [low] }
        let raw = (high - low) / Double(count)
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        var t = ceil(low / step) * step
        var out: [Double] = []
        while t <= high + step * 1e-9 { out.append(abs(t) < step * 1e-9 ? 0 : t); t += step }
        return out
    }

    static func format(_ v: Double) -> String {
        if v == 0 { return "0" }
        let a = abs(v)
        if a >= 1e5 || a < 1e-3 { return String(format: "%.1e", v) }
        if a >= 100 || v == v.rounded() { return String(format: "%.0f", v) }
        if a >= 1 { return String(format: "%.2g", v) == String(format: "%.0f", v) ? String(format: "%.0f", v) : String(format: "%.3g", v) }
        return String(format: "%.3g", v)
    }
}

/// A line chart of one or more series, with axes, ticks, labels, a legend and
/// an optional log-scale y axis. Written as a standalone SVG file.
///
/// ```swift
/// var chart = LineChart(title: "Loss", xLabel: "epoch", yLabel: "nats")
/// chart.add("train", x: [1, 2, 3], y: [280, 260, 255])
/// chart.add("validation", x: [1, 2, 3], y: [270, 262, 258])
/// try chart.write(to: "loss.svg")
/// ```
public struct LineChart {
    public struct Series {
        public let name: String
        public let x: [Double]
        public let y: [Double]
        public let dashed: Bool
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var logScaleY = false
    public var width = 720
    public var height = 400
    public private(set) var series: [Series] = []

    public init(title: String, xLabel: String, yLabel: String, logScaleY: Bool = false) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.logScaleY = logScaleY
    }

    public mutating func add(_ name: String, x: [Double], y: [Double], dashed: Bool = false) {
        precondition(x.count == y.count, "series \(name): \(x.count) x values for \(y.count) y values")
        series.append(Series(name: name, x: x, y: y, dashed: dashed))
    }

    public func svg() -> String {
        let legendWidth = series.count > 1 ? Double(series.map(\.name.count).max()! * 7 + 50) : 0
        let (left, right, top, bottom) = (70.0, 20.0 + legendWidth, 40.0, 55.0)
        let plotW = Double(width) - left - right, plotH = Double(height) - top - bottom
        let usable = series.flatMap { s in zip(s.x, s.y).filter { $0.0.isFinite && $0.1.isFinite && (!logScaleY || $0.1 > 0) } }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" font-family=\"sans-serif\" font-size=\"12\">\n"
        s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        s += "<text x=\"\(width / 2)\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">\(SVG.escape(title))</text>\n"
        guard !usable.isEmpty else {
            s += "<text x=\"\(width / 2)\" y=\"\(height / 2)\" text-anchor=\"middle\">no finite data</text>\n</svg>\n"
            return s
        }
        func ty(_ v: Double) -> Double { logScaleY ? log10(v) : v }
        var (x0, x1) = (usable.map(\.0).min()!, usable.map(\.0).max()!)
        var (y0, y1) = (usable.map { ty($0.1) }.min()!, usable.map { ty($0.1) }.max()!)
        if x1 == x0 { x0 -= 1; x1 += 1 }
        if y1 == y0 { y0 -= 1; y1 += 1 }
        let margin = (y1 - y0) * 0.05
        y0 -= margin; y1 += margin
        func px(_ x: Double) -> Double { left + (x - x0) / (x1 - x0) * plotW }
        func py(_ y: Double) -> Double { top + plotH - (ty(y) - y0) / (y1 - y0) * plotH }
        // Axes and grid.
        s += "<g stroke=\"#ddd\">\n"
        let yTicks: [Double] = logScaleY
            ? (Int(floor(y0))...Int(ceil(y1))).map { pow(10, Double($0)) }.filter { log10($0) >= y0 && log10($0) <= y1 }
            : SVG.ticks(y0, y1)
        for t in yTicks { s += "<line x1=\"\(left)\" x2=\"\(left + plotW)\" y1=\"\(py(t))\" y2=\"\(py(t))\"/>\n" }
        // Whole-number x data (epochs, steps) gets whole-number ticks.
        let integral = usable.allSatisfy { $0.0 == $0.0.rounded() }
        let xTicks = SVG.ticks(x0, x1, count: 6).filter { !integral || $0 == $0.rounded() }
        for t in xTicks { s += "<line x1=\"\(px(t))\" x2=\"\(px(t))\" y1=\"\(top)\" y2=\"\(top + plotH)\"/>\n" }
        s += "</g>\n"
        s += "<rect x=\"\(left)\" y=\"\(top)\" width=\"\(plotW)\" height=\"\(plotH)\" fill=\"none\" stroke=\"#333\"/>\n"
        for t in yTicks {
            s += "<text x=\"\(left - 6)\" y=\"\(py(t) + 4)\" text-anchor=\"end\">\(SVG.format(t))</text>\n"
        }
        for t in xTicks {
            s += "<text x=\"\(px(t))\" y=\"\(top + plotH + 16)\" text-anchor=\"middle\">\(SVG.format(t))</text>\n"
        }
        s += "<text x=\"\(left + plotW / 2)\" y=\"\(Double(height) - 12)\" text-anchor=\"middle\">\(SVG.escape(xLabel))</text>\n"
        s += "<text transform=\"translate(16 \(top + plotH / 2)) rotate(-90)\" text-anchor=\"middle\">\(SVG.escape(yLabel + (logScaleY ? " (log scale)" : "")))</text>\n"
        // Lines (broken at non-finite points).
        for (i, line) in series.enumerated() {
            var segments: [[String]] = [[]]
            for (x, y) in zip(line.x, line.y) {
                if x.isFinite && y.isFinite && (!logScaleY || y > 0) {
                    segments[segments.count - 1].append(String(format: "%.2f,%.2f", px(x), py(y)))
                } else if !segments[segments.count - 1].isEmpty { segments.append([]) }
            }
            let dash = line.dashed ? " stroke-dasharray=\"6 4\"" : ""
            for seg in segments where !seg.isEmpty {
                if seg.count == 1 {
                    let parts = seg[0].split(separator: ",")
                    s += "<circle cx=\"\(parts[0])\" cy=\"\(parts[1])\" r=\"3\" fill=\"\(SVG.color(i))\"/>\n"
                } else {
                    s += "<polyline fill=\"none\" stroke=\"\(SVG.color(i))\" stroke-width=\"2\"\(dash) points=\"\(seg.joined(separator: " "))\"/>\n"
                }
            }
        }
        // Legend.
        if series.count > 1 {
            for (i, line) in series.enumerated() {
                let y = top + 10 + Double(i) * 18
                let dash = line.dashed ? " stroke-dasharray=\"6 4\"" : ""
                s += "<line x1=\"\(left + plotW + 10)\" x2=\"\(left + plotW + 34)\" y1=\"\(y)\" y2=\"\(y)\" stroke=\"\(SVG.color(i))\" stroke-width=\"2\"\(dash)/>\n"
                s += "<text x=\"\(left + plotW + 40)\" y=\"\(y + 4)\">\(SVG.escape(line.name))</text>\n"
            }
        }
        return s + "</svg>\n"
    }

    public func write(to path: String) throws {
        try AtomicFile.write(Data(svg().utf8), to: URL(fileURLWithPath: path))
    }
}

/// A scatter plot of 2-D points coloured by class, with an optional text label
/// per point and optional numbered paths drawn over the points.
///
/// ```swift
/// var plot = ScatterPlot(title: "Latent codes (PCA)", xLabel: "PC 1", yLabel: "PC 2")
/// plot.points = codes2D.map { ($0.x, $0.y) }
/// plot.classes = labels
/// plot.paths = [ScatterPlot.Path(name: "walk", points: [(0, 0), (1, 0.5), (2, 1)])]   // numbered 1, 2, 3
/// try plot.write(to: "latent-map.svg")
/// ```
public struct ScatterPlot {
    /// A sequence of points joined by a line, each numbered 1, 2, … in order,
    /// drawn over the scatter and named in the legend (e.g. a walk through a plane).
    ///
    /// ```swift
    /// let walk = ScatterPlot.Path(name: "vae", points: [(0, 0), (1, 1)])   // colour: the path's place in `paths`
    /// ```
    public struct Path: Sendable {
        public var name: String
        public var points: [(Double, Double)]
        /// An SVG colour; nil: `ScatterPlot.pathPalette` by the path's index.
        public var color: String?

        public init(name: String, points: [(Double, Double)], color: String? = nil) {
            self.name = name
            self.points = points
            self.color = color
        }
    }

    /// Dark colours for paths, apart from the light class palette of the points.
    public static let pathPalette = ["#111111", "#b2182b", "#2166ac", "#1b7837", "#762a83", "#8c510a"]

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var points: [(Double, Double)] = []
    public var classes: [Int]?
    public var classNames: [String]?
    public var pointLabels: [String]?
    /// Numbered paths drawn over the points, in order.
    public var paths: [Path] = []
    public var width = 560
    public var height = 520
    public var radius = 2.5
    /// Opacity of the points (paths are opaque).
    public var pointOpacity = 0.75

    public init(title: String, xLabel: String, yLabel: String) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
    }

    public func svg() -> String {
        let classCount = (classes?.max() ?? -1) + 1
        let (left, right, top, bottom) = (60.0, classCount > 0 || !paths.isEmpty ? 110.0 : 20.0, 40.0, 50.0)
        let plotW = Double(width) - left - right, plotH = Double(height) - top - bottom
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" font-family=\"sans-serif\" font-size=\"12\">\n"
        s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        s += "<text x=\"\(width / 2)\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">\(SVG.escape(title))</text>\n"
        let finite = (points + paths.flatMap(\.points)).filter { $0.0.isFinite && $0.1.isFinite }
        guard !finite.isEmpty else { return s + "<text x=\"\(width / 2)\" y=\"\(height / 2)\" text-anchor=\"middle\">no finite points</text>\n</svg>\n" }
        var (x0, x1) = (finite.map(\.0).min()!, finite.map(\.0).max()!)
        var (y0, y1) = (finite.map(\.1).min()!, finite.map(\.1).max()!)
        if x1 == x0 { x0 -= 1; x1 += 1 }
        if y1 == y0 { y0 -= 1; y1 += 1 }
        let (mx, my) = ((x1 - x0) * 0.04, (y1 - y0) * 0.04)
        x0 -= mx; x1 += mx; y0 -= my; y1 += my
        func px(_ x: Double) -> Double { left + (x - x0) / (x1 - x0) * plotW }
        func py(_ y: Double) -> Double { top + plotH - (y - y0) / (y1 - y0) * plotH }
        s += "<rect x=\"\(left)\" y=\"\(top)\" width=\"\(plotW)\" height=\"\(plotH)\" fill=\"none\" stroke=\"#333\"/>\n"
        for t in SVG.ticks(x0, x1) { s += "<text x=\"\(px(t))\" y=\"\(top + plotH + 16)\" text-anchor=\"middle\">\(SVG.format(t))</text>\n" }
        for t in SVG.ticks(y0, y1) { s += "<text x=\"\(left - 6)\" y=\"\(py(t) + 4)\" text-anchor=\"end\">\(SVG.format(t))</text>\n" }
        s += "<text x=\"\(left + plotW / 2)\" y=\"\(Double(height) - 10)\" text-anchor=\"middle\">\(SVG.escape(xLabel))</text>\n"
        s += "<text transform=\"translate(16 \(top + plotH / 2)) rotate(-90)\" text-anchor=\"middle\">\(SVG.escape(yLabel))</text>\n"
        for (i, p) in points.enumerated() where p.0.isFinite && p.1.isFinite {
            let color = classes.map { SVG.color($0[i]) } ?? SVG.color(0)
            s += String(format: "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"\(radius)\" fill=\"\(color)\" fill-opacity=\"\(pointOpacity)\"/>\n", px(p.0), py(p.1))
            if let labels = pointLabels, i < labels.count {
                s += String(format: "<text x=\"%.2f\" y=\"%.2f\" font-size=\"10\">\(SVG.escape(labels[i]))</text>\n", px(p.0) + 4, py(p.1) - 4)
            }
        }
        for (k, path) in paths.enumerated() {
            let color = SVG.escape(pathColor(k))
            let drawn = path.points.enumerated().filter { $0.element.0.isFinite && $0.element.1.isFinite }
            let line = drawn.map { String(format: "%.2f,%.2f", px($0.element.0), py($0.element.1)) }.joined(separator: " ")
            s += "<g class=\"path\">\n<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.5\" points=\"\(line)\"/>\n"
            for (i, p) in drawn {
                let end = i == 0 || i == path.points.count - 1
                s += String(format: "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"\(end ? 5 : 3.5)\" fill=\"\(color)\" stroke=\"white\" stroke-width=\"0.8\"/>\n", px(p.0), py(p.1))
                s += String(format: "<text x=\"%.2f\" y=\"%.2f\" font-size=\"10\" font-weight=\"bold\" fill=\"\(color)\">\(i + 1)</text>\n", px(p.0) + 5, py(p.1) - 5)
            }
            s += "</g>\n"
        }
        for c in 0..<Swift.max(classCount, 0) {
            let y = top + 10 + Double(c) * 18
            let name = classNames.flatMap { c < $0.count ? $0[c] : nil } ?? "class \(c)"
            s += "<circle cx=\"\(left + plotW + 16)\" cy=\"\(y)\" r=\"5\" fill=\"\(SVG.color(c))\"/>\n"
            s += "<text x=\"\(left + plotW + 26)\" y=\"\(y + 4)\">\(SVG.escape(name))</text>\n"
        }
        for (k, path) in paths.enumerated() {
            let y = top + 10 + Double(Swift.max(classCount, 0) + k) * 18
            let color = SVG.escape(pathColor(k))
            s += "<line x1=\"\(left + plotW + 8)\" x2=\"\(left + plotW + 24)\" y1=\"\(y)\" y2=\"\(y)\" stroke=\"\(color)\" stroke-width=\"2\"/>\n"
            s += "<text x=\"\(left + plotW + 28)\" y=\"\(y + 4)\">\(SVG.escape(path.name))</text>\n"
        }
        return s + "</svg>\n"
    }

    /// The colour path `k` is drawn in.
    func pathColor(_ k: Int) -> String {
        paths[k].color ?? Self.pathPalette[k % Self.pathPalette.count]
    }

    public func write(to path: String) throws {
        try AtomicFile.write(Data(svg().utf8), to: URL(fileURLWithPath: path))
    }
}

import Foundation
import LatentData

/// A bar chart of named values (one bar each, in the order added), with a y
/// axis from 0, ticks and labels under the bars. Bars not highlighted are
/// drawn grey. Written as a standalone SVG file.
///
/// ```swift
/// var chart = BarChart(title: "KL per latent dimension", xLabel: "dimension", yLabel: "nats")
/// chart.add("3", value: 4.2)
/// chart.add("1", value: 0.01, highlighted: false)
/// try chart.write(to: "kl-per-dimension.svg")
/// ```
public struct BarChart: Sendable {
    public struct Bar: Sendable, Equatable {
        public let name: String
        public let value: Double
        public let highlighted: Bool
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var width = 720
    public var height = 400
    public private(set) var bars: [Bar] = []

    public init(title: String, xLabel: String, yLabel: String) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
    }

    public mutating func add(_ name: String, value: Double, highlighted: Bool = true) {
        bars.append(Bar(name: name, value: value, highlighted: highlighted))
    }

    public func svg() -> String {
        let (left, right, top, bottom) = (70.0, 20.0, 40.0, 55.0)
        let plotW = Double(width) - left - right, plotH = Double(height) - top - bottom
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" font-family=\"sans-serif\" font-size=\"12\">\n"
        s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        s += "<text x=\"\(width / 2)\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">\(SVG.escape(title))</text>\n"
        let finite = bars.map(\.value).filter(\.isFinite)
        guard !finite.isEmpty else {
            s += "<text x=\"\(width / 2)\" y=\"\(height / 2)\" text-anchor=\"middle\">no finite data</text>\n</svg>\n"
            return s
        }
        var (y0, y1) = (Swift.min(0, finite.min()!), Swift.max(0, finite.max()!))
        if y1 == y0 { y1 = y0 + 1 }
        y1 += (y1 - y0) * 0.05
        func py(_ y: Double) -> Double { top + plotH - (y - y0) / (y1 - y0) * plotH }
        let ticks = SVG.ticks(y0, y1)
        s += "<g stroke=\"#ddd\">\n"
        for t in ticks { s += "<line x1=\"\(left)\" x2=\"\(left + plotW)\" y1=\"\(py(t))\" y2=\"\(py(t))\"/>\n" }
        s += "</g>\n"
        let slot = plotW / Double(bars.count)
        let labelEvery = Swift.max(1, Int((22 / slot).rounded(.up)))
        for (i, bar) in bars.enumerated() where bar.value.isFinite {
            let x = left + Double(i) * slot + slot * 0.1
            let (a, b) = (py(Swift.max(bar.value, 0)), py(Swift.min(bar.value, 0)))
            let colour = bar.highlighted ? SVG.color(0) : "#bab0ac"
            s += String(format: "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%@\"><title>%@: %@</title></rect>\n",
                        x, a, slot * 0.8, Swift.max(b - a, 0.5), colour, SVG.escape(bar.name), SVG.format(bar.value))
            if i % labelEvery == 0 {
                s += String(format: "<text x=\"%.2f\" y=\"%.2f\" text-anchor=\"middle\">%@</text>\n", x + slot * 0.4, top + plotH + 16, SVG.escape(bar.name))
            }
        }
        s += "<rect x=\"\(left)\" y=\"\(top)\" width=\"\(plotW)\" height=\"\(plotH)\" fill=\"none\" stroke=\"#333\"/>\n"
        for t in ticks { s += "<text x=\"\(left - 6)\" y=\"\(py(t) + 4)\" text-anchor=\"end\">\(SVG.format(t))</text>\n" }
        s += "<text x=\"\(left + plotW / 2)\" y=\"\(Double(height) - 12)\" text-anchor=\"middle\">\(SVG.escape(xLabel))</text>\n"
        s += "<text transform=\"translate(16 \(top + plotH / 2)) rotate(-90)\" text-anchor=\"middle\">\(SVG.escape(yLabel))</text>\n"
        return s + "</svg>\n"
    }

    public func write(to path: String) throws {
        try AtomicFile.write(Data(svg().utf8), to: URL(fileURLWithPath: path))
    }
}

/// Something with figures of its own for a run's plots/ folder, beside the
/// per-epoch charts of its metrics (a VAE's KL per latent dimension). The
/// trainer writes them with the other plots, after every epoch.
///
/// ```swift
/// for (file, svg) in (model as? any FigureSource)?.figures ?? [] { try write(svg, to: run.plot(file)) }
/// ```
public protocol FigureSource: AnyObject {
    /// (file name in plots/, SVG text); empty while there is nothing to show.
    var figures: [(file: String, svg: String)] { get }
}

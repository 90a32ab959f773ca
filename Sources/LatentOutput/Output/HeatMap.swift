import Foundation
import LatentData

/// A heat map of values on a rectangular grid, written as a standalone SVG:
/// coloured cells (viridis, with a colour bar), contour lines at chosen levels
/// (marching squares), and on top paths with marked ends, reference curves and
/// point markers in data coordinates. An optional profile strip below shares
/// the x axis, for a quantity that depends on x alone.
///
/// ```swift
/// let xs = stride(from: -2.0, through: 2, by: 0.1).map { $0 }, ys = xs
/// var map = HeatMap(title: "−(x² + y²)", xLabel: "x", yLabel: "y", valueLabel: "f",
///                   x: xs, y: ys, values: ys.map { y in xs.map { x in -(x * x + y * y) } })
/// map.contourLevels = [-3, -2, -1, -0.5]
/// map.paths.append(.init(name: "descent", x: [1.5, 0.8, 0.2], y: [1.5, 0.7, 0.1]))
/// map.markers.append(.init(name: "maximum", x: 0, y: 0, shape: .star))
/// try map.write(to: "surface.svg")
/// ```
public struct HeatMap {
    /// A path drawn over the map, from its first point (an open circle) to its
    /// last (a filled one) when `marksEnds`.
    public struct Path {
        public var name: String
        public var x: [Double]
        public var y: [Double]
        public var color: String
        public var marksEnds: Bool

        public init(name: String, x: [Double], y: [Double], color: String = "#e15759", marksEnds: Bool = true) {
            precondition(x.count == y.count, "path \(name): \(x.count) x values for \(y.count) y values")
            self.name = name
            self.x = x
            self.y = y
            self.color = color
            self.marksEnds = marksEnds
        }
    }

    /// A reference line in data coordinates (clipped to the map); an empty name keeps it out of the legend.
    public struct Curve {
        public var name: String
        public var x: [Double]
        public var y: [Double]
        public var color: String
        public var dashed: Bool

        public init(name: String, x: [Double], y: [Double], color: String = "white", dashed: Bool = true) {
            precondition(x.count == y.count, "curve \(name): \(x.count) x values for \(y.count) y values")
            self.name = name
            self.x = x
            self.y = y
            self.color = color
            self.dashed = dashed
        }
    }

    /// A marked point.
    public struct Marker {
        public enum Shape: Sendable { case star, circle, cross }
        public var name: String
        public var x: Double
        public var y: Double
        public var shape: Shape
        public var color: String

        public init(name: String, x: Double, y: Double, shape: Shape = .star, color: String = "#f28e2b") {
            self.name = name
            self.x = x
            self.y = y
            self.shape = shape
            self.color = color
        }
    }

    /// One line of the profile strip; `marksEnds` marks its first and last points.
    public struct ProfileSeries {
        public var name: String
        public var x: [Double]
        public var y: [Double]
        public var color: String
        public var dashed: Bool
        public var marksEnds: Bool

        public init(name: String, x: [Double], y: [Double], color: String = "#4e79a7", dashed: Bool = false, marksEnds: Bool = false) {
            precondition(x.count == y.count, "profile \(name): \(x.count) x values for \(y.count) y values")
            self.name = name
            self.x = x
            self.y = y
            self.color = color
            self.dashed = dashed
            self.marksEnds = marksEnds
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    /// The colour bar's caption.
    public var valueLabel: String
    /// Grid coordinates, increasing.
    public let x: [Double]
    public let y: [Double]
    /// `values[j][i]` is the value at (x[i], y[j]).
    public let values: [[Double]]
    /// Values are coloured over this range (clamped outside it); default: the finite values' range.
    public var colorRange: ClosedRange<Double>?
    public var contourLevels: [Double] = []
    /// A line in the legend explaining the contour levels.
    public var contourCaption: String?
    public var paths: [Path] = []
    public var curves: [Curve] = []
    public var markers: [Marker] = []
    /// The strip below the map (empty: no strip) and its y label.
    public var profile: [ProfileSeries] = []
    public var profileLabel = ""
    public var width = 1040
    public var mapHeight = 440
    public var profileHeight = 150

    public init(title: String, xLabel: String, yLabel: String, valueLabel: String,
                x: [Double], y: [Double], values: [[Double]]) {
        precondition(x.count >= 2 && y.count >= 2, "a heat map needs at least 2 × 2 grid points")
        precondition(values.count == y.count && values.allSatisfy { $0.count == x.count },
                     "heat map values must be \(y.count) rows of \(x.count)")
        precondition(zip(x, x.dropFirst()).allSatisfy { $0 < $1 } && zip(y, y.dropFirst()).allSatisfy { $0 < $1 },
                     "heat map coordinates must increase")
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.valueLabel = valueLabel
        self.x = x
        self.y = y
        self.values = values
    }

    /// Viridis, by linear interpolation between five of its colours; `t` in [0, 1].
    static func viridis(_ t: Double) -> String {
        let anchors: [(Double, Double, Double)] = [(68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37)]
        let u = Swift.min(Swift.max(t.isFinite ? t : 0, 0), 1) * Double(anchors.count - 1)
        let i = Swift.min(Int(u), anchors.count - 2), f = u - Double(i)
        let (a, b) = (anchors[i], anchors[i + 1])
        func mix(_ p: Double, _ q: Double) -> Int { Int((p + (q - p) * f).rounded()) }
        return String(format: "#%02x%02x%02x", mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
    }

    /// The contour segments of `level` by marching squares, in grid coordinates
    /// (x, y as given); saddles are split by the cell's mean.
    public func contourSegments(level: Double) -> [((Double, Double), (Double, Double))] {
        var segments: [((Double, Double), (Double, Double))] = []
        for j in 0..<(y.count - 1) {
            for i in 0..<(x.count - 1) {
                // Corners a (i, j), b (i+1, j), c (i+1, j+1), d (i, j+1); edges bottom, right, top, left.
                let v = [values[j][i], values[j][i + 1], values[j + 1][i + 1], values[j + 1][i]]
                guard v.allSatisfy(\.isFinite) else { continue }
                let px = [x[i], x[i + 1], x[i + 1], x[i]], py = [y[j], y[j], y[j + 1], y[j + 1]]
                let above = v.map { $0 >= level }
                func crossing(_ edge: Int) -> (Double, Double)? {
                    let (p, q) = (edge, (edge + 1) % 4)
                    guard above[p] != above[q] else { return nil }
                    let t = (level - v[p]) / (v[q] - v[p])
                    return (px[p] + t * (px[q] - px[p]), py[p] + t * (py[q] - py[p]))
                }
                let crossed = (0..<4).compactMap { e in crossing(e).map { (e, $0) } }
                if crossed.count == 2 {
                    segments.append((crossed[0].1, crossed[1].1))
                } else if crossed.count == 4 {
                    // Cut off the corners whose side differs from the centre's: corner k sits between edges k−1 and k.
                    let centre = v.reduce(0, +) / 4 >= level
                    let points = Dictionary(uniqueKeysWithValues: crossed)
                    for k in 0..<4 where above[k] != centre { segments.append((points[(k + 3) % 4]!, points[k]!)) }
                }
            }
        }
        return segments
    }

    public func svg() -> String {
        let legendEntries = paths.count + curves.filter { !$0.name.isEmpty }.count + markers.count + (contourCaption == nil ? 0 : 1)
        let (left, right, top) = (70.0, 410.0, 40.0)
        let plotW = Double(width) - left - right, mapH = Double(mapHeight)
        let stripGap = 50.0, stripH = profile.isEmpty ? 0 : Double(profileHeight)
        let height = Int(top + mapH + (profile.isEmpty ? 0 : stripGap + stripH) + 50)
        // Cell edges: half-way between nodes, half a step beyond the outer ones.
        func edges(_ c: [Double]) -> [Double] {
            [c[0] - (c[1] - c[0]) / 2] + zip(c, c.dropFirst()).map { ($0 + $1) / 2 } + [c[c.count - 1] + (c[c.count - 1] - c[c.count - 2]) / 2]
        }
        let (ex, ey) = (edges(x), edges(y))
        let (x0, x1, y0, y1) = (ex.first!, ex.last!, ey.first!, ey.last!)
        func px(_ v: Double) -> Double { left + (v - x0) / (x1 - x0) * plotW }
        func py(_ v: Double) -> Double { top + mapH - (v - y0) / (y1 - y0) * mapH }
        func f(_ v: Double) -> String { String(format: "%.2f", v) }
        let finite = values.joined().filter(\.isFinite)
        var (c0, c1) = colorRange.map { ($0.lowerBound, $0.upperBound) } ?? (finite.min() ?? 0, finite.max() ?? 1)
        if !(c1 > c0) { c0 -= 1; c1 += 1 }

        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" font-family=\"sans-serif\" font-size=\"12\">\n"
        s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        s += "<text x=\"\(width / 2)\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">\(SVG.escape(title))</text>\n"
        s += "<defs><clipPath id=\"map\"><rect x=\"\(left)\" y=\"\(top)\" width=\"\(plotW)\" height=\"\(mapH)\"/></clipPath></defs>\n"
        // Cells.
        s += "<g class=\"cells\" shape-rendering=\"crispEdges\">\n"
        for j in y.indices {
            for i in x.indices {
                let v = values[j][i]
                let fill = v.isFinite ? Self.viridis((v - c0) / (c1 - c0)) : "#bbbbbb"
                let (l, r, t, b) = (px(ex[i]), px(ex[i + 1]), py(ey[j + 1]), py(ey[j]))
                s += "<rect x=\"\(f(l))\" y=\"\(f(t))\" width=\"\(f(r - l + 0.5))\" height=\"\(f(b - t + 0.5))\" fill=\"\(fill)\"/>\n"
            }
        }
        s += "</g>\n"
        // Contours.
        if !contourLevels.isEmpty {
            s += "<g class=\"contours\" clip-path=\"url(#map)\" fill=\"none\" stroke=\"white\" stroke-opacity=\"0.7\" stroke-width=\"1\">\n"
            for level in contourLevels {
                let d = contourSegments(level: level).map { "M\(f(px($0.0.0))) \(f(py($0.0.1)))L\(f(px($0.1.0))) \(f(py($0.1.1)))" }
                if !d.isEmpty { s += "<path data-level=\"\(level)\" d=\"\(d.joined())\"/>\n" }
            }
            s += "</g>\n"
        }
        // Axes.
        s += "<rect x=\"\(left)\" y=\"\(top)\" width=\"\(plotW)\" height=\"\(mapH)\" fill=\"none\" stroke=\"#333\"/>\n"
        let xTicks = SVG.ticks(x0, x1, count: 6)
        for t in xTicks {
            s += "<text x=\"\(f(px(t)))\" y=\"\(f(top + mapH + 16))\" text-anchor=\"middle\">\(SVG.format(t))</text>\n"
        }
        for t in SVG.ticks(y0, y1) { s += "<text x=\"\(left - 6)\" y=\"\(f(py(t) + 4))\" text-anchor=\"end\">\(SVG.format(t))</text>\n" }
        s += "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(top + mapH + 34))\" text-anchor=\"middle\">\(SVG.escape(xLabel))</text>\n"
        s += "<text transform=\"translate(18 \(f(top + mapH / 2))) rotate(-90)\" text-anchor=\"middle\">\(SVG.escape(yLabel))</text>\n"
        // Overlays, clipped to the map.
        s += "<g clip-path=\"url(#map)\">\n"
        func polyline(_ xs: [Double], _ ys: [Double]) -> String {
            zip(xs, ys).filter { $0.0.isFinite && $0.1.isFinite }.map { "\(f(px($0.0))),\(f(py($0.1)))" }.joined(separator: " ")
        }
        for c in curves {
            let dash = c.dashed ? " stroke-dasharray=\"6 4\"" : ""
            s += "<polyline class=\"curve\" fill=\"none\" stroke=\"\(c.color)\" stroke-width=\"1.5\"\(dash) points=\"\(polyline(c.x, c.y))\"/>\n"
        }
        // Markers under the paths, so a path's end stays visible on a marker it reaches.
        for m in markers { s += Self.marker(m.shape, x: px(m.x), y: py(m.y), color: m.color) }
        for p in paths {
            let points = polyline(p.x, p.y)
            s += "<polyline fill=\"none\" stroke=\"white\" stroke-width=\"4\" stroke-opacity=\"0.6\" points=\"\(points)\"/>\n"
            s += "<polyline class=\"path\" fill=\"none\" stroke=\"\(p.color)\" stroke-width=\"2\" points=\"\(points)\"/>\n"
            if p.marksEnds, let xa = p.x.first, let ya = p.y.first, let xb = p.x.last, let yb = p.y.last {
                s += "<circle class=\"start\" cx=\"\(f(px(xa)))\" cy=\"\(f(py(ya)))\" r=\"6\" fill=\"white\" stroke=\"\(p.color)\" stroke-width=\"2.5\"/>\n"
                s += "<circle class=\"end\" cx=\"\(f(px(xb)))\" cy=\"\(f(py(yb)))\" r=\"6\" fill=\"\(p.color)\" stroke=\"white\" stroke-width=\"1.5\"/>\n"
            }
        }
        s += "</g>\n"
        // Colour bar.
        let barX = left + plotW + 20, slices = 60
        for k in 0..<slices {
            let t = (Double(k) + 0.5) / Double(slices), h = mapH / Double(slices)
            s += "<rect x=\"\(f(barX))\" y=\"\(f(top + mapH - Double(k + 1) * h))\" width=\"14\" height=\"\(f(h + 0.5))\" fill=\"\(Self.viridis(t))\"/>\n"
        }
        s += "<rect x=\"\(f(barX))\" y=\"\(top)\" width=\"14\" height=\"\(mapH)\" fill=\"none\" stroke=\"#333\"/>\n"
        for t in SVG.ticks(c0, c1) {
            let yy = top + mapH - (t - c0) / (c1 - c0) * mapH
            s += "<text x=\"\(f(barX + 18))\" y=\"\(f(yy + 4))\">\(SVG.format(t))</text>\n"
        }
        s += "<text transform=\"translate(\(f(barX + 70)) \(f(top + mapH / 2))) rotate(-90)\" text-anchor=\"middle\">\(SVG.escape(valueLabel))</text>\n"
        // Legend, right of the colour bar.
        if legendEntries > 0 {
            let lx = barX + 90
            var row = 0
            func entry(_ name: String, _ symbol: (Double) -> String) {
                let yy = top + 10 + Double(row) * 20
                s += symbol(yy)
                s += "<text x=\"\(f(lx + 30))\" y=\"\(f(yy + 4))\">\(SVG.escape(name))</text>\n"
                row += 1
            }
            for p in paths {
                entry(p.name) { "<line x1=\"\(f(lx))\" x2=\"\(f(lx + 24))\" y1=\"\(f($0))\" y2=\"\(f($0))\" stroke=\"\(p.color)\" stroke-width=\"2\"/>\n" }
                if p.marksEnds {
                    entry("start") { "<circle cx=\"\(f(lx + 12))\" cy=\"\(f($0))\" r=\"5\" fill=\"white\" stroke=\"\(p.color)\" stroke-width=\"2\"/>\n" }
                    entry("end") { "<circle cx=\"\(f(lx + 12))\" cy=\"\(f($0))\" r=\"5\" fill=\"\(p.color)\"/>\n" }
                }
            }
            for c in curves where !c.name.isEmpty {
                let dash = c.dashed ? " stroke-dasharray=\"6 4\"" : ""
                let stroke = c.color == "white" ? "#555" : c.color
                entry(c.name) { "<line x1=\"\(f(lx))\" x2=\"\(f(lx + 24))\" y1=\"\(f($0))\" y2=\"\(f($0))\" stroke=\"\(stroke)\" stroke-width=\"1.5\"\(dash)/>\n" }
            }
            for m in markers { entry(m.name) { Self.marker(m.shape, x: lx + 12, y: $0, color: m.color) } }
            if let caption = contourCaption {
                entry(caption) { "<line x1=\"\(f(lx))\" x2=\"\(f(lx + 24))\" y1=\"\(f($0))\" y2=\"\(f($0))\" stroke=\"#999\" stroke-width=\"1\"/>\n" }
            }
        }
        // Profile strip, on the map's x axis.
        if !profile.isEmpty {
            let st = top + mapH + stripGap
            let usable = profile.flatMap { p in zip(p.x, p.y).filter { $0.0.isFinite && $0.1.isFinite && $0.0 >= x0 && $0.0 <= x1 } }
            var (q0, q1) = (usable.map(\.1).min() ?? 0, usable.map(\.1).max() ?? 1)
            if !(q1 > q0) { q0 -= 1; q1 += 1 }
            let margin = (q1 - q0) * 0.05
            q0 -= margin; q1 += margin
            func sy(_ v: Double) -> Double { st + stripH - (v - q0) / (q1 - q0) * stripH }
            s += "<defs><clipPath id=\"strip\"><rect x=\"\(left)\" y=\"\(f(st))\" width=\"\(plotW)\" height=\"\(stripH)\"/></clipPath></defs>\n"
            s += "<g stroke=\"#ddd\">\n"
            let qTicks = SVG.ticks(q0, q1, count: 3)
            for t in qTicks { s += "<line x1=\"\(left)\" x2=\"\(f(left + plotW))\" y1=\"\(f(sy(t)))\" y2=\"\(f(sy(t)))\"/>\n" }
            for t in xTicks { s += "<line x1=\"\(f(px(t)))\" x2=\"\(f(px(t)))\" y1=\"\(f(st))\" y2=\"\(f(st + stripH))\"/>\n" }
            s += "</g>\n"
            s += "<rect x=\"\(left)\" y=\"\(f(st))\" width=\"\(plotW)\" height=\"\(stripH)\" fill=\"none\" stroke=\"#333\"/>\n"
            for t in qTicks { s += "<text x=\"\(left - 6)\" y=\"\(f(sy(t) + 4))\" text-anchor=\"end\">\(SVG.format(t))</text>\n" }
            for t in xTicks {
                s += "<text x=\"\(f(px(t)))\" y=\"\(f(st + stripH + 16))\" text-anchor=\"middle\">\(SVG.format(t))</text>\n"
            }
            s += "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(st + stripH + 34))\" text-anchor=\"middle\">\(SVG.escape(xLabel))</text>\n"
            s += "<text transform=\"translate(18 \(f(st + stripH / 2))) rotate(-90)\" text-anchor=\"middle\">\(SVG.escape(profileLabel))</text>\n"
            s += "<g clip-path=\"url(#strip)\">\n"
            for p in profile {
                let points = zip(p.x, p.y).filter { $0.0.isFinite && $0.1.isFinite }.map { "\(f(px($0.0))),\(f(sy($0.1)))" }
                let dash = p.dashed ? " stroke-dasharray=\"6 4\"" : ""
                s += "<polyline class=\"profile\" fill=\"none\" stroke=\"\(p.color)\" stroke-width=\"2\"\(dash) points=\"\(points.joined(separator: " "))\"/>\n"
                if p.marksEnds, let xa = p.x.first, let ya = p.y.first, let xb = p.x.last, let yb = p.y.last {
                    s += "<circle cx=\"\(f(px(xa)))\" cy=\"\(f(sy(ya)))\" r=\"5\" fill=\"white\" stroke=\"\(p.color)\" stroke-width=\"2\"/>\n"
                    s += "<circle cx=\"\(f(px(xb)))\" cy=\"\(f(sy(yb)))\" r=\"5\" fill=\"\(p.color)\"/>\n"
                }
            }
            s += "</g>\n"
            let lx = barX + 90
            for (k, p) in profile.enumerated() {
                let yy = st + 10 + Double(k) * 20
                let dash = p.dashed ? " stroke-dasharray=\"6 4\"" : ""
                s += "<line x1=\"\(f(lx))\" x2=\"\(f(lx + 24))\" y1=\"\(f(yy))\" y2=\"\(f(yy))\" stroke=\"\(p.color)\" stroke-width=\"2\"\(dash)/>\n"
                s += "<text x=\"\(f(lx + 30))\" y=\"\(f(yy + 4))\">\(SVG.escape(p.name))</text>\n"
            }
        }
        return s + "</svg>\n"
    }

    static func marker(_ shape: Marker.Shape, x: Double, y: Double, color: String) -> String {
        func f(_ v: Double) -> String { String(format: "%.2f", v) }
        switch shape {
        case .circle:
            return "<circle class=\"marker\" cx=\"\(f(x))\" cy=\"\(f(y))\" r=\"5\" fill=\"\(color)\" stroke=\"black\"/>\n"
        case .cross:
            return "<path class=\"marker\" d=\"M\(f(x - 6)) \(f(y - 6))L\(f(x + 6)) \(f(y + 6))M\(f(x - 6)) \(f(y + 6))L\(f(x + 6)) \(f(y - 6))\" stroke=\"\(color)\" stroke-width=\"3\"/>\n"
        case .star:
            let points = (0..<10).map { k -> String in
                let r = k % 2 == 0 ? 9.0 : 4.0, a = Double.pi / 2 + Double(k) * Double.pi / 5
                return "\(f(x + r * cos(a))),\(f(y - r * sin(a)))"
            }
            return "<polygon class=\"marker\" points=\"\(points.joined(separator: " "))\" fill=\"\(color)\" stroke=\"black\"/>\n"
        }
    }

    public func write(to path: String) throws {
        try AtomicFile.write(Data(svg().utf8), to: URL(fileURLWithPath: path))
    }
}

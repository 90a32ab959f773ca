import Foundation
import LatentTensor

/// A dSprites-like data set of known generative factors, rendered by Latent
/// itself (`latent data synth shapes`): one white shape on black per 1-channel
/// image, each image drawn from a grid of five factors chosen independently
/// and uniformly at random (seeded).
///
/// The grid (`factors()`), with R the shape's circumradius:
/// - `shape`: square, ellipse (axes R and R/2), heart, triangle (equilateral) — also the label;
/// - `scale`: 0.5, 0.6, 0.7, 0.8, 0.9, 1.0 — R = scale · 0.2 · side;
/// - `rotation`: 0°, 36°, …, 324° (10 values, anticlockwise; a square repeats every
///   90°, an ellipse every 180°, a triangle every 120°, so rotation is only
///   partly identifiable from the image, as in dSprites);
/// - `x`, `y`: the centre at 0.25, 0.32, …, 0.75 of the width (left to right) and of
///   the height (top to bottom), 8 values each, so every shape stays inside the image.
///
/// Pixels are anti-aliased (4 × 4 samples per pixel, the covered fraction) or binary
/// (the pixel centre inside or not). The folder holds the IDX files `--data DIR` reads
/// (`train-…`, `t10k-…`: the first 80 % train, the rest test; labels = shape), the
/// factor indices of every image (`train-factors.npy`, `t10k-factors.npy`: float32
/// [N, 5], column k the index into factor k's values) and `factors.json` naming the
/// factors and their values.
///
/// ```swift
/// let set = try SyntheticShapes.generate(.init(size: 32, count: 2_000, seed: 1))
/// let files = try SyntheticShapes.write(set, into: "shapes")   // then `--data shapes`
/// let factors = try SyntheticShapes.readFactors("shapes")!      // train/test factor indices
/// ```
public enum SyntheticShapes {
    /// The four shapes, in label order.
    public enum Shape: Int, CaseIterable, Sendable {
        case square, ellipse, heart, triangle
        public var name: String { ["square", "ellipse", "heart", "triangle"][rawValue] }
    }

    /// One factor of variation: its name and the values it takes (shape: label numbers, names in `valueNames`).
    public struct Factor: Codable, Sendable, Equatable {
        public let name: String
        public let values: [Double]
        /// Names of the values (the shape's), nil for numeric factors.
        public let valueNames: [String]?
        enum CodingKeys: String, CodingKey {
            case name, values
            case valueNames = "value_names"
        }
    }

    /// What `generate` draws.
    public struct Options: Sendable, Equatable {
        /// Image side: 32 or 64.
        public var size: Int
        /// Images in all (train + test).
        public var count: Int
        public var seed: UInt64
        /// Anti-aliased (covered fraction) or binary pixels.
        public var antialiased: Bool

        public init(size: Int = 32, count: Int = 10_000, seed: UInt64 = 0, antialiased: Bool = true) {
            (self.size, self.count, self.seed, self.antialiased) = (size, count, seed, antialiased)
        }
    }

    /// A generated set: images [N, 1, S, S] in [0, 1] and each image's factor indices.
    public struct Generated: Sendable {
        public let options: Options
        public let factors: [Factor]
        /// Pixels, one byte each (0…255), image after image.
        public let pixels: [UInt8]
        /// factorIndices[i][k]: image i's index into `factors[k].values`.
        public let factorIndices: [[Int]]

        public var count: Int { factorIndices.count }
        /// The images as a tensor [N, 1, S, S] in [0, 1].
        public var images: Tensor {
            Tensor(pixels.map { Float($0) / 255 }, shape: [count, 1, options.size, options.size])
        }
    }

    /// The factors of a written set, for the images `--data DIR` reads as training and test splits.
    public struct FactorSet: Sendable {
        public let factors: [Factor]
        /// Factor indices of the training images, [N_train][5], in file order.
        public let train: [[Int]]
        /// Factor indices of the test images, [N_test][5], in file order.
        public let test: [[Int]]
    }

    public static let sizes = [32, 64]
    /// The most pixels a set may hold (1 GiB of bytes): 1,048,576 images of 32 × 32, 262,144 of 64 × 64.
    public static let maxPixels = 1 << 30
    /// The fewest images (a test split needs some).
    public static let minCount = 10
    /// The name of the file describing the factors.
    public static let factorsFile = "factors.json"

    /// The factor grid (positions are fractions of the side, so the grid is the same for every size).
    public static func factors() -> [Factor] {
        [Factor(name: "shape", values: Shape.allCases.map { Double($0.rawValue) }, valueNames: Shape.allCases.map(\.name)),
         Factor(name: "scale", values: (0..<6).map { 0.5 + 0.1 * Double($0) }, valueNames: nil),
         Factor(name: "rotation", values: (0..<10).map { 36 * Double($0) }, valueNames: nil),
         Factor(name: "x", values: (0..<8).map { 0.25 + 0.5 * Double($0) / 7 }, valueNames: nil),
         Factor(name: "y", values: (0..<8).map { 0.25 + 0.5 * Double($0) / 7 }, valueNames: nil)]
    }

    /// Refuses sizes other than 32 and 64, fewer than `minCount` images, or more pixels than `maxPixels` — before anything is allocated.
    public static func check(_ options: Options) throws {
        guard sizes.contains(options.size) else {
            throw LatentError.invalidArgument("--size must be 32 or 64, got \(options.size)")
        }
        let perImage = options.size * options.size
        guard options.count >= minCount, options.count <= maxPixels / perImage else {
            throw LatentError.invalidArgument("--count must be between \(minCount) and \(maxPixels / perImage) for \(options.size)×\(options.size) images (1 GiB of pixels), got \(options.count)")
        }
    }

    /// Draws `options.count` images, each factor's index uniform and independent (seeded by `options.seed`).
    public static func generate(_ options: Options) throws -> Generated {
        try check(options)
        let grid = factors()
        var rng = RandomGenerator(seed: options.seed)
        let s = options.size
        var pixels = [UInt8](repeating: 0, count: options.count * s * s)
        var indices: [[Int]] = []
        indices.reserveCapacity(options.count)
        for i in 0..<options.count {
            let index = grid.map { Int(rng.next() % UInt64($0.values.count)) }
            indices.append(index)
            let image = render(Shape(rawValue: index[0])!, scale: grid[1].values[index[1]], rotation: grid[2].values[index[2]],
                               x: grid[3].values[index[3]], y: grid[4].values[index[4]], size: s, antialiased: options.antialiased)
            for (p, v) in image.enumerated() { pixels[i * s * s + p] = UInt8((v * 255).rounded()) }
        }
        return Generated(options: options, factors: grid, pixels: pixels, factorIndices: indices)
    }

    /// One image [size · size] in [0, 1], row after row: `shape` at circumradius scale · 0.2 · size,
    /// turned `rotation` degrees anticlockwise, centred at (x · size, y · size) (y from the top).
    ///
    /// ```swift
    /// let square = SyntheticShapes.render(.square, scale: 1, rotation: 0, x: 0.5, y: 0.5, size: 32)
    /// square.reduce(0, +)   // ≈ 2 R² = 81.9 pixels (R = 6.4)
    /// ```
    public static func render(_ shape: Shape, scale: Double, rotation: Double, x: Double, y: Double, size: Int,
                              antialiased: Bool = true) -> [Float] {
        let radius = scale * 0.2 * Double(size)
        let (cx, cy) = (x * Double(size), y * Double(size))
        let angle = rotation * .pi / 180
        let (c, s) = (cos(angle), sin(angle))
        let samples = antialiased ? 4 : 1
        var out = [Float](repeating: 0, count: size * size)
        let low = { (v: Double) in Swift.max(0, Int((v - radius - 1).rounded(.down))) }
        let high = { (v: Double) in Swift.min(size - 1, Int((v + radius + 1).rounded(.up))) }
        for row in low(cy)...high(cy) {
            for col in low(cx)...high(cx) {
                var hits = 0
                for sy in 0..<samples {
                    for sx in 0..<samples {
                        let px = Double(col) + (Double(sx) + 0.5) / Double(samples)
                        let py = Double(row) + (Double(sy) + 0.5) / Double(samples)
                        // Image y grows downwards; turn (dx, -dy) back by the rotation into the shape's own frame (v up).
                        let dx = (px - cx) / radius, dy = (cy - py) / radius
                        let u = c * dx + s * dy, v = -s * dx + c * dy
                        if inside(shape, u, v) { hits += 1 }
                    }
                }
                out[row * size + col] = Float(hits) / Float(samples * samples)
            }
        }
        return out
    }

    /// Whether (u, v) (v up, in units of the circumradius) lies inside `shape`.
    static func inside(_ shape: Shape, _ u: Double, _ v: Double) -> Bool {
        switch shape {
        case .square:
            let half = 1 / 2.0.squareRoot()
            return abs(u) <= half && abs(v) <= half
        case .ellipse:
            return u * u + 4 * v * v <= 1
        case .triangle:
            // Apex up at (0, 1); the inradius is ½.
            let k = 3.0.squareRoot() / 2
            return v >= -0.5 && k * u + 0.5 * v <= 0.5 && -k * u + 0.5 * v <= 0.5
        case .heart:
            // (x² + y² − 1)³ − x² y³ ≤ 0, shrunk by 0.8 and lowered so it fits the unit circle.
            let hx = u / 0.8, hy = v / 0.8 + 0.1
            let r = hx * hx + hy * hy - 1
            return r * r * r - hx * hx * hy * hy * hy <= 0
        }
    }

    /// Generates a set and writes it into `directory` (what `latent data synth shapes` does); returns the set and the paths written.
    ///
    /// ```swift
    /// let (set, files) = try SyntheticShapes.synthesize(.init(size: 64, count: 20_000, seed: 3), into: "shapes64")
    /// ```
    public static func synthesize(_ options: Options, into directory: String) throws -> (set: Generated, files: [String]) {
        let set = try generate(options)
        return (set, try write(set, into: directory))
    }

    /// Writes `set` into `directory` (created if needed): the IDX images and labels of both splits,
    /// the factor indices of each split and factors.json. Returns the paths written.
    public static func write(_ set: Generated, into directory: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let s = set.options.size
        let cut = set.count * 4 / 5
        var paths: [String] = []
        func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }
        for (prefix, range) in [("train", 0..<cut), ("t10k", cut..<set.count)] {
            let images = path("\(prefix)-images-idx3-ubyte"), labels = path("\(prefix)-labels-idx1-ubyte")
            let factorPath = path("\(prefix)-factors.npy")
            var imageData = idxHeader(type: 0x08, shape: [range.count, s, s])
            imageData.append(contentsOf: set.pixels[(range.lowerBound * s * s)..<(range.upperBound * s * s)])
            var labelData = idxHeader(type: 0x08, shape: [range.count])
            labelData.append(contentsOf: range.map { UInt8(set.factorIndices[$0][0]) })
            try AtomicFile.write(imageData, to: URL(fileURLWithPath: images))
            try AtomicFile.write(labelData, to: URL(fileURLWithPath: labels))
            let rows = range.flatMap { set.factorIndices[$0].map(Float.init) }
            try NPY.write(Tensor(rows, shape: [range.count, set.factors.count]), to: factorPath)
            paths += [images, labels, factorPath]
        }
        let description = Description(factors: set.factors, size: s, count: set.count, train: cut, test: set.count - cut,
                                      seed: set.options.seed, pixels: set.options.antialiased ? "antialiased" : "binary")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(description), to: URL(fileURLWithPath: path(factorsFile)))
        return paths + [path(factorsFile)]
    }

    /// factors.json.
    struct Description: Codable {
        var factors: [Factor]
        var size: Int, count: Int, train: Int, test: Int
        var seed: UInt64
        var pixels: String
    }

    static func idxHeader(type: UInt8, shape: [Int]) -> Data {
        var d = Data([0, 0, type, UInt8(shape.count)])
        for n in shape { d.append(contentsOf: [UInt8(n >> 24 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)]) }
        return d
    }

    /// The factors of the set in `directory` (a data set's path), or nil when it has no factors.json
    /// (it was not written by `write`). Every index is checked against the factor's values.
    public static func readFactors(_ directory: String) throws -> FactorSet? {
        let jsonPath = (directory as NSString).appendingPathComponent(factorsFile)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue,
              FileManager.default.fileExists(atPath: jsonPath) else { return nil }
        let description: Description
        do {
            description = try JSONDecoder().decode(Description.self, from: Data(contentsOf: URL(fileURLWithPath: jsonPath)))
        } catch {
            throw LatentError.invalidFile(path: jsonPath, reason: "not a factors description (\(UserFacingError.message(for: error)))")
        }
        func split(_ prefix: String, count: Int) throws -> [[Int]] {
            let path = (directory as NSString).appendingPathComponent("\(prefix)-factors.npy")
            let t = try NPY.read(path)
            let k = description.factors.count
            guard t.shape == [count, k] else {
                throw LatentError.invalidFile(path: path, reason: "factor indices of shape \(t.shape); \(jsonPath) says [\(count), \(k)]")
            }
            let values = t.scalars
            return try (0..<count).map { i in
                try (0..<k).map { j in
                    let v = values[i * k + j]
                    guard v >= 0, v == v.rounded(), Int(v) < description.factors[j].values.count else {
                        throw LatentError.invalidFile(path: path, reason: "row \(i) holds \(v) for factor \(description.factors[j].name), which has \(description.factors[j].values.count) values")
                    }
                    return Int(v)
                }
            }
        }
        return FactorSet(factors: description.factors, train: try split("train", count: description.train),
                         test: try split("t10k", count: description.test))
    }
}

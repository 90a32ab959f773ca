import Foundation

/// Images stored one per row in a CSV file (as Kaggle's MNIST CSVs): a label
/// column first or last (or none), an optional header row (detected when the
/// first row is not numeric), pixel values 0–255 or 0–1.
///
/// ```swift
/// let set = try CSVImages.read("mnist_test.csv", labelColumn: .first)
/// ```
public enum CSVImages {
    public enum LabelColumn: String, Codable, Sendable, CaseIterable { case first, last, none }

    /// Reads the file; `shape` ([C, H, W]) defaults to a square gray image.
    public static func read(_ path: String, labelColumn: LabelColumn = .first, shape: [Int]? = nil,
                            maxBytes: Int = ReadOptions.defaultMaxBytes) throws -> LabeledImages {
        let data = try GzipFile.read(path, maxBytes: maxBytes)
        let text = String(decoding: data, as: UTF8.self)
        var rows: [[Float]] = []
        var labels: [Int] = []
        var width: Int?
        for (lineIndex, line) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            let fields = trimmed.split(separator: ",", omittingEmptySubsequences: false)
            let values = fields.map { Float($0.trimmingCharacters(in: .whitespaces)) }
            if values.contains(where: { $0 == nil }) {
                if rows.isEmpty && lineIndex == 0 { continue }   // a header row
                let bad = fields[values.firstIndex(where: { $0 == nil })!]
                throw LatentError.invalidFile(path: path, reason: "line \(lineIndex + 1): '\(bad)' is not a number")
            }
            var numbers = values.map { $0! }
            if let w = width, numbers.count != w {
                throw LatentError.invalidFile(path: path, reason: "line \(lineIndex + 1) has \(numbers.count) values, the lines before have \(w)")
            }
            width = numbers.count
            switch labelColumn {
            case .first: labels.append(Int(numbers.removeFirst()))
            case .last: labels.append(Int(numbers.removeLast()))
            case .none: labels.append(0)
            }
            rows.append(numbers)
        }
        guard let pixelsPerRow = rows.first?.count, pixelsPerRow > 0 else {
            throw LatentError.invalidFile(path: path, reason: "no image rows")
        }
        let imageShape = try shape ?? squareShape(pixelsPerRow, path: path)
        guard imageShape.reduce(1, *) == pixelsPerRow else {
            throw LatentError.invalidFile(path: path, reason: "\(pixelsPerRow) pixels per row do not fill the image shape \(imageShape)")
        }
        var flat = rows.flatMap { $0 }
        let maxValue = flat.max() ?? 0
        if maxValue > 1 { for i in flat.indices { flat[i] /= 255 } }
        return LabeledImages(images: Tensor(flat, shape: [rows.count] + imageShape), labels: labels,
                             hasLabels: labelColumn != .none)
    }

    /// [1, s, s] when n = s², [3, s, s] when n = 3s², else an error asking for a shape.
    static func squareShape(_ n: Int, path: String) throws -> [Int] {
        let s = Int(Double(n).squareRoot().rounded())
        if s * s == n { return [1, s, s] }
        let c = Int(Double(n / 3).squareRoot().rounded())
        if n % 3 == 0 && c * c * 3 == n { return [3, c, c] }
        throw LatentError.invalidFile(path: path, reason: "\(n) pixels per row is not a square image; give the shape (C,H,W)")
    }
}

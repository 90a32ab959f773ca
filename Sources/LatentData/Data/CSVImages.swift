import Foundation
import LatentTensor

/// Images stored one per row in a CSV file (as Kaggle's MNIST CSVs): a label
/// column first or last (or none), an optional header row (detected when the
/// first row is not numeric), pixel values 0–255 (scaled by 1/255 when any is
/// above 1) or 0–1.
///
/// Every row must have the same number of values, every value must be a
/// finite number, pixels within 0…255 and labels whole numbers in
/// `0..<LabeledImages.maxClassCount`; anything else is refused with its line
/// and column.
///
/// ```swift
/// let set = try CSVImages.read("mnist_test.csv", labelColumn: .first)
/// ```
public enum CSVImages {
    public enum LabelColumn: String, Codable, Sendable, CaseIterable { case first, last, none }

    /// Reads the file; `shape` ([C, H, W]) defaults to a square gray (or RGB) image.
    public static func read(_ path: String, labelColumn: LabelColumn = .first, shape: [Int]? = nil,
                            maxBytes: Int = ReadOptions.defaultMaxBytes) throws -> LabeledImages {
        var bytes = [UInt8](try GzipFile.read(path, maxBytes: maxBytes))
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }   // a UTF-8 byte order mark
        func fail(_ reason: String) -> LatentError { .invalidFile(path: path, reason: reason.escapingControlCharacters) }
        var pixels: [Float] = []
        var labels: [Int] = []
        var width: Int?
        var anyAboveOne = false
        for (lineIndex, line) in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            let lineNumber = lineIndex + 1
            let fields = line.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).map(trimmed)
            if fields.count == 1 && fields[0].isEmpty { continue }   // a blank line
            let values = fields.map { Float($0) }
            if let bad = values.firstIndex(where: { $0 == nil }) {
                if width == nil && lineIndex == 0 { continue }   // a header row
                throw fail("line \(lineNumber), column \(bad + 1): '\(fields[bad])' is not a number")
            }
            if let w = width, fields.count != w {
                throw fail("line \(lineNumber) has \(fields.count) values, the lines before have \(w)")
            }
            width = fields.count
            let labelIndex: Int? = switch labelColumn {
            case .first: 0
            case .last: fields.count - 1
            case .none: nil
            }
            for (column, value) in values.enumerated() {
                let value = value!
                guard value.isFinite else {
                    throw fail("line \(lineNumber), column \(column + 1): '\(fields[column])' is not a finite number")
                }
                if column == labelIndex {
                    guard let label = LabeledImages.classLabel(value) else {
                        throw fail("line \(lineNumber), column \(column + 1): label '\(fields[column])' is not a class number (expected a whole number from 0 to \(LabeledImages.maxClassCount - 1))")
                    }
                    labels.append(label)
                } else {
                    guard value >= 0 && value <= 255 else {
                        throw fail("line \(lineNumber), column \(column + 1): pixel value '\(fields[column])' is outside 0…255")
                    }
                    anyAboveOne = anyAboveOne || value > 1
                    pixels.append(value)
                }
            }
            if labelIndex == nil { labels.append(0) }
        }
        guard let width, !labels.isEmpty else { throw fail("no image rows") }
        let pixelsPerRow = width - (labelColumn == .none ? 0 : 1)
        guard pixelsPerRow > 0 else { throw fail("rows hold a label but no pixels") }
        let imageShape = try shape ?? squareShape(pixelsPerRow, path: path)
        var product = 1
        for d in imageShape {
            let (p, overflow) = product.multipliedReportingOverflow(by: d)
            guard d > 0, !overflow else { throw LatentError.invalidArgument("image shape \(imageShape) is not a list of positive sizes") }
            product = p
        }
        guard imageShape.count == 3, product == pixelsPerRow else {
            throw fail("\(pixelsPerRow) pixels per row do not fill the image shape \(imageShape) (C, H, W)")
        }
        if anyAboveOne { for i in pixels.indices { pixels[i] /= 255 } }
        return LabeledImages(images: Tensor(pixels, shape: [labels.count] + imageShape), labels: labels,
                             hasLabels: labelColumn != .none)
    }

    /// A field's text without surrounding spaces, tabs or a carriage return.
    private static func trimmed(_ field: ArraySlice<UInt8>) -> String {
        let isSpace = { (c: UInt8) in c == 0x20 || c == 0x09 || c == 0x0D }
        guard let start = field.firstIndex(where: { !isSpace($0) }) else { return "" }
        let end = field.lastIndex(where: { !isSpace($0) })!
        return String(decoding: field[start...end], as: UTF8.self)
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

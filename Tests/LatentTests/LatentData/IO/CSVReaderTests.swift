import Foundation
import Testing
@testable import Latent
@testable import LatentData

@Suite struct CSVReaderTests {
    let tmp = TempFolder()

    func csv(_ text: String, _ name: String = "d.csv") throws -> String { try tmp.write(Array(text.utf8), name) }

    @Test func badLabelsAreRefusedWithLineAndColumn() throws {
        let cases: [(String, String)] = [
            ("-1", "label '-1' is not a class number"),
            ("3.7", "label '3.7' is not a class number"),
            ("1e12", "label '1e12' is not a class number"),
            ("10000", "label '10000' is not a class number"),
        ]
        for (label, fragment) in cases {
            let path = try csv("label,a,b,c,d\n1,0,0,0,0\n\(label),0,0,0,0\n")
            expectLatentError([path, "line 3, column 1", fragment, "whole number from 0 to 9999"]) { _ = try CSVImages.read(path) }
        }
        for label in ["nan", "inf", "-inf"] {
            let path = try csv("0,0,0,0,1\n0,0,0,0,\(label)\n")
            expectLatentError([path, "line 2, column 5: '\(label)' is not a finite number"]) { _ = try CSVImages.read(path, labelColumn: .last) }
        }
    }

    @Test func pixelsMustBeFiniteAndWithin0To255() throws {
        let bright = try csv("1,0,300,0,0\n")
        expectLatentError([bright, "line 1, column 3: pixel value '300' is outside 0…255"]) { _ = try CSVImages.read(bright) }
        let negative = try csv("1,0,0,0,0\n1,0,0,-0.5,0\n")
        expectLatentError([negative, "line 2, column 4: pixel value '-0.5' is outside"]) { _ = try CSVImages.read(negative) }
        let nan = try csv("1,0,0,0,nan\n")
        expectLatentError([nan, "line 1, column 5: 'nan' is not a finite number"]) { _ = try CSVImages.read(nan) }
        let empty = try csv("1,0,0,0,0\n1,0,,0,0\n")
        expectLatentError([empty, "line 2, column 3: '' is not a number"]) { _ = try CSVImages.read(empty) }
    }

    @Test func rowsMustHaveOneLength() throws {
        let short = try csv("p1,p2,p3,p4\n1,0,0,0,0\n2,0,0\n")
        expectLatentError([short, "line 3 has 3 values, the lines before have 5"]) { _ = try CSVImages.read(short) }
        let long = try csv("1,0,0,0,0\n2,0,0,0,0,0\n")
        expectLatentError([long, "line 2 has 6 values, the lines before have 5"]) { _ = try CSVImages.read(long) }
        let labelOnly = try csv("1\n2\n")
        expectLatentError([labelOnly, "a label but no pixels"]) { _ = try CSVImages.read(labelOnly) }
        let headerOnly = try csv("label,p1,p2\n")
        expectLatentError([headerOnly, "no image rows"]) { _ = try CSVImages.read(headerOnly) }
    }

    @Test func validFilesGiveTheRightValues() throws {
        // A byte order mark, Windows line ends, spaces, a blank line: all fine.
        let path = try csv("\u{FEFF}2, 0, 51,102 ,255\r\n\r\n9,255,0,0,0\r\n")
        let set = try CSVImages.read(path)
        #expect(set.labels == [2, 9] && set.hasLabels && set.imageShape == [1, 2, 2])
        #expect(zip(set.images.scalars, [0, 0.2, 0.4, 1, 1, 0, 0, 0] as [Float]).allSatisfy { close($0, $1) })
        #expect(set.classCount == 10 && set.classCounts == [0, 0, 1, 0, 0, 0, 0, 0, 0, 1])
        // Values within [0, 1] stay as they are; no label column gives unlabelled images.
        let unit = try CSVImages.read(try csv("0,0.5,1,0.25\n", "u.csv"), labelColumn: .none)
        #expect(!unit.hasLabels && unit.labels == [0] && unit.images.scalars == [0, 0.5, 1, 0.25])
        // Three colour channels of 2×2.
        let rgb = try CSVImages.read(try csv("4," + Array(repeating: "255", count: 12).joined(separator: ",") + "\n", "rgb.csv"))
        #expect(rgb.imageShape == [3, 2, 2] && rgb.labels == [4])
    }

    @Test func aGivenShapeMustFitTheRows() throws {
        let path = try csv("1,0,0,0,0,0,0\n")
        #expect(try CSVImages.read(path, shape: [1, 2, 3]).imageShape == [1, 2, 3])
        expectLatentError([path, "6 pixels per row do not fill the image shape [1, 2, 2]"]) { _ = try CSVImages.read(path, shape: [1, 2, 2]) }
        expectLatentError(["image shape [1, -2, -3] is not a list of positive sizes"]) { _ = try CSVImages.read(path, shape: [1, -2, -3]) }
        expectLatentError(["image shape"]) { _ = try CSVImages.read(path, shape: [Int.max, Int.max, 2]) }
    }

    @Test func theRegistryNeedsTwoImagesAndGzipIsCapped() throws {
        let one = try csv("1,0,0,0,0\n", "one.csv")
        expectLatentError([one, "holds 1 image", "at least 2"]) { _ = try DatasetRegistry.load(one) }
        let gz = tmp.file("big.csv.gz")
        try writeGzip(gz, [], repeating: Array("1,0,0,0,0\n".utf8), times: 10_000)
        var reading = ReadOptions()
        reading.maxBytes = 50_000
        expectLatentError([gz, "more than 50000 bytes once decompressed"]) { _ = try DatasetRegistry.load(gz, reading: reading) }
        reading.maxBytes = 100_000
        let source = try DatasetRegistry.load(gz, reading: reading)
        #expect(source.train.count == 8_000 && source.test.count == 2_000 && source.train.classCount == 2)
    }
}

@Suite struct LabeledImagesTests {
    @Test func classCountsCoverEveryLabel() {
        let set = LabeledImages(images: Tensor.zeros([4, 1, 1, 1]), labels: [0, 3, 3, 9_999])
        #expect(set.classCount == LabeledImages.maxClassCount)
        let counts = set.classCounts
        #expect(counts.count == 10_000 && counts[0] == 1 && counts[3] == 2 && counts[9_999] == 1)
        let none = LabeledImages(images: Tensor.zeros([0, 1, 1, 1]), labels: [])
        #expect(none.classCount == 0 && none.classCounts.isEmpty)
    }

    @Test func classLabelAcceptsOnlyWholeNumbersInRange() {
        #expect(LabeledImages.classLabel(0) == 0 && LabeledImages.classLabel(9_999) == 9_999)
        for bad: Float in [-1, 3.7, .nan, .infinity, -.infinity, 1e12, 10_000, -0.5] {
            #expect(LabeledImages.classLabel(bad) == nil, "\(bad)")
        }
    }
}

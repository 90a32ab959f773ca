import Foundation
import Testing
@testable import Latent

/// How a data set is split: validation by default a fraction, `limit` for training images only, `testLimit` for test images.
@Suite struct DataSplitTests {
    let fixture = EvaluationFixture()

    func load(_ change: (inout DataOptions) -> Void = { _ in }) throws -> PreparedData {
        var o = DataOptions(source: try fixture.writeBars(count: 300))   // 240 training, 60 test images
        change(&o)
        return try PreparedData.load(o)
    }

    @Test func validationDefaultsToATenthOfTheTrainingImagesAtMost5000() throws {
        #expect(DataOptions.defaultValidation(trainingImages: 60_000) == 5_000)
        #expect(DataOptions.defaultValidation(trainingImages: 800) == 80)
        #expect(DataOptions.defaultValidation(trainingImages: 9) == 0)
        let d = try load()
        #expect((d.train.count, d.validation.count, d.test.count) == (216, 24, 60))
        let none = try load { $0.validation = 0 }
        #expect((none.train.count, none.validation.count) == (240, 0))
        expectLatentError(["--validation 240", "240"]) { _ = try load { $0.validation = 240 } }
    }

    @Test func limitCountsTrainingImagesOnlyAndTestLimitTheTestImages() throws {
        let limited = try load { $0.limit = 50 }
        #expect((limited.train.count, limited.validation.count, limited.test.count) == (50, 24, 60))
        let both = try load { $0.limit = 50; $0.testLimit = 20 }
        #expect((both.train.count, both.validation.count, both.test.count) == (50, 24, 20))
        // The kept test images are the fixed subset, identical whatever the other options.
        let other = try load { $0.testLimit = 20; $0.seed = 9; $0.validation = 10 }
        #expect(other.test.flatImages.scalars == both.test.flatImages.scalars)
        #expect(try load { $0.testLimit = 1_000 }.test.count == 60)
        expectLatentError(["--test-limit"]) { _ = try load { $0.testLimit = 0 } }
    }

    @Test func theTestSubsetIsFixedRandomSortedAndNested() {
        let ten = PreparedData.fixedSubset(count: 60, limit: 10), twenty = PreparedData.fixedSubset(count: 60, limit: 20)
        #expect(ten.count == 10 && twenty.count == 20)
        #expect(ten == ten.sorted() && Set(ten).count == 10 && ten.allSatisfy { (0..<60).contains($0) })
        #expect(Set(ten).isSubset(of: Set(twenty)), "a smaller test set lies inside a larger one")
        #expect(ten != Array(0..<10), "not the file's first images")
        #expect(PreparedData.fixedSubset(count: 60, limit: 10) == ten)
        #expect(PreparedData.fixedSubset(count: 5, limit: 10) == [0, 1, 2, 3, 4])
    }

    @Test func loadingForEvaluationNarrowsTheRunsOwnTestLimit() throws {
        var o = DataOptions(source: try fixture.writeBars(count: 300))
        o.testLimit = 30
        #expect(try PreparedData.load(o, testLimit: 10).test.count == 10)
        #expect(try PreparedData.load(o, testLimit: 50).test.count == 30)
        #expect(try PreparedData.load(o, testLimit: nil).test.count == 30)
    }

    /// config.json as the previous release wrote it (`latent train vae --data tiny.csv --epochs 1 --validation 20 --limit 50`):
    /// validation recorded explicitly, no test limit.
    static let previousConfig = #"""
    {
      "classCount" : 4,
      "command" : [ "latent", "train", "vae", "--data", "tiny.csv", "--epochs", "1", "--validation", "20", "--limit", "50",
                    "--runs", "runs", "--name", "fixture" ],
      "created" : "2026-11-29T22:34:45Z",
      "data" : {
        "binarize" : "none",
        "labelColumn" : "first",
        "limit" : 50,
        "scale" : "unit",
        "seed" : 0,
        "source" : "tiny.csv",
        "validation" : 20
      },
      "dataDescription" : "tiny.csv (CSV, split 80\/20)",
      "family" : "vae",
      "imageShape" : [ 1, 4, 4 ],
      "latentVersion" : "0.1.0",
      "model" : { },
      "testCount" : 10,
      "threads" : 1,
      "trainCount" : 50,
      "training" : {
        "batchSize" : 128,
        "epochs" : 1,
        "imageEvery" : 1,
        "learningRate" : 0.001,
        "momentum" : 0.9,
        "optimizer" : "adam",
        "seed" : 0
      },
      "validationCount" : 20
    }
    """#

    @Test func aConfigOfThePreviousFormatGivesTheSameSplit() throws {
        var config = try JSONDecoder().decode(RunConfig.self, from: Data(Self.previousConfig.utf8))
        try config.validate(path: "config.json")
        #expect(config.data.validation == 20 && config.data.limit == 50 && config.data.testLimit == nil)
        // tiny.csv: 120 labelled 4×4 images; image i has the value i/255 in its first pixel, so each can be told apart.
        var csv = ""
        for i in 0..<120 { csv += ([String(i % 4), String(i)] + Array(repeating: "0", count: 15)).joined(separator: ",") + "\n" }
        try Data(csv.utf8).write(to: URL(fileURLWithPath: fixture.tmp.file("tiny.csv")))
        config.data.source = fixture.tmp.file("tiny.csv")
        let d = try PreparedData.load(config.data)
        #expect(d.train.count == config.trainCount && d.validation.count == config.validationCount)
        func ids(_ set: LabeledImages) -> [Int] { (0..<set.count).map { Int((set.flatImages[$0, 0] * 255).rounded()) } }
        // The validation images the previous release held out of the 96 training images with seed 0.
        #expect(ids(d.validation) == Self.previousValidation)
        #expect(ids(d.train) == Array((0..<96).filter { !Self.previousValidation.contains($0) }.prefix(50)))
        // The one change: --limit no longer cut the test split to limit/5 (it was 10 images).
        #expect(d.test.count == 24)
        // A configuration written with the previous default recorded 5,000 explicitly, and keeps it.
        let old = try JSONDecoder().decode(DataOptions.self, from: Data(#"{"source":"mnist","scale":"unit","binarize":"none","validation":5000,"seed":0,"labelColumn":"first"}"#.utf8))
        #expect(old.validationCount(trainingImages: 20_000) == 5_000)
        #expect(DataOptions(source: "mnist").validationCount(trainingImages: 20_000) == 2_000)
    }

    static let previousValidation = [5, 9, 14, 18, 24, 25, 37, 48, 52, 54, 55, 56, 57, 59, 62, 65, 72, 89, 92, 95]
}

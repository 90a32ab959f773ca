import Foundation
import Testing
@testable import Latent

/// A tiny data set whose geometry is known by hand, and tiny runs trained on it.
///
/// Every image is 1×8×8: x = 0.5 + a·u + b·v, with u = ¼ on image rows 0–1 and
/// v = ¼ on rows 4–5 (orthonormal pixel patterns). The 160 training images
/// (the first 80 % of the file) take every pair of 16 values of a in
/// [−1.5, 1.5] and 10 values of b in [−0.3, 0.3], so the training images'
/// principal components are exactly u and v, their mean is 0.5 everywhere and
/// a test image's PCA coordinates are its (a, b). The 40 test images take 8 × 5
/// other pairs. The label is a's index mod 4.
struct ExperimentFixture {
    let tmp = TempFolder()
    static let side = 8
    static let trainA = grid(-1.5, 1.5, 16), trainB = grid(-0.3, 0.3, 10)
    static let testA = grid(-1.2, 1.2, 8), testB = grid(-0.2, 0.2, 5)

    static func grid(_ low: Double, _ high: Double, _ count: Int) -> [Double] {
        (0..<count).map { low + (high - low) * Double($0) / Double(count - 1) }
    }

    /// u (which = 0) or v (which = 1) as a row of 64 pixels.
    static func direction(_ which: Int) -> [Double] {
        (0..<(side * side)).map { p in (p / side) / 2 == (which == 0 ? 0 : 2) ? 0.25 : 0 }
    }

    /// (a, b) of the training images, then of the test images, in file order.
    static var coefficients: [(a: Double, b: Double, label: Int)] {
        var all: [(Double, Double, Int)] = []
        for (i, a) in trainA.enumerated() { for b in trainB { all.append((a, b, i % 4)) } }
        for (i, a) in testA.enumerated() { for b in testB { all.append((a, b, i % 4)) } }
        return all
    }

    var dataPath: String { tmp.file("planes.npy") }

    /// The data set, prepared with no validation split (so the training images stay a full grid).
    func data(scale: DataOptions.Scale = .unit) throws -> PreparedData {
        if !FileManager.default.fileExists(atPath: dataPath) {
            let (u, v) = (Self.direction(0), Self.direction(1))
            let pixels = Self.coefficients.flatMap { c in (0..<(Self.side * Self.side)).map { Float(0.5 + c.a * u[$0] + c.b * v[$0]) } }
            try NPY.write(Tensor(pixels, shape: [Self.coefficients.count, Self.side, Self.side]), to: dataPath)
            try NPY.write(Tensor(Self.coefficients.map { Float($0.label) }), to: tmp.file("planes-labels.npy"))
        }
        var options = DataOptions(source: dataPath)
        options.validation = 0
        options.scale = scale
        return try PreparedData.load(options)
    }

    func config(_ family: String, _ data: PreparedData, latent: Int, conditional: Bool) throws -> RunConfig {
        var options = [("epochs", "2"), ("batch", "16"), ("lr", family == "rbm" ? "0.05" : "2e-3"), ("image-every", "0"),
                       ("latent", "\(latent)"), ("hidden", family == "dbm" ? "12,8" : "16"), ("pretrain-epochs", "1")]
        if conditional { options.append(("conditional", "true")) }
        return try testConfig(family, data: data, options)
    }

    /// A run of `family` trained for two epochs in a fresh runs folder, opened as `latent sample` opens it.
    func trained(_ family: String, latent: Int = 2, conditional: Bool = false, scale: DataOptions.Scale? = nil) throws -> TrainedRun {
        let data = try data(scale: scale ?? ModelRegistry.family(family).defaultScale)
        let session = try TrainingSession.start(config: config(family, data, latent: latent, conditional: conditional), data: data,
                                                root: tmp.file("runs"), name: family, explicitName: false)
        session.quiet = true
        session.log = { _ in }
        try session.train()
        return try TrainedRun.open(session.run.name, root: tmp.file("runs"))
    }

    /// A run folder of `family` with a freshly built (untrained) model.
    func untrained(_ family: String) throws -> TrainedRun {
        let data = try data(scale: ModelRegistry.family(family).defaultScale)
        let config = try config(family, data, latent: 2, conditional: false)
        let directory = try RunDirectory.create(root: tmp.file("runs"), name: family, config: config)
        var rng = RandomGenerator(seed: 1)
        return TrainedRun(directory: directory, model: try config.buildModel(rng: &rng), epoch: 0)
    }
}

func fileExists(_ path: String) -> Bool {
    ((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0) > 0
}

/// Opening a run, its test images, capability checks, sampling and reconstruction.
@Suite struct ExperimentTests {
    let fixture = ExperimentFixture()

    // MARK: TrainedRun

    @Test func aRunOpensWithItsModelAndTheTestImagesEvaluateUses() throws {
        let run = try fixture.trained("ppca")
        #expect(run.epoch == 2)
        #expect(run.config.family == "ppca")
        let data = try fixture.data()
        let test = try run.testImages(limit: 5)
        #expect(test.labels == Array(data.test.labels.prefix(5)))
        #expect(test.hasLabels)
        expectClose(test.images, data.evaluationImages(data.test).rows(0..<5), tolerance: 0)
        #expect(try run.testImages().count == 40)
        #expect(try run.testImages(limit: 1_000).count == 40, "a limit past the split gives the whole split")
        // Pictures are the run's image shape in [0, 1].
        #expect(run.pictures(test.images).shape == [5, 1, 8, 8])
    }

    @Test func aRunWhoseDataChangedShapeIsRefused() throws {
        let run = try fixture.trained("ppca")
        try NPY.write(Tensor.full([200, 4, 4], 0.5), to: fixture.dataPath)
        expectLatentError(["data of \(run.name)", "[1, 4, 4]", "[1, 8, 8]"]) { _ = try run.testImages() }
    }

    @Test func aMissingCapabilityNamesTheFamiliesThatHaveIt() throws {
        let ppca = try fixture.untrained("ppca")
        expectLatentError(["model 'ppca' does not support `inpaint` (rbm and dbm do)"]) { _ = try ppca.inpaint() }
        expectLatentError(["`sample --gibbs-steps` (rbm and dbm do)"]) { _ = try ppca.sample(SamplingOptions(gibbsSteps: [1])) }
        let gan = try fixture.untrained("gan")
        expectLatentError(["model 'gan' does not support `latent-map` (vae, conv-vae, ae, conv-ae, ppca and avb do)"]) { _ = try gan.latentMap() }
        expectLatentError(["model 'gan' does not support `reconstruct`", "rbm, dbm and avb do"]) { _ = try gan.reconstruct() }
    }

    // MARK: sampling

    @Test func samplingWritesTheGridAndTheArray() throws {
        let run = try fixture.trained("vae")
        let samples = try run.sample(SamplingOptions(count: 7, seed: 3))
        #expect(samples.grids.count == 1)
        let images = samples.grids[0].images
        #expect(images.shape == [7, 1, 8, 8])
        #expect(images.minValue() >= 0 && images.maxValue() <= 1)
        let npy = fixture.tmp.file("samples.npy")
        let paths = try samples.write(npy: npy)
        #expect(paths == [npy, run.directory.image("sample-7.png")])
        #expect(fileExists(paths[1]))
        expectClose(try NPY.read(npy), images, tolerance: 0)
        // The same seed draws the same images; another seed others.
        expectClose(try run.sample(SamplingOptions(count: 7, seed: 3)).grids[0].images, images, tolerance: 0)
        #expect(try run.sample(SamplingOptions(count: 7, seed: 4)).grids[0].images.scalars != images.scalars)
        let chosen = fixture.tmp.file("chosen.png")
        #expect(try samples.write(to: chosen) == [chosen])
        #expect(fileExists(chosen))
    }

    @Test func samplesBesideRealTestImages() throws {
        let run = try fixture.trained("vae")
        let samples = try run.sample(SamplingOptions(count: 16, seed: 3, besideReal: true))
        let grid = samples.grids[0]
        // The real half is the run's first 16 test images, as `evaluate` sees them; the generated half is the plain draw.
        expectClose(try #require(grid.real), run.pictures(try run.testImages(limit: 16).images).reshaped([16, 1, 8, 8]), tolerance: 0)
        expectClose(grid.images, try run.sample(SamplingOptions(count: 16, seed: 3)).grids[0].images, tolerance: 0)
        let paths = try samples.write()
        #expect(paths == [run.directory.image("sample-16-beside-real.png")] && fileExists(paths[0]))
        let picture = try PNGReader.read(paths[0])
        let plain = try PNGReader.read(try run.sample(SamplingOptions(count: 16, seed: 3)).write()[0])
        #expect(picture.shape.last! > plain.shape.last!, "two grids side by side are wider than one: \(picture.shape) vs \(plain.shape)")
        expectLatentError(["--beside-real", "--gibbs-steps"]) {
            _ = try fixture.trained("rbm").sample(SamplingOptions(count: 4, gibbsSteps: [1], besideReal: true))
        }
    }

    @Test func aConditionalModelDrawsAChosenClass() throws {
        let run = try fixture.trained("vae", conditional: true)
        let paths = try run.sample(SamplingOptions(count: 6, classLabel: 2)).write()
        #expect(paths == [run.directory.image("sample-6-class2.png")])
        #expect(fileExists(paths[0]))
        expectLatentError(["--class must be below 4", "0 to 3", "got 4"]) { _ = try run.sample(SamplingOptions(classLabel: 4)) }
        let plain = try fixture.trained("ppca")
        expectLatentError(["--class needs a conditional model"]) { _ = try plain.sample(SamplingOptions(classLabel: 0)) }
    }

    @Test func gibbsChainsWriteOneGridPerLength() throws {
        let run = try fixture.trained("rbm")
        let samples = try run.sample(SamplingOptions(count: 9, gibbsSteps: [1, 3]))
        #expect(samples.grids.map(\.fileName) == ["sample-gibbs-1.png", "sample-gibbs-3.png"])
        #expect(samples.grids.map(\.title) == ["1 Gibbs steps from noise", "3 Gibbs steps from noise"])
        #expect(samples.grids.allSatisfy { $0.images.shape == [9, 1, 8, 8] })
        let paths = try samples.write()
        #expect(paths == [run.directory.image("sample-gibbs-1.png"), run.directory.image("sample-gibbs-3.png")])
        #expect(paths.allSatisfy(fileExists))
        // From data: as many chains as test images when fewer than asked.
        let fromData = try run.sample(SamplingOptions(count: 100, gibbsSteps: [2], fromData: true))
        #expect(fromData.grids.map(\.fileName) == ["sample-gibbs-2-from-data.png"])
        #expect(fromData.grids[0].images.shape == [40, 1, 8, 8])
    }

    // MARK: reconstruction

    @Test func reconstructionsHaveTheTestImagesShapeAndRange() throws {
        let run = try fixture.trained("vae")
        let result = try run.reconstruct(ReconstructionOptions(count: 6))
        #expect(result.originals.shape == [6, 1, 8, 8])
        #expect(result.reconstructions.shape == [6, 1, 8, 8])
        #expect(result.reconstructions.minValue() >= 0 && result.reconstructions.maxValue() <= 1)
        expectClose(result.originals, run.pictures(try run.testImages(limit: 6).images), tolerance: 0)
        let byHand = zip(result.originals.scalars, result.reconstructions.scalars).map { Double(($0 - $1) * ($0 - $1)) }.reduce(0, +) / Double(6 * 64)
        #expect(Swift.abs(result.meanSquaredError - byHand) < 1e-6)
        #expect(try run.reconstruct(ReconstructionOptions(count: 500)).count == 40)
        let path = try result.write()
        #expect(path == run.directory.image("reconstruct-test.png"))
        #expect(fileExists(path))
    }

    @Test func symmetricDataAreShownInTheUnitRangeAndScoredInTheirOwn() throws {
        let run = try fixture.trained("ppca", scale: .symmetric)
        let result = try run.reconstruct(ReconstructionOptions(count: 8))
        let data = try fixture.data(scale: .symmetric)
        #expect(data.test.flatImages.minValue() < 0, "the data are in [−1, 1]")
        expectClose(result.originals, PixelRange.symmetric.toUnit(data.evaluationImages(data.test).rows(0..<8)).reshaped([8, 1, 8, 8]), tolerance: 0)
        #expect(result.originals.minValue() >= 0 && result.originals.maxValue() <= 1)
        // The pictures are (x + 1) / 2: their squared error is a quarter of the data's.
        let shown = zip(result.originals.scalars, result.reconstructions.scalars).map { Double(($0 - $1) * ($0 - $1)) }.reduce(0, +) / Double(8 * 64)
        #expect(result.meanSquaredError > 0)
        #expect(Swift.abs(result.meanSquaredError - 4 * shown) < 1e-6 + 1e-4 * result.meanSquaredError)
    }
}

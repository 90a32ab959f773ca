import Foundation
import LatentData
import LatentEvaluation
import LatentExperiments
import LatentModels
import LatentRuns
import LatentTensor

/// The latent explorer's view of one run: its model loaded once from the last checkpoint, the test codes and
/// their 2-D PCA map. A point (u, v) of the map is the code `mean + u·pc₁ + v·pc₂`; the page sends that code to
/// `/api/run/NAME/decode?z=…` and shows the decoded image.
///
/// ```swift
/// let explorer = try LatentExplorer(run: RunDirectory.open("runs/vae-mnist"))
/// let png = try explorer.decodePNG(explorer.code(u: 0.5, v: -1))
/// ```
public final class LatentExplorer: @unchecked Sendable {
    public let name: String
    public let latentSize: Int
    public let mean: [Double]
    /// Two components of `latentSize` values each (fewer when the code has one dimension).
    public let components: [[Double]]
    /// Map coordinates of up to `maxPoints` test codes, with their labels (-1 without).
    public let points: [(Double, Double)]
    public let labels: [Int]
    public let classNames: [String]?
    let trained: TrainedRun
    let model: any LatentSpaceModel
    /// The classes a conditional model (conditional VAE, M2, conditional or AC-GAN) decodes for; nil otherwise.
    public let classCount: Int?
    var conditional: Bool { classCount != nil }
    let lock = NSLock()

    public static let maxPoints = 1000
    /// The largest |z| the decoder is asked about.
    public static let maxMagnitude = 1000.0

    public init(run: RunDirectory) throws {
        let trained = try TrainedRun(run)
        guard let model = trained.model as? any LatentSpaceModel else {
            let families = ModelRegistry.families.filter { $0 is any LatentSpaceModel.Type }.map { $0.family }
            throw LatentError.invalidArgument("\(run.name) (\(run.config.family)) has no continuous latent space to explore; \(families.joined(separator: ", ")) have one")
        }
        let test = try trained.testImages(limit: LatentExplorer.maxPoints)
        let codes = try model.encode(test.images, labels: test.labels)
        let k = Swift.min(2, model.latentSize)
        let pca = try PCA.fit(codes, components: k)
        let map = pca.transform(codes).scalars
        self.trained = trained
        self.model = model
        name = run.name
        latentSize = model.latentSize
        mean = pca.mean
        components = pca.components
        points = (0..<codes.shape[0]).map { i in (Double(map[i * k]), k > 1 ? Double(map[i * k + 1]) : 0) }
        labels = test.hasLabels ? test.labels : Array(repeating: -1, count: test.count)
        classNames = test.classNames
        classCount = (model as? any ConditionalSamplingModel)?.conditionalClasses ?? nil
    }

    /// The code at map point (u, v).
    public func code(u: Double, v: Double) -> [Double] {
        (0..<latentSize).map { j in mean[j] + u * components[0][j] + (components.count > 1 ? v * components[1][j] : 0) }
    }

    /// The decoded image of code `z` as PNG bytes; `z` must have `latentSize` finite values of magnitude at most
    /// `maxMagnitude`. A conditional model draws class `label` (default 0, at most `classCount` − 1).
    public func decodePNG(_ z: [Double], label: Int? = nil) throws -> Data {
        guard z.count == latentSize else { throw LatentError.invalidArgument("z needs \(latentSize) numbers, got \(z.count)") }
        if let label, let classCount, !(0..<classCount).contains(label) {
            throw LatentError.invalidArgument("class needs a number from 0 to \(classCount - 1), got \(label)")
        }
        guard z.allSatisfy({ $0.isFinite && Swift.abs($0) <= LatentExplorer.maxMagnitude }) else {
            throw LatentError.invalidArgument("z needs finite numbers of magnitude at most \(Int(LatentExplorer.maxMagnitude))")
        }
        lock.lock()
        defer { lock.unlock() }
        let rows = try model.decode(Tensor(z.map(Float.init), shape: [1, latentSize]), labels: conditional ? [label ?? 0] : nil)
        let picture = trained.pictures(rows).reshaped(trained.imageShape)
        return try PNGImage(tensor: picture).encoded()
    }

    /// What the explorer page draws.
    public var json: [String: Any] {
        ["name": name, "latent_size": latentSize, "mean": mean, "components": components,
         "points": points.map { [$0.0, $0.1] }, "labels": labels, "class_names": classNames ?? NSNull(), "conditional": conditional,
         "classes": classCount ?? NSNull()]
    }
}

/// Explorers of the most recently explored runs, each built once and rebuilt when the run writes a newer checkpoint.
typealias ExplorerCache = RunCache<LatentExplorer>

/// Values built from a run's last checkpoint (an explorer, a Gibbs sampler), kept for the few most recently used runs
/// and rebuilt when the run writes a newer checkpoint.
final class RunCache<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [(path: String, key: String, value: Value)] = []
    let capacity: Int
    let build: (RunDirectory) throws -> Value

    init(capacity: Int = 2, build: @escaping (RunDirectory) throws -> Value) {
        self.capacity = capacity
        self.build = build
    }

    func value(_ run: RunDirectory) throws -> Value {
        let modified = (try? FileManager.default.attributesOfItem(atPath: run.lastCheckpoint)[.modificationDate] as? Date) ?? nil
        let key = run.path + "@" + String(modified?.timeIntervalSince1970 ?? 0)
        lock.lock()
        defer { lock.unlock() }
        if let i = entries.firstIndex(where: { $0.key == key }) {
            let hit = entries.remove(at: i)
            entries.append(hit)
            return hit.value
        }
        let value = try build(run)
        entries.removeAll { $0.path == run.path }
        entries.append((run.path, key, value))
        if entries.count > capacity { entries.removeFirst(entries.count - capacity) }
        return value
    }
}

extension RunCache where Value == LatentExplorer {
    convenience init(capacity: Int = 2) { self.init(capacity: capacity, build: LatentExplorer.init) }
    func explorer(_ run: RunDirectory) throws -> LatentExplorer { try value(run) }
}

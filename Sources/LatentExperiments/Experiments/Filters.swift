import LatentTensor
import LatentOutput
import LatentModels
import LatentRuns

/// Which weights `TrainedRun.filters` shows: `latent filters`' options.
///
/// ```swift
/// let filters = try run.filters(FilterOptions(layer: 1, count: 64))
/// print(filters.weights.shape)     // [64, 784]
/// ```
public struct FilterOptions: Sendable {
    /// Layer, 1 = next to the pixels.
    public var layer = 1
    /// Filters to show at most (the first ones).
    public var count = 100

    public init(layer: Int = 1, count: Int = 100) {
        self.layer = layer
        self.count = count
    }
}

/// The weights of one layer in pixel space, one filter per hidden unit.
public struct Filters {
    public let directory: RunDirectory
    public let layer: Int
    /// [K, C·H·W], raw weights (each picture is stretched to its own range when drawn).
    public let weights: Tensor

    public var count: Int { weights.shape[0] }

    /// Writes the filters as a mosaic to `path` (default: the run's
    /// images/filters-layer<k>.png); returns the path.
    public func write(to path: String? = nil) throws -> String {
        let path = path ?? directory.image("filters-layer\(layer).png")
        try ImageGrid.filters(weights, imageShape: directory.config.imageShape, scale: 2).write(to: path)
        return path
    }
}

extension TrainedRun {
    /// The first `count` filters of `layer` (RBM, DBM, MLP VAE and AE, PPCA).
    public func filters(_ options: FilterOptions = FilterOptions()) throws -> Filters {
        let model = try capability("filters", { $0 as? any FilterModel }, { $0 is any FilterModel.Type })
        guard model.filterLayers > 0 else {
            throw LatentError.invalidArgument("this run's model ('\(config.family)') has no layer with filters in pixel space (MLP encoders do)")
        }
        guard options.layer >= 1, options.layer <= model.filterLayers else {
            throw LatentError.invalidArgument("--layer must be between 1 and \(model.filterLayers) for this model, got \(options.layer)")
        }
        guard options.count >= 1 else { throw LatentError.invalidArgument("the number of filters must be at least 1, got \(options.count)") }
        let weights = try model.filters(layer: options.layer)
        return Filters(directory: directory, layer: options.layer, weights: weights.rows(0..<Swift.min(options.count, weights.shape[0])))
    }
}

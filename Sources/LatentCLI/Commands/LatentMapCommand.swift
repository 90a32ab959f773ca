import ArgumentParser
import Foundation
import Latent

struct LatentMapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "latent-map",
        abstract: "Posterior means of test (or training) images reduced to 2-D by PCA, t-SNE or UMAP, coloured by class.",
        discussion: """
        With --compare, the second run's map is drawn beside the first (e.g. AE against VAE).
        With --split train, the codes are those of training images prepared as for training: a fixed \
        random subset of --n of them (the same for every run on the data set), written to \
        plots/latent-map-train.svg so the test map is kept.
        With several methods (--method tsne,umap), the same codes are drawn once by each, side by side, in \
        plots/latent-map-tsne-umap.svg. Every map's trustworthiness (Venna & Kaski: 1 when the map's 10 nearest \
        neighbours of every point are its nearest codes, about 0.5 for a map unrelated to the codes) is printed \
        and written in its title (maps of at most 5,000 points).
        UMAP: exact neighbours, PCA initialisation, 500 epochs, seeded (the same map every time).

        Examples:
          latent latent-map vae-mnist --compare ae-mnist --n 2000
          latent latent-map vae-mnist --compare ae-mnist --split train
          latent latent-map vae-mnist --method tsne,umap --n 2000
        """)

    @OptionGroup var target: RunArgument
    @Option(help: "A second run to draw beside the first.") var compare: String?
    @Option(help: "Number of images (t-SNE, UMAP: at most a few thousand, they are exact and O(N²)).") var n = 2_000
    @Option(help: "Images to encode: test (the first N test images) or train (a fixed random subset of N training images, prepared as for training).") var split = "test"
    @Option(help: "Reduction to 2-D: pca, tsne or umap, or several separated by commas (e.g. tsne,umap) to draw the same codes by each, side by side.") var method = "pca"
    @Option(help: "t-SNE perplexity.") var perplexity: Double = 30
    @Option(help: "UMAP: neighbours per point (umap-learn's n_neighbors).") var neighbours = 15
    @Option(help: "UMAP: smallest distance between points of the map, 0 to 1 (umap-learn's min_dist).") var minDist = 0.1
    @Option(help: "Output SVG (default: the run's plots/latent-map.svg; latent-map-tsne…, latent-map-umap… or latent-map-tsne-umap… by method, …-train.svg with --split train, …-compare.svg with --compare).") var output: String?

    var methods: [LatentMapOptions.Method] {
        method.split(separator: ",").compactMap { LatentMapOptions.Method(rawValue: $0.trimmingCharacters(in: .whitespaces)) }
    }

    func validate() throws {
        let words = method.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        for word in words where LatentMapOptions.Method(rawValue: word) == nil {
            throw ValidationError("--method must be pca, tsne or umap (or several separated by commas), got '\(word)'")
        }
        guard Set(words).count == words.count else { throw ValidationError("--method names a method twice: '\(method)'") }
        guard LatentMapOptions.Split(rawValue: split) != nil else { throw ValidationError("--split must be train or test, got '\(split)'") }
        // t-SNE and UMAP hold N×N distances: a few thousand points is what they are for.
        let exact = methods.contains { $0 != .pca }
        try Check.atLeast(n, exact ? 4 : 1, "--n" + (exact ? " (with --method tsne or umap)" : ""),
                          maximum: exact ? 20_000 : Check.largestCount)
        try Check.positive(perplexity, "--perplexity")
        guard perplexity <= 10_000 else { throw ValidationError("--perplexity must be at most 10000, got \(perplexity)") }
        try Check.atLeast(neighbours, 2, "--neighbours", maximum: 1_000)
        guard minDist.isFinite, minDist >= 0, minDist <= 1 else { throw ValidationError("--min-dist must be between 0 and 1, got \(minDist)") }
    }

    func run() throws {
        let options = LatentMapOptions(count: n, perplexity: perplexity, split: LatentMapOptions.Split(rawValue: split) ?? .test,
                                       methods: methods, neighbours: neighbours, minDistance: minDist)
        let runs = try [openRun(target)] + (compare.map { [try TrainedRun.open($0, root: target.location.runs)] } ?? [])
        let maps = try runs.flatMap { try $0.latentMaps(options) }
        let path = try LatentMap.write(maps, to: output)
        for map in maps {
            let trust = map.trustworthiness.map { String(format: "trustworthiness %.4f (k = %d, %d codes)", $0, map.trustworthinessNeighbours, map.points.shape[0]) }
                ?? "trustworthiness not computed (\(map.points.shape[0]) codes; 4 to \(LatentMap.trustworthinessLimit) are scored)"
            print("\(map.directory.name) \(map.method.title): \(trust)")
        }
        print(path)
    }
}

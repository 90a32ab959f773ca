import Foundation
import Testing
@testable import Latent

/// `latent-map --method umap` and `--method tsne,umap`: the same codes by each method, with trustworthiness.
@Suite struct LatentMapMethodsTests {
    let fixture = ExperimentFixture()

    @Test func tsneAndUMAPOfTheSameCodesSideBySide() throws {
        let run = try fixture.trained("ppca")
        let options = LatentMapOptions(count: 40, perplexity: 5, showsProgress: false, methods: [.tsne, .umap], neighbours: 5)
        let maps = try run.latentMaps(options)
        #expect(maps.map(\.method) == [.tsne, .umap])
        for map in maps {
            #expect(map.points.shape == [40, 2] && map.points.scalars.allSatisfy { $0.isFinite })
            #expect(map.labels == (try run.testImages(limit: 40)).labels)
            // The test codes of PPCA are a linear map of a 2-D grid: both maps keep most neighbourhoods.
            let t = try #require(map.trustworthiness)
            #expect(t > 0.7 && t <= 1, "\(map.method): trustworthiness \(t)")
            #expect(map.trustworthinessNeighbours == 10)
        }
        #expect(try run.latentMaps(options).map(\.points.scalars) == maps.map(\.points.scalars), "seeded: the same maps")
        let path = try LatentMap.write(maps)
        #expect(path == run.directory.plot("latent-map-tsne-umap.svg"))
        let svg = try String(contentsOfFile: path, encoding: .utf8)
        #expect(svg.components(separatedBy: "<svg x=").count == 3, "two maps side by side")
        #expect(svg.contains("(t-SNE, perplexity 5, trustworthiness ") && svg.contains("(UMAP, 5 neighbours, min dist 0.1, trustworthiness "))
        #expect(fileExists(run.directory.path + "/report.html"))
        #expect(try String(contentsOfFile: run.directory.path + "/report.html", encoding: .utf8).contains("latent-map-tsne-umap.svg"))
        // One method: latentMap draws the first, UMAP alone is named after it.
        let umap = try run.latentMap(LatentMapOptions(count: 40, method: .umap, showsProgress: false, neighbours: 5))
        #expect(umap.method == .umap && umap.points.scalars == maps[1].points.scalars)
        #expect(try LatentMap.write([umap]) == run.directory.plot("latent-map-umap.svg"))
        // PCA of 2-D codes is the codes themselves: every neighbourhood kept.
        #expect(try run.latentMap(LatentMapOptions(count: 40)).trustworthiness == 1)
    }

    @Test func badUMAPSettingsAreOneLine() throws {
        let run = try fixture.trained("ppca")
        expectLatentError(["UMAP needs at least 2 neighbours, got 1"]) {
            _ = try run.latentMaps(LatentMapOptions(count: 40, methods: [.umap], neighbours: 1))
        }
        expectLatentError(["UMAP's minimum distance must be between 0 and 1, got 2.0"]) {
            _ = try run.latentMaps(LatentMapOptions(count: 40, methods: [.umap], minDistance: 2))
        }
        expectLatentError(["UMAP needs at least 4 test images, the run's test split has 3"]) {
            _ = try run.latentMaps(LatentMapOptions(count: 3, methods: [.umap]))
        }
    }
}

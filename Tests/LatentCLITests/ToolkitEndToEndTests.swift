import Foundation
import Testing
@testable import Latent

/// The representation toolkit run as a user would, on 200 tiny images: t-SNE
/// beside UMAP with their trustworthiness, DBSCAN beside k-means, and the
/// histograms of each latent dimension.
@Suite struct ToolkitEndToEndTests: CommandLineSuite {
    let tmp = ScratchFolder()

    @Test func mapsClustersAndHistogramsOfATinyVAE() throws {
        let data = try TinyData.write(into: tmp.path)
        try latent(["train", "vae", "--data", data, "--epochs", "1", "--validation", "20", "--batch", "20",
                    "--runs", runs, "--name", "vae-tiny", "--latent", "4", "--hidden", "32"])
        let run = runs + "/vae-tiny"
        let at = ["--runs", runs]

        // t-SNE and UMAP of the same 40 codes, side by side, each with its trustworthiness.
        let map = try latent(["latent-map", "vae-tiny", "--method", "tsne,umap", "--n", "40", "--perplexity", "5", "--neighbours", "5"] + at)
        let lines = map.output.split(separator: "\n").map(String.init)
        #expect(lines.last == run + "/plots/latent-map-tsne-umap.svg", "\(map)")
        #expect(lines.filter { $0.hasPrefix("vae-tiny t-SNE: trustworthiness ") || $0.hasPrefix("vae-tiny UMAP: trustworthiness ") }.count == 2,
                "\(map)")
        let svg = (try? String(contentsOfFile: run + "/plots/latent-map-tsne-umap.svg", encoding: .utf8)) ?? ""
        #expect(svg.components(separatedBy: "trustworthiness ").count == 3, "both titles carry the trustworthiness")
        try latent(["latent-map", "vae-tiny", "--method", "umap", "--n", "40", "--neighbours", "5"] + at)
        #expect(size(run + "/plots/latent-map-umap.svg") > 0)
        try latent(["latent-map", "vae-tiny", "--method", "tsne,kpca"] + at, status: 64)
        try latent(["latent-map", "vae-tiny", "--method", "umap", "--neighbours", "1"] + at, status: 64)

        // DBSCAN beside k-means.
        let evaluation = try latent(["evaluate", "vae-tiny", "--representation", "--limit", "100", "--test-limit", "40", "--json"] + at)
        let record = (try? JSONSerialization.jsonObject(with: Data(evaluation.output.utf8))) as? [String: Any] ?? [:]
        #expect(record["dbscan_clusters"] is Int && record["dbscan_noise_fraction"] is Double && record["dbscan_eps"] is Double, "\(evaluation)")
        #expect(record["dbscan_eps_rule"] as? String == "k-distance knee" && record["dbscan_min_points"] as? Int == 5)
        #expect(record["dbscan_adjusted_rand_index"] is Double, "the tiny data have labels")
        let stored = ((try? JSONSerialization.jsonObject(with: FileManager.default.contents(atPath: run + "/evaluation.json") ?? Data()))
            as? [String: Any])?["metrics"] as? [String: [String: Any]] ?? [:]
        #expect(stored["dbscan_clusters"]?["images"] as? Int == 40 && stored["silhouette"] != nil, "\(stored.keys.sorted())")
        let text = try latent(["evaluate", "vae-tiny", "--representation", "--test-limit", "40", "--dbscan-eps", "2", "--dbscan-min-points", "3"] + at)
        #expect(text.output.contains("DBSCAN (eps 2, min points 3)") && text.output.contains("k-means (k = 4)"), "\(text)")
        try latent(["evaluate", "vae-tiny", "--dbscan-eps", "2"] + at, status: 64)

        // Histograms of the latent dimensions, the prior's density over them.
        let histograms = try latent(["latent-histograms", "vae-tiny", "--n", "40", "--bins", "12"] + at)
        #expect(histograms.output.trimmingCharacters(in: .whitespacesAndNewlines) == run + "/plots/latent-histograms.svg")
        let figure = (try? String(contentsOfFile: run + "/plots/latent-histograms.svg", encoding: .utf8)) ?? ""
        #expect(figure.contains("all 4 dimensions") && figure.contains("z4: mean") && figure.contains("N(0, 1)"))
        let report = (try? String(contentsOfFile: run + "/report.html", encoding: .utf8)) ?? ""
        #expect(report.contains("latent-histograms.svg") && report.contains("latent-map-tsne-umap.svg"))
    }
}

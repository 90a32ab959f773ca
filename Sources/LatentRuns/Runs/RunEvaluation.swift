import Foundation
import LatentData
import LatentEvaluation

/// Scores from `latent evaluate`, kept in the run's evaluation.json so that
/// reports and comparisons can show them. Each score is an `EvaluationScore`: its
/// value with the split and the number of images it used.
///
/// ```json
/// {"metrics": {"test_neg_elbo": {"value": 88.1, "split": "test", "images": 10000, "kind": "likelihood"},
///              "test_is_nll":   {"value": 84.9, "split": "test", "images": 10000, "kind": "likelihood"}}}
/// ```
///
/// Recording an evaluation replaces every earlier score of the same kind, so
/// the scores that are compared (−ELBO and IS-NLL, FID and its floor) always
/// come from one evaluation of one set of images. Files written before
/// scores were recorded (a flat `{"name": value}` object) are still read.
///
/// ```swift
/// let result = try LikelihoodEvaluation.evaluate(run, model: model, options: .init(nllSamples: 1_000))
/// RunEvaluation.scores(run)["test_is_nll"]?.images   // result.images
/// ```
public enum RunEvaluation {
    public static func path(_ run: RunDirectory) -> String { run.path + "/evaluation.json" }

    /// Every score in the run's evaluation.json (none when there is no file).
    public static func scores(_ run: RunDirectory) -> [String: EvaluationScore] {
        guard let data = FileManager.default.contents(atPath: path(run)) else { return [:] }
        return decode(data)
    }

    /// The values alone, by name.
    public static func load(_ run: RunDirectory) -> [String: Double] {
        scores(run).mapValues(\.value)
    }

    /// Adds `new` to evaluation.json, first removing every earlier score of a kind `new` holds.
    /// Scores that are not finite (an AIS bound of −∞) are left out: JSON has no such numbers.
    public static func record(_ new: [String: EvaluationScore], into run: RunDirectory) throws {
        let kinds = Set(new.values.compactMap(\.kind))
        var all = scores(run).filter { !($0.value.kind.map(kinds.contains) ?? false) }
        for (name, m) in new where m.value.isFinite { all[name] = m }
        try write(all, to: run)
    }

    /// Records an evaluation's scores (see `record(_:into:)`).
    public static func record(_ result: some EvaluationResult, into run: RunDirectory) throws {
        try record(result.scores, into: run)
    }

    /// Adds bare values whose images are unknown; prefer `record`, which keeps the split and the count.
    public static func merge(_ values: [String: Double], into run: RunDirectory) throws {
        var all = scores(run)
        for (k, v) in values where v.isFinite { all[k] = EvaluationScore(value: v, split: nil, images: nil, kind: EvaluationScore.legacyKind(k)) }
        try write(all, to: run)
    }

    static func decode(_ data: Data) -> [String: EvaluationScore] {
        struct File: Decodable { let metrics: [String: EvaluationScore] }
        if let file = try? JSONDecoder().decode(File.self, from: data) { return file.metrics }
        // The first format: {"name": value, …}.
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
        var out: [String: EvaluationScore] = [:]
        for (k, v) in object {
            guard let value = v as? Double else { continue }
            out[k] = EvaluationScore(value: value, split: nil, images: nil, kind: EvaluationScore.legacyKind(k))
        }
        return out
    }

    static func write(_ all: [String: EvaluationScore], to run: RunDirectory) throws {
        struct File: Encodable { let metrics: [String: EvaluationScore] }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(File(metrics: all)), to: URL(fileURLWithPath: path(run)))
    }
}

import LatentTensor
import LatentModels

/// The settings of a sweep: every combination of the alternatives given for
/// a family's options, or a list of settings written out. Any option of
/// `latent train <family>` may vary: a scalar option takes a comma list
/// (`--lr 1e-3,1e-4`), an option whose value is itself a list takes one
/// alternative per repetition (`--hidden 512,256 --hidden 1024`).
///
/// ```swift
/// let plan = try VAEModel.sweepPlan(["--lr", "1e-3,1e-4", "--latent", "2,20", "--epochs", "5"])
/// plan.settings.count          // 4
/// plan.settings[0].label       // "lr=1e-3 latent=2"
/// ```
public struct SweepPlan: Sendable {
    /// One run of the sweep.
    public struct Setting: Sendable {
        /// The options as `latent train` would take them.
        public var words: [String]
        /// The options that differ between settings, as "name=value" joined by spaces ("run" when none differ).
        public var label: String
    }

    public var settings: [Setting]

    /// (name, value) pairs → settings, labelled by the names whose values differ
    /// (a name a setting does not give has its `defaultValue`).
    init(_ pairs: [[(name: String, text: String)]], defaultValue: (String) -> String?) {
        let names = pairs.flatMap { $0.map(\.name) }.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        func value(_ name: String, in setting: [(name: String, text: String)]) -> String {
            setting.first { $0.name == name }?.text ?? defaultValue(name) ?? "default"
        }
        let varying = names.filter { name in Set(pairs.map { value(name, in: $0) }).count > 1 }
        settings = pairs.map { setting in
            let parts = varying.map { "\($0)=\(value($0, in: setting))" }
            return Setting(words: setting.map { "--\($0.name)=\($0.text)" }, label: parts.isEmpty ? "run" : parts.joined(separator: " "))
        }
    }
}

extension TrainableModel {
    /// Every combination of the alternatives in `words`; each setting is checked as `latent train` would check it.
    /// A sweep writes pictures only at the end unless `--image-every` is given.
    public static func sweepPlan(_ words: [String]) throws -> SweepPlan {
        let parser = OptionParser(specs: settingSpecs, owner: "sweep \(family)")
        var axes: [(name: String, values: [String])] = []
        for (name, text) in try parser.pairs(words) {
            let isList = parser.spec(name)?.valueName == "list"
            let values = isList ? [text] : text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            if let i = axes.firstIndex(where: { $0.name == name }) {
                guard isList else { throw LatentError.invalidArgument("`sweep \(family)`: give --\(name) once, with its values separated by commas") }
                axes[i].values += values
            } else {
                axes.append((name, values))
            }
        }
        if !axes.contains(where: { $0.name == "image-every" }) { axes.append(("image-every", ["0"])) }
        var combinations: [[(name: String, text: String)]] = [[]]
        for axis in axes {
            combinations = combinations.flatMap { partial in axis.values.map { partial + [(axis.name, $0)] } }
        }
        return try checked(SweepPlan(combinations, defaultValue: defaultText), parser: parser)
    }

    /// Settings written out: "lr=1e-3,latent=2;lr=1e-4,hidden=512,256" — pairs joined by commas, settings by
    /// semicolons (a bare value continues the list before it), each on top of the options in `fixed`.
    public static func sweepPlan(configs: String, fixed: [String]) throws -> SweepPlan {
        let parser = OptionParser(specs: settingSpecs, owner: "sweep \(family)")
        let base = try parser.pairs(fixed)
        var all: [[(name: String, text: String)]] = []
        for entry in configs.split(separator: ";") {
            var pairs: [(name: String, text: String)] = []
            for token in entry.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                let kv = token.split(separator: "=", maxSplits: 1).map(String.init)
                if kv.count == 2 {
                    guard parser.spec(kv[0]) != nil else {
                        throw LatentError.invalidArgument("`sweep \(family)` --configs: no option '\(kv[0])'; the options are \(parser.specs.map(\.name).joined(separator: ", "))")
                    }
                    pairs.append((kv[0], kv[1]))
                } else if let last = pairs.indices.last, parser.spec(pairs[last].name)?.valueName == "list" {
                    pairs[last].text += "," + token
                } else {
                    throw LatentError.invalidArgument("`sweep \(family)` --configs: '\(token)' is not name=value")
                }
            }
            let given = Set(pairs.map(\.name))
            var setting = base.filter { !given.contains($0.name) } + pairs
            if !setting.contains(where: { $0.name == "image-every" }) { setting.append(("image-every", "0")) }
            all.append(setting)
        }
        guard !all.isEmpty else { throw LatentError.invalidArgument("`sweep \(family)` --configs names no setting") }
        return try checked(SweepPlan(all, defaultValue: defaultText), parser: parser)
    }

    static func defaultText(_ name: String) -> String? {
        settingSpecs.first { $0.name == name }?.value(in: defaultSettings)
    }

    static func checked(_ plan: SweepPlan, parser: OptionParser<TrainingSettings<Options>>) throws -> SweepPlan {
        for setting in plan.settings {
            var settings = defaultSettings
            try parser.parse(setting.words, into: &settings)
        }
        return plan
    }
}

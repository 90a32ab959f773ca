import ArgumentParser
import Foundation
import Latent

struct RobustnessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "robustness",
        abstract: "Probe accuracy on codes and reconstruction error as Gaussian noise or occlusion of the test images grows.",
        discussion: """
        A linear probe is trained on the clean codes of training images; at each level the test images are corrupted \
        (Gaussian noise of standard deviation σ on the [0, 1] scale, clamped; or a black square covering a fraction of \
        the image at a random place) and the probe's accuracy on their codes and the error of their reconstruction \
        against the clean images are measured. Without labels there is nothing for a probe to predict: the \
        reconstruction error is measured alone. Writes plots/robustness.svg and prints the table.

        Examples:
          latent robustness vae-mnist
          latent robustness vae-mnist --noise-levels 0,0.25,0.5,1 --occlusion-levels 0,0.2,0.4,0.6 --json
        """)

    @OptionGroup var target: RunArgument
    @Option(help: "Standard deviations of the Gaussian noise on the [0, 1] scale, comma-separated (default 0,0.1,0.2,0.3,0.5).") var noiseLevels: String?
    @Option(help: "Fractions of the image hidden by the square, each at least 0 and below 1, comma-separated (default 0,0.1,0.2,0.3,0.5).") var occlusionLevels: String?
    @Option(help: "Test images scored at each level.") var scored = 1_000
    @Option(help: "Training images whose clean codes train the linear probe.") var trainImages = 5_000
    @Option(help: "Random seed of the noise and of the squares' places.") var seed: UInt64 = 1
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        try Check.atLeast(scored, 1, "--scored")
        try Check.atLeast(trainImages, 1, "--train-images")
        for (text, flag) in [(noiseLevels, "--noise-levels"), (occlusionLevels, "--occlusion-levels")] {
            guard let text else { continue }
            for v in try floatList(text, name: flag) where v < 0 || (flag == "--occlusion-levels" && v >= 1) {
                throw ValidationError("\(flag) wants numbers of at least 0\(flag == "--occlusion-levels" ? " and below 1" : ""), got \(v)")
            }
        }
    }

    func run() throws {
        let options = RobustnessOptions(noiseLevels: try noiseLevels.map { try floatList($0, name: "--noise-levels") } ?? RobustnessOptions.defaultNoiseLevels,
                                        occlusionLevels: try occlusionLevels.map { try floatList($0, name: "--occlusion-levels") }
                                            ?? RobustnessOptions.defaultOcclusionLevels,
                                        scored: scored, trainImages: trainImages, seed: seed)
        let result = try openRun(target).robustness(options)
        let plot = try result.write()
        if json {
            func row(_ p: Robustness.Point) -> [String: Any] {
                var r: [String: Any] = ["corruption": p.corruption.rawValue, "level": Double(p.level)]
                if let a = p.probeAccuracy { r["probe_accuracy"] = a }
                if let e = p.reconstructionError { r["reconstruction_error"] = e }
                return r
            }
            var clean = row(result.clean)
            clean["corruption"] = "none"
            return writeJSON(["images": result.testImages, "train_images": result.trainImages, "plot": plot, "skipped": result.skipped,
                              "clean": clean, "levels": result.points.map(row)])
        }
        print(plot)
        print("\(result.testImages) test images; probe trained on the clean codes of \(result.trainImages) training images")
        for (score, reason) in result.skipped.sorted(by: { $0.key < $1.key }) { print("no \(score): \(reason)") }
        print("corruption   level   probe accuracy   reconstruction error")
        func cell(_ v: Double?, _ format: String) -> String { v.map { String(format: format, $0) } ?? "-" }
        for (name, p) in [("clean", result.clean)] + result.points.map({ ($0.corruption == .noise ? "noise σ" : "occluded", $0) }) {
            print(name.padding(toLength: 10, withPad: " ", startingAt: 0) + String(format: " %7g ", p.level)
                  + String(repeating: " ", count: 16 - cell(p.probeAccuracy, "%.4f").count) + cell(p.probeAccuracy, "%.4f") + " "
                  + String(repeating: " ", count: 22 - cell(p.reconstructionError, "%.5f").count) + cell(p.reconstructionError, "%.5f"))
        }
    }
}

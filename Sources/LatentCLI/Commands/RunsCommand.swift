import ArgumentParser
import Foundation
import Latent

struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List the runs with their model, data, epochs and key metrics.",
        discussion: "Example:\n  latent runs --json")

    @OptionGroup var location: RunsLocation
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let runs = RunDirectory.list(root: location.runs)
        var rows: [[String: Any]] = []
        for r in runs {
            let last = r.metrics.epochRecords().last ?? [:]
            rows.append(["name": r.name, "model": r.config.family, "data": r.config.data.source,
                         "epochs_done": last["epoch"] as? Int ?? 0, "epochs": r.config.training.epochs,
                         "loss": last["loss"] ?? NSNull(), "val_loss": last["val_loss"] ?? NSNull(), "created": r.config.created])
        }
        if json { return writeJSON(rows) }
        if runs.isEmpty { print("no runs in \(location.runs)/ — start one with `latent train vae`"); return }
        print("name".padding(toLength: 28, withPad: " ", startingAt: 0) + "model   data              epochs    loss      val_loss")
        for row in rows {
            func num(_ v: Any?) -> String { (v as? Double).map { String(format: "%-9.4g", $0) } ?? "—        " }
            print((row["name"] as! String).padding(toLength: 28, withPad: " ", startingAt: 0)
                  + (row["model"] as! String).padding(toLength: 8, withPad: " ", startingAt: 0)
                  + (row["data"] as! String).prefix(17).padding(toLength: 18, withPad: " ", startingAt: 0)
                  + "\(row["epochs_done"]!)/\(row["epochs"]!)".padding(toLength: 10, withPad: " ", startingAt: 0)
                  + num(row["loss"]) + " " + num(row["val_loss"]))
        }
    }
}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Rebuild a run's report.html (and its plots).",
        discussion: "Example:\n  latent report vae-fashion-mnist")

    @OptionGroup var target: RunArgument

    func run() throws {
        let run = try target.open()
        print(try RunReport.write(run))
    }
}

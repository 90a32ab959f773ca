import ArgumentParser
import Foundation
import Latent

struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List the runs with their model, data, epochs and key metrics.",
        discussion: "The table fits the terminal (COLUMNS, else 80 characters); long names end in \"…\". --json lists every field in full.\nExample:\n  latent runs --json")

    @OptionGroup var location: RunsLocation
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let runs = RunDirectory.list(root: location.runs)
        let rows = RunsTable.rows(runs)
        if json { return writeJSON(rows) }
        if runs.isEmpty { print("no runs in \(location.runs)/ — start one with `latent train vae`"); return }
        print(RunsTable.render(rows, width: RunsTable.terminalWidth()))
    }
}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Rebuild a run's report.html (and its plots).",
        discussion: "Example:\n  latent report vae-fashion-mnist")

    @OptionGroup var target: RunArgument

    func validate() throws {
        if target.threads != nil { throw ValidationError("report computes nothing, so --threads does nothing here") }
    }

    func run() throws {
        let run = try target.open()
        print(try RunReport.write(run))
    }
}

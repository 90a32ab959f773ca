import Foundation

/// What `latent runs` lists: one row per run (name, model, data, epochs done of planned, the last
/// epoch's loss and val_loss), as JSON-ready dictionaries and as a text table that fits a terminal.
/// The table's columns are aligned (numbers to the right); when the rows are wider than the terminal,
/// the name and data columns are shortened and the cut text ends in "…".
///
/// ```swift
/// let rows = RunsTable.rows(RunDirectory.list(root: "runs"))
/// print(RunsTable.render(rows, width: RunsTable.terminalWidth()))
/// ```
public enum RunsTable {
    /// The rows of `latent runs --json`: name, model, data, epochs_done, epochs, loss, val_loss (NSNull when
    /// missing) and created.
    public static func rows(_ runs: [RunDirectory]) -> [[String: Any]] {
        runs.map { r in
            let last = r.metrics.epochRecords().last ?? [:]
            return ["name": r.name, "model": r.config.family, "data": r.config.data.source,
                    "epochs_done": last["epoch"] as? Int ?? 0, "epochs": r.config.training.epochs,
                    "loss": last["loss"] ?? NSNull(), "val_loss": last["val_loss"] ?? NSNull(), "created": r.config.created]
        }
    }

    /// The terminal's width: `COLUMNS` when it holds a number, else 80 (never below 40).
    public static func terminalWidth(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Int {
        guard let text = environment["COLUMNS"], let columns = Int(text.trimmingCharacters(in: .whitespaces)), columns > 0 else { return 80 }
        return Swift.max(columns, 40)
    }

    /// `text` cut to `width` characters, ending in "…" when cut.
    public static func truncate(_ text: String, to width: Int) -> String {
        guard text.count > width else { return text }
        guard width > 1 else { return String(repeating: "…", count: Swift.max(width, 0)) }
        return String(text.prefix(width - 1)) + "…"
    }

    /// The header and one line per row, each at most `width` characters (as long as `width` leaves the
    /// shortened name and data columns their minimum of 8 and 6 characters).
    public static func render(_ rows: [[String: Any]], width: Int = 80) -> String {
        func number(_ v: Any?) -> String { (v as? Double).map { String(format: "%.4g", $0) } ?? "—" }
        struct Column { let header: String; let cells: [String]; let right: Bool; let minimum: Int?; var width = 0 }
        var columns = [
            Column(header: "name", cells: rows.map { $0["name"] as? String ?? "" }, right: false, minimum: 8),
            Column(header: "model", cells: rows.map { $0["model"] as? String ?? "" }, right: false, minimum: nil),
            Column(header: "data", cells: rows.map { $0["data"] as? String ?? "" }, right: false, minimum: 6),
            Column(header: "epochs", cells: rows.map { "\($0["epochs_done"] ?? 0)/\($0["epochs"] ?? 0)" }, right: true, minimum: nil),
            Column(header: "loss", cells: rows.map { number($0["loss"]) }, right: true, minimum: nil),
            Column(header: "val_loss", cells: rows.map { number($0["val_loss"]) }, right: true, minimum: nil),
        ]
        let gap = 2
        for i in columns.indices { columns[i].width = ([columns[i].header] + columns[i].cells).map(\.count).max() ?? 0 }
        var excess = columns.map(\.width).reduce(0, +) + gap * (columns.count - 1) - width
        // Shorten the widest of the shortenable columns, one character at a time.
        while excess > 0 {
            guard let i = columns.indices.filter({ i in columns[i].minimum.map { columns[i].width > $0 } ?? false })
                .max(by: { columns[$0].width < columns[$1].width }) else { break }
            columns[i].width -= 1
            excess -= 1
        }
        func line(_ cells: [String]) -> String {
            zip(columns, cells).map { column, cell in
                let text = truncate(cell, to: column.width)
                let pad = String(repeating: " ", count: column.width - text.count)
                return column.right ? pad + text : text + pad
            }.joined(separator: String(repeating: " ", count: gap))
                .replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        var lines = [line(columns.map(\.header))]
        for r in rows.indices { lines.append(line(columns.map { $0.cells[r] })) }
        return lines.joined(separator: "\n")
    }
}

import ArgumentParser
import Foundation
import LTCore
import LTPostgres

/// `lt report` (issue 14 §4): per strategy and per leader over a window — signals seen, copied and
/// skipped by reason, fill rate, slippage, latency percentiles, fees, realized P&L, LT vs FT and its
/// decomposition, redemption backlog — as a text table, JSON or CSV. docs/cli.md "lt report".
struct ReportCommand: JobCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Per strategy and leader over a window: signals, fills, slippage, latency, fees, P&L, LT vs FT.",
        discussion: """
            The window is [since, until): --since and --until are ISO 8601 UTC instants \
            (2026-11-24T00:00:00Z); --window is 90m, 24h or 7d (default 24h, ending now). Forced rows \
            (lt force) are left out of the figures and counted. Read-only; takes no job lock.
            """)

    /// Its own `--format` instead of `CommonOptions`'s: only the report has CSV, and a `csv` case in
    /// the shared format would be accepted by every other command.
    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, csv }

    @Option(help: "Output on stdout: text (a table), json or csv.")
    var format: Format = .text

    @OptionGroup var run: RunOptions

    @Option(help: "Start of the window (ISO 8601 UTC, inclusive).")
    var since: String?

    @Option(help: "End of the window (ISO 8601 UTC, exclusive; default now).")
    var until: String?

    @Option(help: "Length of the window: 90m, 24h, 7d (default 24h).")
    var window: String?

    @Option(help: "Only this strategy.")
    var strategy: String?

    func validate() throws {
        _ = try resolvedWindow()
    }

    func resolvedWindow() throws -> ReportWindow {
        func instant(_ text: String?, _ flag: String) throws -> Date? {
            guard let text else { return nil }
            guard let d = UTCTimestamp.parse(text) else {
                throw ValidationError("\(flag) must be an ISO 8601 UTC instant such as 2026-11-24T00:00:00Z")
            }
            return d
        }
        var seconds: Int? = nil
        if let window {
            guard let s = ReportWindow.seconds(parsing: window) else {
                throw ValidationError("--window must be a positive number of m, h or d, e.g. 24h or 7d")
            }
            seconds = s
        }
        let now = try instant(run.now, "--now") ?? Date()
        switch ReportWindow.resolve(
            since: try instant(since, "--since"), until: try instant(until, "--until"), windowSeconds: seconds, now: now
        )
        {
        case .success(let w): return w
        case .failure(let e): throw ValidationError(e.description)
        }
    }

    func runJob() -> ExitStatus {
        var common = CommonOptions()
        // CSV is rendered by the summary's text lines; JSON is Runner's envelope like every command.
        common.format = format == .json ? .json : .text
        // Every field of a hand-built CommonOptions must be assigned: an unset @Option traps when read.
        common.run = run
        let window: ReportWindow
        do {
            window = try resolvedWindow()
        } catch {
            return .usage
        }
        return Runner.run(job: "report", options: common, takeJobLock: false) { ctx, _, db in
            var summary = try Report.run(ctx, store: ReportStore(database: db), window: window, strategyID: strategy)
            summary.format = format == .csv ? .csv : .text
            return summary
        }
    }
}

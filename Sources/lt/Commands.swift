import ArgumentParser
import Foundation
import LTCore
import LTPostgres

/// Every command, nested ones included, names itself (`commandName`): without it ArgumentParser
/// derives the name from the type with `String(describing:)` on every start, for every command of
/// the tree — a scan of the runtime's protocol conformances per type, ~1–2 ms of each cron tick
/// (docs/benchmarks.md "Idle tick").
struct LT: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lt",
        abstract: "Polymarket copy-trading executor: FT signals to risk-checked orders, run from cron.",
        discussion: """
            Configuration comes from the environment (DATABASE_URL, …; see docs/operations.md).
            Exit status: 0 done or skipped (job already running), 1 some items failed, 64 bad usage,
            69 database/exchange unavailable, 78 configuration error.
            """,
        version: "0.1.0",
        subcommands: [
            Migrate.self, DailyResetCommand.self, StatusCommand.self, ExecuteCommand.self, SyncCommand.self,
            CheckExitsCommand.self, ResolveCommand.self, RedeemCommand.self, StrategyCommand.self, DoctorCommand.self,
            ReportCommand.self, ForceCommand.self,
        ])
}

/// Cron's path. A cron job's line (`lt execute --follow 60s …`) is parsed by that job's command
/// alone: ArgumentParser then neither walks lt's command tree nor parses its two
/// `--generate-completion-script` pseudo-commands first, each a round of `Mirror` reflection and
/// protocol-conformance scans: about 1.4 ms of a 26 ms idle tick (docs/benchmarks.md "Idle tick").
/// A line it does not take as a plain run (`--help`, `--version`, a usage error, another command)
/// gives nil, and `main` parses it whole as before: every message and exit status stays
/// ArgumentParser's own.
extension LT {
    static let cronJobs: [any JobCommand.Type] = [
        ExecuteCommand.self, SyncCommand.self, ResolveCommand.self, CheckExitsCommand.self, RedeemCommand.self,
        DailyResetCommand.self,
    ]

    static func parseCronJob(_ arguments: [String]) -> (any JobCommand)? {
        guard let name = arguments.first else { return nil }
        // Matched by name, not by casting each type: a cast is a conformance scan of its own.
        guard let job = cronJobs.first(where: { $0.configuration.commandName == name }) else { return nil }
        return parseAlone(job, Array(arguments.dropFirst()))
    }

    private static func parseAlone<Job: JobCommand>(_ job: Job.Type, _ arguments: [String]) -> Job? {
        (try? Job.parseAsRoot(arguments)) as? Job
    }
}

extension CommandConfiguration {
    /// A cron job's configuration (`LT.cronJobs`): parsed alone it is still named a command of
    /// `lt`, which is also ArgumentParser's cue not to look for `--generate-completion-script`
    /// there (the whole-line parse still answers that flag). Within lt's tree it changes nothing:
    /// ArgumentParser reads the name only from the root of the commands it parses.
    func cronJob() -> CommandConfiguration {
        var configuration = self
        configuration._superCommandName = LT.configuration.commandName
        return configuration
    }
}

struct Migrate: JobCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create or upgrade lt's tables (idempotent; records the schema version).")

    @OptionGroup var options: CommonOptions

    @Flag(help: "Also create the FT input tables (ft_orders, ft_wallets) of sql/dev. Development and tests only.")
    var devTables = false

    @Flag(
        help: """
            Install the opt-in trigger on FT's ft_orders that wakes `lt execute --follow` the moment a signal \
            is inserted (NOTIFY lt_ft_orders); idempotent. Needs a role allowed to create triggers on ft_orders.
            """)
    var notifyTrigger = false

    @Flag(help: "Remove that trigger (idempotent); followers go back to polling.")
    var removeNotifyTrigger = false

    func validate() throws {
        if notifyTrigger && removeNotifyTrigger {
            throw ValidationError("--notify-trigger and --remove-notify-trigger exclude each other")
        }
    }

    struct Summary: JobSummary {
        var fromVersion: Int
        var toVersion: Int
        var applied: [String]
        var devTables: Bool
        /// Whether the ft_orders notify trigger is installed after this run (nil: not asked about).
        var notifyTrigger: Bool?
        /// Whether this run installed or removed it (false: it already was as asked).
        var notifyTriggerChanged: Bool?
        var failedCount: Int { 0 }
        var textLines: [String] {
            var lines = [
                applied.isEmpty
                    ? "schema already at v\(toVersion): nothing to do"
                    : "schema v\(fromVersion) -> v\(toVersion): applied \(applied.joined(separator: ", "))"
            ]
            if devTables { lines.append("dev input tables (ft_orders, ft_wallets) present") }
            if let installed = notifyTrigger {
                let change = notifyTriggerChanged == true ? (installed ? "installed" : "removed") : "unchanged"
                lines.append("ft_orders notify trigger \(installed ? "present" : "absent") (\(change))")
            }
            return lines
        }
    }

    func runJob() -> ExitStatus {
        // Migrations serialise on their own transaction-level lock, so no job lock is needed.
        Runner.run(job: "migrate", options: options, takeJobLock: false) { ctx, _, db in
            let outcome = try Migrator.migrate(db)
            if devTables { try Migrator.installDevTables(db) }
            var trigger: (installed: Bool, changed: Bool)? = nil
            if notifyTrigger { trigger = (true, try SignalNotifications.install(db)) }
            if removeNotifyTrigger { trigger = (false, try SignalNotifications.remove(db)) }
            ctx.logger.info(
                "schema migrated",
                metadata: [
                    "from": "\(outcome.fromVersion)", "to": "\(outcome.toVersion)",
                    "applied": .string(outcome.applied.joined(separator: ",")),
                ])
            return Summary(
                fromVersion: outcome.fromVersion, toVersion: outcome.toVersion, applied: outcome.applied,
                devTables: devTables, notifyTrigger: trigger?.installed, notifyTriggerChanged: trigger?.changed)
        }
    }
}

struct DailyResetCommand: JobCommand {
    static let configuration = CommandConfiguration(
        commandName: "daily-reset",
        abstract: "Zero the UTC-day risk counters and clear daily-loss breakers (idempotent)."
    ).cronJob()

    @OptionGroup var options: CommonOptions

    func runJob() -> ExitStatus {
        Runner.run(job: "daily-reset", options: options) { ctx, _, db in
            try DailyReset.run(ctx, ledger: LedgerStore(database: db))
        }
    }
}

struct StatusCommand: JobCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show every strategy: mode, state, cash buckets, risk, positions, today's orders, invariants.")

    @OptionGroup var options: CommonOptions

    func runJob() -> ExitStatus {
        Runner.run(job: "status", options: options, takeJobLock: false) { ctx, _, db in
            try StatusReport.run(ctx, store: StatusStore(database: db))
        }
    }
}

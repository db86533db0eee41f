import ArgumentParser
import Foundation
import LTCore
import LTPostgres

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

struct Migrate: JobCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create or upgrade lt's tables (idempotent; records the schema version).")

    @OptionGroup var options: CommonOptions

    @Flag(help: "Also create the FT input tables (ft_orders, ft_wallets) of sql/dev. Development and tests only.")
    var devTables = false

    struct Summary: JobSummary {
        var fromVersion: Int
        var toVersion: Int
        var applied: [String]
        var devTables: Bool
        var failedCount: Int { 0 }
        var textLines: [String] {
            var lines = [
                applied.isEmpty
                    ? "schema already at v\(toVersion): nothing to do"
                    : "schema v\(fromVersion) -> v\(toVersion): applied \(applied.joined(separator: ", "))"
            ]
            if devTables { lines.append("dev input tables (ft_orders, ft_wallets) present") }
            return lines
        }
    }

    func runJob() -> ExitStatus {
        // Migrations serialise on their own transaction-level lock, so no job lock is needed.
        Runner.run(job: "migrate", options: options, takeJobLock: false) { ctx, _, db in
            let outcome = try Migrator.migrate(db)
            if devTables { try Migrator.installDevTables(db) }
            ctx.logger.info(
                "schema migrated",
                metadata: [
                    "from": "\(outcome.fromVersion)", "to": "\(outcome.toVersion)",
                    "applied": .string(outcome.applied.joined(separator: ",")),
                ])
            return Summary(
                fromVersion: outcome.fromVersion, toVersion: outcome.toVersion, applied: outcome.applied,
                devTables: devTables)
        }
    }
}

struct DailyResetCommand: JobCommand {
    static let configuration = CommandConfiguration(
        commandName: "daily-reset",
        abstract: "Zero the UTC-day risk counters and clear daily-loss breakers (idempotent).")

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

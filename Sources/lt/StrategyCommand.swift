import ArgumentParser
import Foundation
import LTCore
import LTPostgres

/// `lt strategy …`: create, inspect and steer strategies without writing SQL (issue 14 item 2).
/// Every change is validated by the same rules execute applies (`StrategyConfigValidation`).
struct StrategyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "strategy",
        abstract: "Create, list, show, change, pause, resume or retire strategies; add or withdraw capital.",
        subcommands: [
            List.self, Show.self, Create.self, Set.self, Pause.self, ReduceOnly.self, Resume.self, Retire.self,
            Deposit.self, Withdraw.self,
        ])

    /// `column=value` assignments, parsed by the shared settings table; the first bad one is a
    /// usage error naming the column and why.
    static func parse(_ assignments: [String]) throws -> [StrategySetting] {
        try assignments.map { a in
            switch StrategySetting.parse(a) {
            case .success(let s): return s
            case .failure(let p): throw ValidationError("\(p)")
            }
        }
    }

    static func run(
        _ name: String, _ options: CommonOptions, _ body: @escaping (JobContext, StrategyStore) throws -> any JobSummary
    ) -> ExitStatus {
        Runner.run(job: "strategy-\(name)", options: options, takeJobLock: false) { ctx, _, db in
            try body(ctx, StrategyStore(database: db))
        }
    }

    struct List: JobCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Every strategy, one line each.")
        @OptionGroup var options: CommonOptions
        func runJob() -> ExitStatus { StrategyCommand.run("list", options) { _, s in try StrategyAdmin.list(s) } }
    }

    struct Show: JobCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "One strategy's settings, cash and state.")
        @OptionGroup var options: CommonOptions
        @Argument(help: "The strategy id.") var id: String
        func runJob() -> ExitStatus {
            StrategyCommand.run("show", options) { _, s in try StrategyAdmin.show(s, id: id) }
        }
    }

    struct Create: JobCommand {
        static let configuration = CommandConfiguration(
            commandName: "create",
            abstract: "Create a strategy (shadow unless --set mode=live), all its capital available.",
            discussion:
                "Example: lt strategy create s1 --ft-wallet W --wallet main --capital 1000 --preset conservative")
        @OptionGroup var options: CommonOptions
        @Argument(help: "The new strategy's id.") var id: String
        @Option(help: "The FT wallet whose signals it copies.") var ftWallet: String
        @Option(help: "The trading wallet's name in LT_WALLETS_FILE.") var wallet: String
        @Option(help: "Initial capital in USD.") var capital: String
        @Option(help: "Risk limits from the seeds: conservative, moderate or aggressive.") var preset: String?
        @Option(name: .customLong("set"), help: "column=value (repeatable), applied after the preset.")
        var assignments: [String] = []
        @Flag(help: "Validate and show the strategy without creating it.") var dryRun = false

        func validate() throws {
            guard (try? Fixed6(parsing: capital)) != nil else { throw ValidationError("--capital must be a decimal") }
            if let preset, RiskPreset(rawValue: preset) == nil {
                throw ValidationError("--preset must be conservative, moderate or aggressive")
            }
            _ = try StrategyCommand.parse(assignments)
        }

        func runJob() -> ExitStatus {
            StrategyCommand.run("create", options) { ctx, s in
                try StrategyAdmin.create(
                    s, id: id, ftWalletID: ftWallet, wallet: wallet, capital: try Fixed6(parsing: capital),
                    preset: preset.flatMap(RiskPreset.init(rawValue:)),
                    settings: try StrategyCommand.parse(assignments),
                    dryRun: dryRun, logger: ctx.logger)
            }
        }
    }

    struct Set: JobCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Change settings: lt strategy set ID column=value … (cash moves only through the ledger).")
        @OptionGroup var options: CommonOptions
        @Argument(help: "The strategy id.") var id: String
        @Argument(help: "column=value assignments (null clears a nullable column).") var assignments: [String] = []
        @Option(help: "Apply a risk preset: conservative, moderate or aggressive.") var preset: String?
        @Flag(help: "Validate and show the result without changing anything.") var dryRun = false

        func validate() throws {
            if let preset, RiskPreset(rawValue: preset) == nil {
                throw ValidationError("--preset must be conservative, moderate or aggressive")
            }
            _ = try StrategyCommand.parse(assignments)
        }

        func runJob() -> ExitStatus {
            StrategyCommand.run("set", options) { ctx, s in
                let settings =
                    (preset.flatMap(RiskPreset.init(rawValue:))?.settings ?? [])
                    + (try StrategyCommand.parse(assignments))
                return try StrategyAdmin.set(s, id: id, settings: settings, dryRun: dryRun, logger: ctx.logger)
            }
        }
    }

    struct Pause: JobCommand {
        static let configuration = CommandConfiguration(
            commandName: "pause", abstract: "HALTED: no entries and no exits.")
        @OptionGroup var options: CommonOptions
        @Argument(help: "The strategy id.") var id: String
        @Option(help: "Why (logged).") var reason: String?
        func runJob() -> ExitStatus {
            StrategyCommand.run("pause", options) { ctx, s in
                try StrategyAdmin.setState(s, id: id, to: .halted, reason: reason, at: ctx.now(), logger: ctx.logger)
            }
        }
    }

    struct ReduceOnly: JobCommand {
        static let configuration = CommandConfiguration(
            commandName: "reduce-only", abstract: "REDUCE_ONLY: exits only, no new entries.")
        @OptionGroup var options: CommonOptions
        @Argument(help: "The strategy id.") var id: String
        @Option(help: "Why (logged).") var reason: String?
        func runJob() -> ExitStatus {
            StrategyCommand.run("reduce-only", options) { ctx, s in
                try StrategyAdmin.setState(
                    s, id: id, to: .reduceOnly, reason: reason, at: ctx.now(), logger: ctx.logger)
            }
        }
    }

    struct Resume: JobCommand {
        static let configuration = CommandConfiguration(
            commandName: "resume",
            abstract: "ACTIVE again; also clears a tripped circuit breaker (needs --confirm and --reason).")
        @OptionGroup var options: CommonOptions
        @Argument(help: "The strategy id.") var id: String
        @Option(help: "Why it is safe to trade again (logged).") var reason: String
        @Flag(help: "Confirm: trading resumes and any breaker is cleared.") var confirm = false
        func validate() throws {
            guard confirm else { throw ValidationError("resume clears the circuit breaker: add --confirm") }
            guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ValidationError("--reason must say why")
            }
        }
        func runJob() -> ExitStatus {
            StrategyCommand.run("resume", options) { ctx, s in
                try StrategyAdmin.setState(s, id: id, to: .active, reason: reason, at: ctx.now(), logger: ctx.logger)
            }
        }
    }

    struct Retire: JobCommand {
        static let configuration = CommandConfiguration(
            commandName: "retire",
            abstract: "Stop running a strategy (is_active = false); refused while positions are open.")
        @OptionGroup var options: CommonOptions
        @Argument(help: "The strategy id.") var id: String
        @Flag(help: "Retire even with open positions.") var forceExit = false
        func runJob() -> ExitStatus {
            StrategyCommand.run("retire", options) { ctx, s in
                try StrategyAdmin.retire(s, id: id, force: forceExit, at: ctx.now(), logger: ctx.logger)
            }
        }
    }

    /// deposit / withdraw share everything but the direction.
    struct CapitalOptions: ParsableArguments {
        @Argument(help: "The strategy id.") var id: String
        @Argument(help: "Amount in USD (up to 6 decimals).") var amount: String
        @Option(help: "Why (logged and kept in lt_capital_movements).") var reason: String
        @Flag(help: "Show the result without changing anything.") var dryRun = false

        func validate() throws {
            guard let a = try? Fixed6(parsing: amount), a.isPositive else {
                throw ValidationError("AMOUNT must be a positive decimal with at most 6 places, got \(amount)")
            }
            guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ValidationError("--reason must say why")
            }
        }

        func run(_ kind: CapitalMovement.Kind, _ options: CommonOptions) -> ExitStatus {
            Runner.run(
                job: "strategy-\(kind == .deposit ? "deposit" : "withdraw")", options: options, takeJobLock: false
            ) {
                ctx, _, db in
                let request = CapitalMovementRequest(
                    strategyID: id, kind: kind, amount: try Fixed6(parsing: amount), reason: reason,
                    operatorName: ProcessInfo.processInfo.environment["USER"] ?? "?", runID: ctx.runID)
                return try StrategyAdmin.moveCapital(
                    LedgerStore(database: db), request, at: ctx.now(), dryRun: dryRun, logger: ctx.logger)
            }
        }
    }

    struct Deposit: JobCommand {
        static let configuration = CommandConfiguration(
            commandName: "deposit",
            abstract: "Top up a strategy: initial capital and available cash grow, realized P&L and drawdown do not.")
        @OptionGroup var options: CommonOptions
        @OptionGroup var capital: CapitalOptions
        func runJob() -> ExitStatus { capital.run(.deposit, options) }
    }

    struct Withdraw: JobCommand {
        static let configuration = CommandConfiguration(
            commandName: "withdraw",
            abstract: "Take capital out of a strategy: at most its available cash; not counted as a loss or drawdown.")
        @OptionGroup var options: CommonOptions
        @OptionGroup var capital: CapitalOptions
        func runJob() -> ExitStatus { capital.run(.withdrawal, options) }
    }
}

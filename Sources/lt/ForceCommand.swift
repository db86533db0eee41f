import ArgumentParser
import Foundation
import LTCore
import LTHTTP
import LTPolymarket
import LTPostgres

/// `lt force …` (issue 14 §3, seed 000 §12.3): an operator's buy, sell, cooldown processing and
/// simulated FT signal through the jobs' own code (docs/cli.md "lt force"). Rows are flagged
/// `forced` and keyed `force:<key>`: the same command run again places nothing.
struct ForceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "force",
        abstract: "Force a buy, a sell, cooldown processing or a simulated FT signal through the real pipeline.",
        discussion: """
            Live orders need the strategy's mode = 'live' AND LT_LIVE_TRADING=1, as for execute; otherwise \
            shadow. Each force has an idempotency key (--key, default derived from the arguments): running \
            the same command again prints the row it made and places nothing.
            """,
        subcommands: [Buy.self, Sell.self, Cooldown.self, SimulateFT.self])

    /// A decimal argument, or a usage error naming the flag.
    static func decimal(_ text: String, _ flag: String, _ ok: (Fixed6) -> Bool, _ rule: String) throws -> Fixed6 {
        guard let v = try? Fixed6(parsing: text), ok(v) else {
            throw ValidationError("\(flag) must be \(rule), got \(text)")
        }
        return v
    }

    static func key(_ given: String?, _ action: String, _ arguments: [String]) throws -> String {
        switch ForceKey.resolve(given, action: action, arguments: arguments) {
        case .success(let k): return k
        case .failure(let e): throw ValidationError(e.description)
        }
    }

    /// Runs a force: no job lock (the ledger's per-strategy lock and the UNIQUE key make it safe
    /// beside cron's jobs), housekeeping first like every job (`cooldown` is the cooldown part of
    /// it, so it says what it released itself), exit status from the summary.
    static func run(
        _ action: String, _ options: CommonOptions, housekeeping: Bool = true,
        _ body: @escaping (JobContext, Config, PostgresConnection, LedgerStore) throws -> ForceSummary
    ) -> ExitStatus {
        let decide: (any JobSummary) -> ExitStatus = { summary in
            guard let s = summary as? ForceSummary else { return Wiring.exitStatus(summary) }
            return Wiring.exitStatus(s, configurationErrors: s.configuration.count, unavailable: s.unavailable.count)
        }
        return Runner.run(job: "force-\(action)", options: options, takeJobLock: false, decide: decide) {
            ctx, config, db in
            let ledger = LedgerStore(database: db)
            if housekeeping {
                _ = try Housekeeping.run(ctx, ledger: ledger)
            } else {
                _ = try DailyReset.run(ctx, ledger: ledger)
            }
            return try body(ctx, config, db, ledger)
        }
    }

    static func executeJob(_ ctx: JobContext, _ config: Config, _ db: PostgresConnection, _ ledger: LedgerStore)
        throws -> ExecuteJob
    {
        ExecuteJob(
            store: ExecuteStore(database: db), ledger: ledger, venue: try Wiring.clobVenue(config),
            options: ExecuteOptions(liveTradingEnabled: config.liveTrading), runID: ctx.runID, now: { ctx.now() },
            logger: ctx.logger, crashPoint: Wiring.crashPoint(config))
    }

    struct Buy: JobCommand {
        static let configuration = CommandConfiguration(
            commandName: "buy",
            abstract: "Buy USD of an outcome through execute's pipeline (sizing caps, risk, venue rules, INTENT).",
            discussion: "Example: lt force buy s1 --condition 0xabc… --outcome Yes --usd 5")
        @OptionGroup var options: CommonOptions
        @Argument(help: "The strategy id.") var strategy: String
        @Option(help: "The market's condition id.") var condition: String
        @Option(help: "The outcome label to buy (Yes, No, …).") var outcome: String
        @Option(help: "Amount in USD (capped like any order: max position, 99 % of available cash).") var usd: String
        @Option(help: "Reference price the slippage limit applies to (default: the best ask now).") var price: String?
        @Option(help: "Idempotency key (default: derived from the arguments).") var key: String?

        func validate() throws { _ = try parsed() }

        func parsed() throws -> (usd: Fixed6, price: Fixed6?, key: String) {
            let amount = try ForceCommand.decimal(usd, "--usd", { $0.isPositive }, "a positive amount")
            let p = try price.map {
                try ForceCommand.decimal($0, "--price", { $0.isPositive && $0 < .one }, "a price inside (0, 1)")
            }
            let k = try ForceCommand.key(
                key, "buy", [strategy, condition, outcome, amount.exactText, p?.exactText ?? ""])
            return (amount, p, k)
        }

        func runJob() -> ExitStatus {
            ForceCommand.run("buy", options) { ctx, config, db, ledger in
                let (amount, price, key) = try parsed()
                return try Force.buy(
                    store: ForceStore(database: db), job: try ForceCommand.executeJob(ctx, config, db, ledger),
                    strategyID: strategy, conditionID: condition, outcome: outcome, amountUSD: amount, price: price,
                    key: key, now: ctx.now())
            }
        }
    }

    struct Sell: JobCommand {
        static let configuration = CommandConfiguration(
            commandName: "sell",
            abstract: "Sell a fraction of a position through check-exits' SELL path (reason MANUAL).",
            discussion: "Example: lt force sell s1 --condition 0xabc… --outcome Yes --fraction 0.5")
        @OptionGroup var options: CommonOptions
        @Argument(help: "The strategy id.") var strategy: String
        @Option(help: "The market's condition id.") var condition: String
        @Option(help: "The outcome label held.") var outcome: String
        @Option(help: "Fraction of the position's shares to sell, 0 < f ≤ 1.") var fraction: String
        @Option(help: "The leader whose signals bought it, when several did (- for none).") var leader: String?
        @Option(help: "Idempotency key (default: derived from the arguments).") var key: String?

        func validate() throws { _ = try parsed() }

        func parsed() throws -> (fraction: Fixed6, key: String) {
            let f = try ForceCommand.decimal(
                fraction, "--fraction", { $0.isPositive && $0 <= .one }, "a fraction 0 < f ≤ 1")
            return (f, try ForceCommand.key(key, "sell", [strategy, condition, outcome, leader ?? "", f.exactText]))
        }

        func runJob() -> ExitStatus {
            ForceCommand.run("sell", options) { ctx, config, db, ledger in
                let (f, key) = try parsed()
                let http = HTTPClient()
                let job = CheckExitsJob(
                    store: ExitStore(database: db), ledger: ledger, venue: try Wiring.clobVenue(config, http: http),
                    leaders: NoLeaders(),
                    options: CheckExitsOptions(liveTradingEnabled: config.liveTrading), runID: ctx.runID,
                    now: { ctx.now() }, logger: ctx.logger, crashPoint: Wiring.crashPoint(config))
                return try Force.sell(
                    store: ForceStore(database: db), job: job, strategyID: strategy, conditionID: condition,
                    outcome: outcome, leader: leader, fraction: f, key: key)
            }
        }
    }

    /// A forced sell mirrors no leader: nothing asks for leader positions.
    final class NoLeaders: LeaderPositionReading {
        func positions(leader: String, conditionIDs: [String]) throws(VenueError) -> [LeaderPosition] { [] }
    }

    struct Cooldown: JobCommand {
        static let configuration = CommandConfiguration(
            commandName: "cooldown",
            abstract: "Release matured cooldowns to available cash now, through the ledger.")
        @OptionGroup var options: CommonOptions
        @Option(help: "Only this strategy.") var strategy: String?

        func runJob() -> ExitStatus {
            ForceCommand.run("cooldown", options, housekeeping: false) { ctx, _, db, ledger in
                try Force.cooldown(ctx, ledger: ledger, store: ForceStore(database: db), strategyID: strategy)
            }
        }
    }

    struct SimulateFT: JobCommand {
        static let configuration = CommandConfiguration(
            commandName: "simulate-ft",
            abstract: "Decide a synthetic FT signal with execute's code and execute it (FT's table is not written).",
            discussion: "Example: lt force simulate-ft s1 --condition 0xabc… --outcome Yes --price 0.5 --size-usd 20")
        @OptionGroup var options: CommonOptions
        @Argument(help: "The strategy id.") var strategy: String
        @Option(help: "The market's condition id.") var condition: String
        @Option(help: "The outcome label FT bought.") var outcome: String
        @Option(help: "FT's entry price.") var price: String
        @Option(name: .customLong("size-usd"), help: "FT's order size in USD (the strategy sizes from it).")
        var sizeUSD: String
        @Option(help: "The leader's wallet (trader_wallet).") var leader: String?
        @Option(help: "FT's order time, ISO 8601 UTC (default now; an old one tests staleness).")
        var signalTime: String?
        @Option(help: "Idempotency key (default: derived from the arguments).") var key: String?

        func validate() throws { _ = try parsed(now: Date()) }

        func parsed(now: Date) throws -> (Force.SimulatedSignal, String) {
            let p = try ForceCommand.decimal(price, "--price", { _ in true }, "a decimal")
            let size = try ForceCommand.decimal(sizeUSD, "--size-usd", { _ in true }, "a decimal")
            var at = now
            if let signalTime {
                guard let t = UTCTimestamp.parse(signalTime) else {
                    throw ValidationError("--signal-time must be an ISO 8601 UTC instant")
                }
                at = t
            }
            let k = try ForceCommand.key(
                key, "sim", [strategy, condition, outcome, p.exactText, size.exactText, leader ?? "", signalTime ?? ""])
            return (
                Force.SimulatedSignal(
                    conditionID: condition, outcome: outcome, price: p, sizeUSD: size, leader: leader, signalTime: at),
                k
            )
        }

        func runJob() -> ExitStatus {
            ForceCommand.run("simulate-ft", options) { ctx, config, db, ledger in
                let (signal, key) = try parsed(now: ctx.now())
                return try Force.simulateFT(
                    store: ForceStore(database: db), job: try ForceCommand.executeJob(ctx, config, db, ledger),
                    strategyID: strategy, signal: signal, key: key)
            }
        }
    }
}

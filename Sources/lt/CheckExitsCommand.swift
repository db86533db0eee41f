import ArgumentParser
import Foundation
import LTCore
import LTHTTP
import LTPolymarket
import LTPostgres

/// `lt check-exits`: wires the check-exits job (LTCore) to Postgres, the CLOB, the Data API and
/// the wallets file. docs/jobs.md "check-exits" describes the steps.
struct CheckExitsCommand: JobCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-exits",
        abstract: "Mirror leaders' exits proportionally; stop-loss, take-profit, max hold (SELLs exactly once).",
        discussion: """
            Live positions are sold only with the strategy's mode = 'live' AND LT_LIVE_TRADING=1; shadow \
            positions are sold by walking the real book. Needs DATABASE_URL and LT_CLOB_URL; \
            LT_DATA_API_URL (default https://data-api.polymarket.com) for leader positions; \
            LT_WALLETS_FILE for live strategies.
            """
    ).cronJob()

    @OptionGroup var options: CommonOptions

    @OptionGroup var sharding: ShardOption

    final class Outcome {
        var summary: CheckExitsSummary?
    }

    func runJob() -> ExitStatus {
        let shard = sharding.value
        let job = sharding.jobName("check-exits")
        let outcome = Outcome()
        // Leaders or books that could not be read leave exits for the next run (69), like
        // execute's deferred signals; refused exits are failures (1).
        let decide: (any JobSummary) -> ExitStatus = { summary in
            Wiring.exitStatus(summary, unavailable: outcome.summary?.leadersUnavailable ?? 0)
        }
        return Runner.run(job: job, options: options, decide: decide) { ctx, config, db in
            let ledger = LedgerStore(database: db)
            // 0. Housekeeping first, as every job: an overdue daily reset, matured cooldowns.
            _ = try Housekeeping.run(ctx, ledger: ledger)
            let dataURL = config.optional("LT_DATA_API_URL") ?? "https://data-api.polymarket.com"
            guard dataURL.hasPrefix("http://") || dataURL.hasPrefix("https://") else {
                throw ConfigError(variable: "LT_DATA_API_URL", reason: "must be an http:// or https:// URL")
            }
            let http = HTTPClient()
            let venue = try Wiring.clobVenue(config, http: http)
            let run = CheckExitsJob(
                store: ExitStore(database: db), ledger: ledger, venue: venue,
                leaders: DataAPILeaderPositions(client: DataAPIClient(baseURL: dataURL, http: http)),
                options: CheckExitsOptions(liveTradingEnabled: config.liveTrading, shard: shard),
                runID: ctx.runID, now: { ctx.now() }, logger: ctx.logger,
                crashPoint: Wiring.crashPoint(config))
            let summary = try run.run()
            outcome.summary = summary
            return summary
        }
    }
}

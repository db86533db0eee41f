import ArgumentParser
import Foundation
import LTCore
import LTHTTP
import LTPolymarket
import LTPostgres

/// `lt execute`: wires the execute job (LTCore) to Postgres, the CLOB and the wallets file.
/// docs/jobs.md "execute" describes the steps.
struct ExecuteCommand: JobCommand {
    static let configuration = CommandConfiguration(
        commandName: "execute",
        abstract: "FT signals to sized, risk-checked, signed CLOB orders (exactly once).",
        discussion: """
            Live orders need the strategy's mode = 'live' AND LT_LIVE_TRADING=1; otherwise strategies run \
            as shadow (real book, simulated fill, nothing signed or posted). Needs DATABASE_URL and \
            LT_CLOB_URL; LT_WALLETS_FILE for live strategies.
            """)

    @OptionGroup var options: CommonOptions

    @OptionGroup var sharding: ShardOption

    @Option(help: "How far back to look for new signals, in minutes.")
    var lookbackMinutes: Int = 60

    @Option(help: "At most this many new signals per strategy per run.")
    var batchLimit: Int = 500

    func validate() throws {
        guard lookbackMinutes > 0, batchLimit > 0 else {
            throw ValidationError("--lookback-minutes and --batch-limit must be positive")
        }
    }

    final class Outcome {
        var summary: ExecuteSummary?
    }

    func runJob() -> ExitStatus {
        let shard = sharding.value
        // One job lock per shard: n hosts share the job, and two runs of the same shard never overlap.
        let job = sharding.jobName("execute")
        let outcome = Outcome()
        // 0. The job lock is taken by Runner.run; then the housekeeping every job does first (an
        //    overdue daily reset, matured cooldowns), so a missed cron tick never blocks trading.
        // Strategies the configuration stops (78) or signals deferred for an unavailable venue (69)
        // decide the exit status — and so the JSON summary's status, which Runner derives from it.
        let decide: (any JobSummary) -> ExitStatus = { summary in
            Wiring.exitStatus(
                summary, configurationErrors: outcome.summary?.configurationErrors ?? 0,
                unavailable: outcome.summary?.deferred ?? 0)
        }
        return Runner.run(job: job, options: options, decide: decide) { ctx, config, db in
            let timings = StageTimings()  // db / HTTP / signing totals for the JSON summary (lt-bench)
            let ledger = TimedLedger(LedgerStore(database: db), timings: timings)
            _ = try Housekeeping.run(ctx, ledger: ledger)
            let venue = try Wiring.clobVenue(config)
            let run = ExecuteJob(
                store: TimedExecuteStore(ExecuteStore(database: db), timings: timings), ledger: ledger,
                venue: TimedVenue(venue, timings: timings),
                options: ExecuteOptions(
                    liveTradingEnabled: config.liveTrading, shard: shard, lookbackSeconds: lookbackMinutes * 60,
                    batchLimit: batchLimit),
                runID: ctx.runID, now: { ctx.now() }, logger: ctx.logger,
                crashPoint: Wiring.crashPoint(config))
            let summary = try run.run()
            outcome.summary = summary
            return TimedJobSummary(summary, timings: timings.report)
        }
    }
}

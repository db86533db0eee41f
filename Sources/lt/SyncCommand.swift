import ArgumentParser
import Foundation
import LTCore
import LTHTTP
import LTPolymarket
import LTPostgres

/// `lt sync-order-status`: wires the sync job (LTCore) to Postgres, the CLOB and the wallets file.
/// docs/jobs.md "sync-order-status" describes the steps.
struct SyncCommand: JobCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync-order-status",
        abstract: "Prove every non-final order from the venue's trades: fills of record, settlement, lost answers.",
        discussion: """
            Visits SUBMITTED, UNKNOWN, PARTIAL and dead runs' INTENT orders, and fills whose settlement is \
            not final; books the venue's truth through the ledger. Exit 1 while an UNKNOWN order older \
            than the grace period stays unproven. Needs DATABASE_URL, LT_CLOB_URL and LT_WALLETS_FILE.
            """
    ).cronJob()

    @OptionGroup var options: CommonOptions

    @OptionGroup var sharding: ShardOption

    @Option(help: "An order the venue does not know is declared dead only after this many minutes.")
    var graceMinutes: Int = 5

    @Option(help: "Cancel resting orders older than this many minutes (default: never).")
    var ttlMinutes: Int?

    @Option(help: "Read a wallet's trades only from this many hours before its oldest open order (default: all).")
    var tradesLookbackHours: Int?

    func validate() throws {
        guard graceMinutes >= 0, (ttlMinutes ?? 1) > 0, (tradesLookbackHours ?? 1) > 0 else {
            throw ValidationError("--grace-minutes must be ≥ 0, --ttl-minutes and --trades-lookback-hours positive")
        }
    }

    final class Outcome {
        var summary: SyncSummary?
    }

    func runJob() -> ExitStatus {
        let shard = sharding.value
        // One job lock per shard: two syncs of the same orders never overlap.
        let job = sharding.jobName("sync-order-status")
        let outcome = Outcome()
        let decide: (any JobSummary) -> ExitStatus = { summary in
            Wiring.exitStatus(
                summary, configurationErrors: outcome.summary?.configurationErrors ?? 0,
                unavailable: outcome.summary?.deferred ?? 0)
        }
        // Test-only: LT_TEST_GRACE_SECONDS overrides the grace period so tests need not wait minutes.
        let env = ProcessInfo.processInfo.environment
        let graceSeconds = env["LT_TEST_GRACE_SECONDS"].flatMap { Int($0) } ?? graceMinutes * 60
        return Runner.run(job: job, options: options, decide: decide) { ctx, config, db in
            let timings = StageTimings()
            let ledger = TimedLedger(LedgerStore(database: db), timings: timings)
            // 0. Housekeeping every job does first (overdue daily reset, matured cooldowns).
            _ = try Housekeeping.run(ctx, ledger: ledger)
            let venue = try Wiring.clobVenue(config)
            let job = SyncOrderStatusJob(
                store: TimedSyncStore(SyncStore(database: db), timings: timings), ledger: ledger,
                venue: TimedVenue(venue, timings: timings),
                options: SyncOptions(
                    graceSeconds: graceSeconds, ttlSeconds: ttlMinutes.map { $0 * 60 }, shard: shard,
                    tradesLookbackSeconds: tradesLookbackHours.map { $0 * 3600 }),
                now: { ctx.now() }, logger: ctx.logger,
                crashPoint: Wiring.crashPoint(config))
            let summary = try job.run()
            outcome.summary = summary
            return TimedJobSummary(summary, timings: timings.report)
        }
    }
}

import ArgumentParser
import Foundation
import LTCore
import LTHTTP
import LTPolymarket
import LTPostgres

/// `lt resolve`: wires the resolve job (LTCore) to Postgres and a payout source — the chain when
/// `LT_POLYGON_RPC_URL` is set, the CLOB's winner flags (unproven) otherwise. docs/jobs.md
/// "resolve" describes the steps.
struct ResolveCommand: JobCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve",
        abstract: "Settle resolved markets: P&L from the fills incl. fees, cash to cooldown, risk state, breakers.",
        discussion: """
            A market is resolved when the chain says so (payoutDenominator > 0; LT_POLYGON_RPC_URL); \
            without an RPC, the CLOB's closed + tokens[].winner, logged as unproven. Needs DATABASE_URL and \
            LT_CLOB_URL.
            """
    ).cronJob()

    @OptionGroup var options: CommonOptions

    @OptionGroup var sharding: ShardOption

    func runJob() -> ExitStatus {
        let shard = sharding.value
        let job = sharding.jobName("resolve")
        return Runner.run(job: job, options: options) { ctx, config, db in
            // 0. Job lock (Runner.run), then the housekeeping every job does first.
            let ledger = LedgerStore(database: db)
            _ = try Housekeeping.run(ctx, ledger: ledger)
            let clob = ClobClient(baseURL: try config.requireURL("LT_CLOB_URL"), http: HTTPClient())
            let payouts: any PayoutSource
            if config.optional("LT_POLYGON_RPC_URL") != nil {
                payouts = ChainPayoutSource(
                    rpcURL: try config.requireURL("LT_POLYGON_RPC_URL"), http: HTTPClient(), clob: clob)
            } else {
                ctx.logger.warning(
                    "LT_POLYGON_RPC_URL is not set: payouts come from the CLOB's winner flags, unproven on-chain")
                payouts = ClobPayoutSource(clob: clob)
            }
            let crashAt = config.environment["LT_TEST_CRASH_POINT"]
            return try ResolveJob(
                store: ResolveStore(database: db), ledger: ledger, payouts: payouts, shard: shard,
                now: { ctx.now() }, logger: ctx.logger,
                crashPoint: { point in
                    // Crash tests only: die like `kill -9` at this instant.
                    if point == crashAt { kill(getpid(), SIGKILL) }
                }
            ).run()
        }
    }
}

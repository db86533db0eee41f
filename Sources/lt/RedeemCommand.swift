import ArgumentParser
import Foundation
import LTCore
import LTHTTP
import LTPolymarket
import LTPostgres

/// `lt redeem`: wires the redeem job (LTCore) to Postgres, the wallets file and the chain's
/// JSON-RPC. docs/jobs.md "redeem" describes the steps.
struct RedeemCommand: JobCommand {
    static let configuration = CommandConfiguration(
        commandName: "redeem",
        abstract: "Redeem won positions on-chain: one transaction per (wallet, condition), sent exactly once.",
        discussion: """
            Needs DATABASE_URL, LT_POLYGON_RPC_URL and LT_WALLETS_FILE. LT_CHAIN_ID (default 137) is checked \
            against eth_chainId; LT_REDEEM_MAX_FEE_GWEI (default 500) caps maxFeePerGas; a transaction not mined after \
            LT_REDEEM_BUMP_AFTER_SECONDS (default 600) is replaced with the same nonce and a higher fee; \
            LT_REDEEM_COLLATERAL is auto (default: per market, from the collateral its token ids derive \
            from) or forces pusd (V2 collateral adapters) or usdce (v1: the CTF, or the NegRiskAdapter for \
            neg-risk markets, which also needs LT_CLOB_URL). An EOA's missing adapter approval is sent first.
            """
    ).cronJob()

    @OptionGroup var options: CommonOptions

    @OptionGroup var sharding: ShardOption

    func runJob() -> ExitStatus {
        let shard = sharding.value
        return Runner.run(job: sharding.jobName("redeem"), options: options) { ctx, config, db in
            // 0. Job lock (Runner.run), then the housekeeping every job does first.
            let ledger = LedgerStore(database: db)
            _ = try Housekeeping.run(ctx, ledger: ledger)
            let env = config.environment
            let chainID = try Self.integer(env, "LT_CHAIN_ID", default: 137)
            let capGwei = try Self.feeCapGwei(env)
            let collateralText = (env["LT_REDEEM_COLLATERAL"] ?? "auto").lowercased()
            guard let collateral = RPCRedemptionChain.CollateralSetting(rawValue: collateralText) else {
                throw ConfigError(variable: "LT_REDEEM_COLLATERAL", reason: "must be auto, pusd or usdce")
            }
            let clob = try config.optional("LT_CLOB_URL").map { _ in
                ClobClient(baseURL: try config.requireURL("LT_CLOB_URL"), http: HTTPClient())
            }
            let chain = RPCRedemptionChain(
                rpcURL: try config.requireURL("LT_POLYGON_RPC_URL"), http: HTTPClient(),
                wallets: { () throws(WalletConfigError) -> WalletsFile in try WalletsFile.load(environment: env) },
                chainID: UInt64(chainID), feeCapWei: capGwei * 1_000_000_000, collateral: collateral, clob: clob)
            let bumpAfter = try Self.integer(env, "LT_REDEEM_BUMP_AFTER_SECONDS", default: 600)
            let crashAt = env["LT_TEST_CRASH_POINT"]
            return try RedeemJob(
                store: RedeemStore(database: db), ledger: ledger, chain: chain, bumpAfter: TimeInterval(bumpAfter),
                shard: shard, now: { ctx.now() },
                logger: ctx.logger,
                crashPoint: { point in
                    // Crash tests only: die like `kill -9` at this instant.
                    if point == crashAt { kill(getpid(), SIGKILL) }
                }
            ).run()
        }
    }

    /// `LT_REDEEM_MAX_FEE_GWEI` (default 500); doctor sizes its gas check with it too.
    static func feeCapGwei(_ env: [String: String]) throws -> Int64 {
        let capGwei = try integer(env, "LT_REDEEM_MAX_FEE_GWEI", default: 500)
        guard capGwei > 0, capGwei <= 1_000_000 else {
            throw ConfigError(variable: "LT_REDEEM_MAX_FEE_GWEI", reason: "must be between 1 and 1000000")
        }
        return capGwei
    }

    static func integer(_ env: [String: String], _ name: String, default d: Int64) throws -> Int64 {
        guard let text = env[name], !text.isEmpty else { return d }
        guard let v = Int64(text), v > 0 else {
            throw ConfigError(variable: name, reason: "must be a positive integer")
        }
        return v
    }
}

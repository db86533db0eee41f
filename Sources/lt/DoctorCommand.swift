import ArgumentParser
import Foundation
import LTCore
import LTHTTP
import LTPolymarket
import LTPostgres

/// `lt doctor`: the preflight of everything a live run needs (issue 14 item 1). Exit 0 when every
/// check passes, 1 when one fails; 69/78 as elsewhere. What is not configured is skipped, and said.
struct DoctorCommand: JobCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract:
            "Check the database, the books, the wallets, the exchange and the chain before trusting lt with money.")

    @OptionGroup var options: CommonOptions

    func runJob() -> ExitStatus {
        Runner.run(job: "doctor", options: options, takeJobLock: false) { _, config, db in
            let env = config.environment
            let clob = try config.optional("LT_CLOB_URL").map { _ in
                ClobClient(baseURL: try config.requireURL("LT_CLOB_URL"), http: HTTPClient())
            }
            let file = { () throws(WalletConfigError) -> WalletsFile in try WalletsFile.load(environment: env) }
            let chainID = try RedeemCommand.integer(env, "LT_CHAIN_ID", default: 137)
            let capGwei = try RedeemCommand.feeCapGwei(env)
            let chain = try config.optional("LT_POLYGON_RPC_URL").map { _ in
                RPCDoctorChain(
                    rpc: RPCRedemptionChain(
                        rpcURL: try config.requireURL("LT_POLYGON_RPC_URL"), http: HTTPClient(), wallets: file,
                        chainID: UInt64(chainID), feeCapWei: capGwei * 1_000_000_000, collateral: .pusd, clob: clob))
            }
            let probes = Doctor.Probes(
                store: DoctorStore(database: db), exchange: clob.map(ClobDoctorExchange.init(clob:)),
                wallets: config.optional("LT_WALLETS_FILE").map { _ in ClobDoctorWallets(clob: clob, file: file) },
                chain: chain)
            return try Doctor.run(
                probes,
                expect: Doctor.Expectations(
                    schemaVersion: Migrator.latestVersion, liveTrading: config.liveTrading, chainID: chainID,
                    gasFloor: Doctor.gasFloor(capGwei: capGwei)))
        }
    }
}

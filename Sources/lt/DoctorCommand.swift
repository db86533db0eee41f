import ArgumentParser
import Foundation
import LTCore
import LTHTTP
import LTPolymarket
import LTPostgres

/// `lt doctor`: the preflight of everything a live run needs (issue 14 item 1). Exit 0 when every
/// check passes, 1 when one fails; 69/78 as elsewhere.
struct DoctorCommand: JobCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the database, the books, the wallets and the exchange before trusting lt with money.")

    @OptionGroup var options: CommonOptions

    func runJob() -> ExitStatus {
        Runner.run(job: "doctor", options: options, takeJobLock: false) { _, config, db in
            let env = config.environment
            var wallets: (any DoctorWallets)? = nil
            if env["LT_WALLETS_FILE"].map({ !$0.isEmpty }) == true, let clob = env["LT_CLOB_URL"], !clob.isEmpty {
                wallets = ClobDoctorWallets(
                    clob: ClobClient(baseURL: clob, http: HTTPClient()),
                    file: { () throws(WalletConfigError) -> WalletsFile in try WalletsFile.load(environment: env) })
            }
            return try Doctor.run(
                store: DoctorStore(database: db), expectedSchemaVersion: Migrator.latestVersion, wallets: wallets,
                liveTrading: config.liveTrading)
        }
    }
}

import ArgumentParser
import Foundation
import LTCore
import LTHTTP
import LTPolymarket

// What every trading job's command wires the same way: the `--shard` option and its job-lock
// name, the CLOB venue over the wallets file, and the test-only crash seam.

/// `--shard i/n`, validated once for every job that takes it.
struct ShardOption: ParsableArguments {
    @Option(
        help: """
            Handle only shard i of n, e.g. 0/4: the strategies whose stable hash of strategy_id is i mod n \
            (redeem: the wallets whose sending EOA's address hashes to i).
            """)
    var shard: String?

    func validate() throws {
        if let shard, Shard(parsing: shard) == nil {
            throw ValidationError("--shard must be i/n with 0 ≤ i < n, got \(shard)")
        }
    }

    var value: Shard? { shard.flatMap(Shard.init(parsing:)) }

    /// One job lock per shard: n hosts share the job, and two runs of the same shard never overlap.
    func jobName(_ job: String) -> String { value.map { "\(job)-\($0.index)-of-\($0.count)" } ?? job }
}

enum Wiring {
    /// The CLOB venue (`LT_CLOB_URL`), its wallets loaded from `LT_WALLETS_FILE` when first used.
    static func clobVenue(_ config: Config, http: HTTPClient = HTTPClient()) throws -> ClobVenue {
        let clobURL = try config.requireURL("LT_CLOB_URL")
        let environment = config.environment
        return ClobVenue(
            clob: ClobClient(baseURL: clobURL, http: http),
            wallets: { () throws(WalletConfigError) -> WalletsFile in try WalletsFile.load(environment: environment) })
    }

    /// A trading job's exit status, which Runner also writes as the JSON summary's status: failed
    /// items 1, then a configuration that stopped work 78, then an unavailable service 69.
    static func exitStatus(_ summary: any JobSummary, configurationErrors: Int = 0, unavailable: Int = 0)
        -> ExitStatus
    {
        if summary.failedCount > 0 { return .someFailed }
        if configurationErrors > 0 { return .config }
        if unavailable > 0 { return .unavailable }
        return .ok
    }

    /// Crash tests only: `LT_TEST_CRASH_POINT=<point>` makes the process die like `kill -9` there.
    static func crashPoint(_ config: Config) -> (String) -> Void {
        let crashAt = config.environment["LT_TEST_CRASH_POINT"]
        return { point in if point == crashAt { kill(getpid(), SIGKILL) } }
    }
}

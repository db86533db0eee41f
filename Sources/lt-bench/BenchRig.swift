import Foundation
import LTCore
import LTPostgres

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What the latency benches (burst, idle, follow) share: the binaries, a scratch directory, the
/// throwaway cluster (LT_TEST_DATABASE_URL's when set), a throwaway wallet, and per case a fresh
/// database with N live strategies and a paper exchange with one market per signal.
final class BenchRig {
    let lt: String
    let exchangeBinary: String
    let scratch: String
    let adminURL: String
    let wallet: BenchWallet
    let runner: LTRunner
    private let cluster: BenchCluster?
    private let keep: Bool

    init(name: String, binDir: String?, repo: String, keep: Bool) throws {
        let bin = binDir ?? ExecuteBench.ownDirectory()
        lt = bin + "/lt"
        exchangeBinary = bin + "/lt-paper-exchange"
        for path in [lt, exchangeBinary] where !FileManager.default.isExecutableFile(atPath: path) {
            throw BenchError("\(path) not found: build it first (make bench builds lt and lt-paper-exchange)")
        }
        scratch = NSTemporaryDirectory() + "lt-bench-\(name)-\(getpid())"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        self.keep = keep
        if let given = ProcessInfo.processInfo.environment["LT_TEST_DATABASE_URL"], !given.isEmpty {
            adminURL = given
            cluster = nil
        } else {
            let c = try BenchCluster(repo: repo, scratch: scratch)
            cluster = c
            adminURL = c.url
        }
        wallet = try BenchWallet(directory: scratch)
        runner = LTRunner(binary: lt, scratch: scratch)
        print("lt-bench \(name): \(ProcessInfo.processInfo.activeProcessorCount) cores, binaries in \(bin)")
    }

    func close() {
        cluster?.stop()
        if keep {
            print("scratch directory kept: \(scratch)")
        } else {
            try? FileManager.default.removeItem(atPath: scratch)
        }
    }

    /// One case: a fresh database, migrated (with `migrateArguments` added), N live strategies, and
    /// a running exchange with markets for `markets` signal indexes. `body` gets the `lt`
    /// environment, a connection and the exchange's URL; everything is torn down afterwards.
    func withCase<T>(
        _ tag: String, strategies: Int, markets: Int, migrateArguments: [String] = [],
        _ body: (_ env: [String: String], _ db: PostgresConnection, _ exchangeURL: String) throws -> T
    ) throws -> T {
        let scenario = ExecuteBenchScenario(strategies: strategies, signals: max(markets, 1), history: 0)
        let dbName = "lt_bench_\(tag)"
        let admin = try PostgresConnection(url: adminURL, applicationName: "lt-bench")
        try admin.runScript("SET client_min_messages = warning")
        try admin.runScript("DROP DATABASE IF EXISTS \(dbName) WITH (FORCE)")
        try admin.runScript("CREATE DATABASE \(dbName)")
        defer { try? admin.runScript("DROP DATABASE IF EXISTS \(dbName) WITH (FORCE)") }
        let url = ExecuteBench.url(adminURL, database: dbName)
        let scenarioFile = scratch + "/scenario-\(dbName).json"
        try scenario.exchangeScenario(wallet: wallet).write(toFile: scenarioFile, atomically: true, encoding: .utf8)
        let exchange = try BenchExchange(binary: exchangeBinary, scenarioFile: scenarioFile, scratch: scratch)
        defer { exchange.stop() }
        let env = runner.environment(databaseURL: url, exchangeURL: exchange.url, walletsFile: wallet.walletsFile)
        let migrate = try runner.run(["migrate", "--dev-tables"] + migrateArguments, env: env)
        guard migrate.status == 0 else { throw BenchError("lt migrate failed (\(migrate.status)): \(migrate.stdout)") }
        let db = try PostgresConnection(url: url, applicationName: "lt-bench")
        try db.runScript(scenario.strategiesSQL)
        try db.runScript("ANALYZE lt_strategies")
        return try body(env, db, exchange.url)
    }

    /// Arms a paper-exchange latency fault on every venue call (`/_control/` excepted) until cleared.
    func injectLatency(milliseconds: Int, exchangeURL: String) throws {
        let body = #"{"path":"/*","kind":"latency","latency_ms":\#(milliseconds),"count":0}"#
        let r = try Spawn.run(
            "/usr/bin/env",
            [
                "curl", "-sS", "--noproxy", "*", "-X", "POST", "-H", "Content-Type: application/json", "-d", body,
                exchangeURL + "/_control/faults",
            ],
            environment: ProcessInfo.processInfo.environment, stdoutFile: scratch + "/curl.out",
            stderrFile: scratch + "/curl.err")
        guard r.status == 0, r.stdout.contains("\"ok\"") else {
            throw BenchError("arming the latency fault failed (\(r.status)): \(r.stdout.prefix(200))")
        }
    }

    /// A signal like the FT executor writes it: a BUY of $10 at 0.50 on market `market`, for
    /// strategy `strategy`'s FT wallet, timed by the database clock at the insert.
    static func insertSignal(db: PostgresConnection, id: String, strategy: Int, market: Int) throws {
        let wallet = "bench-w" + String(repeating: "0", count: max(0, 6 - String(strategy).count)) + String(strategy)
        _ = try db.query(
            """
            INSERT INTO ft_orders (order_id, wallet_id, order_time, side, condition_id, token_label, token_id,
                                   entry_price, size, trader_wallet, market_title, market_slug, outcome)
            VALUES (\(id), \(wallet), clock_timestamp(), 'BUY', \(ExecuteBenchScenario.condition(market)), 'Yes',
                    \(ExecuteBenchScenario.yesToken(market)), 0.50, \(ExecuteBenchScenario.signalUSD),
                    \(ExecuteBenchScenario.leader), \("Bench market \(market)"), \("bench-market-\(market)"), 'OPEN')
            """)
    }
}

/// Order statistics of a sample (nearest rank), for the printed figures.
struct Percentiles {
    let sorted: [Double]
    init(_ xs: [Double]) { sorted = xs.sorted() }
    func p(_ q: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let rank = Int((q / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
    var worst: Double { sorted.last ?? .nan }
}

/// `1.5s`, `250ms`, `2m` or plain seconds.
func parseSeconds(_ text: String) -> Double? {
    if text.hasSuffix("ms") { return Double(text.dropLast(2)).map { $0 / 1000 } }
    if text.hasSuffix("s") { return Double(text.dropLast()) }
    if text.hasSuffix("m") { return Double(text.dropLast()).map { $0 * 60 } }
    return Double(text)
}

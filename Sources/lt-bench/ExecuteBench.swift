import ArgumentParser
import Foundation
import LTChain
import LTCore
import LTPostgres

/// `lt-bench execute` (issue 5): N strategies × M new FT signals through the real `lt execute`
/// binary against `lt-paper-exchange` and a throwaway Postgres, optionally over a large history of
/// ft_orders and lt_orders rows. Prints figures; asserts nothing. docs/benchmarks.md explains them.
struct ExecuteBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "execute",
        abstract: "Execute job: wall time, per-signal cost, db/HTTP/signing split, empty-run time.",
        discussion: """
            One scenario per (strategy count, history size). Each gets a fresh database (lt migrate \
            --dev-tables), a paper exchange with one market per signal index and deep books, live \
            strategies (LT_LIVE_TRADING=1) trading one EOA wallet with a random throwaway key. Uses \
            LT_TEST_DATABASE_URL's cluster when set (scripts/pg-test-cluster.sh run), else starts one.
            """)

    @Option(help: "Strategy counts, comma-separated: one scenario each (with every --history size).")
    var strategies = "100"

    @Option(help: "New FT signals per strategy.")
    var signals = 10

    @Option(help: "Historical rows, comma-separated: each size seeds that many ft_orders AND lt_orders rows.")
    var history = "0,1000000"

    @Option(
        help: ArgumentHelp(
            "Passed to the measured `lt execute` (default: lt's own). 1 posts serially, so the paper "
                + "exchange's work on this machine's cores never overlaps lt's database calls."))
    var maxInFlight: Int?

    @Option(help: "Empty runs per empty-run figure (the median is printed).")
    var emptyRuns = 7

    @Option(help: "Directory with the lt and lt-paper-exchange binaries (default: lt-bench's own).")
    var binDir: String?

    @Option(help: "Repository root, for scripts/pg-test-cluster.sh.")
    var repo = "."

    @Flag(help: "Keep the scratch directory (scenario, wallets file, lt logs) and print its path.")
    var keep = false

    func validate() throws {
        guard parsedList(strategies)?.allSatisfy({ $0 > 0 }) == true else {
            throw ValidationError("--strategies must be positive integers, comma-separated")
        }
        guard parsedList(history)?.allSatisfy({ $0 >= 0 }) == true else {
            throw ValidationError("--history must be non-negative integers, comma-separated")
        }
        guard signals > 0, signals <= 500, emptyRuns > 0 else {
            throw ValidationError("--signals must be 1…500 (the job's batch limit), --empty-runs positive")
        }
    }

    func parsedList(_ text: String) -> [Int]? {
        let items = text.split(separator: ",").map { Int($0.replacingOccurrences(of: "_", with: "")) }
        return items.isEmpty || items.contains(nil) ? nil : items.compactMap { $0 }
    }

    func run() throws {
        let bin = binDir ?? Self.ownDirectory()
        let lt = bin + "/lt"
        let exchangeBinary = bin + "/lt-paper-exchange"
        for path in [lt, exchangeBinary] where !FileManager.default.isExecutableFile(atPath: path) {
            throw BenchError("\(path) not found: build it first (make bench builds lt and lt-paper-exchange)")
        }
        let scratch = NSTemporaryDirectory() + "lt-bench-execute-\(getpid())"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer {
            if keep {
                print("scratch directory kept: \(scratch)")
            } else {
                try? FileManager.default.removeItem(atPath: scratch)
            }
        }

        let env = ProcessInfo.processInfo.environment
        var cluster: BenchCluster? = nil
        let adminURL: String
        if let given = env["LT_TEST_DATABASE_URL"], !given.isEmpty {
            adminURL = given
        } else {
            let c = try BenchCluster(repo: repo, scratch: scratch)
            cluster = c
            adminURL = c.url
        }
        defer { cluster?.stop() }

        let wallet = try BenchWallet(directory: scratch)
        let runner = LTRunner(binary: lt, scratch: scratch)
        print("lt-bench execute: \(ProcessInfo.processInfo.activeProcessorCount) cores, binaries in \(bin)")
        let floor = try runner.median(emptyRuns) { try runner.run(["--version"], env: env).milliseconds }
        print(String(format: "process floor: `lt --version` %.1f ms (median of %d)", floor, emptyRuns))

        var results: [ExecuteBenchResult] = []
        for n in parsedList(strategies) ?? [] {
            for h in parsedList(history) ?? [] {
                let scenario = ExecuteBenchScenario(strategies: n, signals: signals, history: h)
                print("\n== \(scenario.name)")
                fflush(nil)  // progress shows as it happens, also when stdout is a file or a pipe
                let r = try runScenario(
                    scenario, adminURL: adminURL, runner: runner, wallet: wallet, exchangeBinary: exchangeBinary,
                    scratch: scratch)
                results.append(r)
                r.printDetails()
                fflush(nil)
            }
        }
        print("")
        ExecuteBenchResult.printTable(results, emptyRuns: emptyRuns, floorMs: floor)
    }

    /// lt-bench sits in the build's bin directory, next to lt and lt-paper-exchange.
    static func ownDirectory() -> String {
        let exe =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: exe).deletingLastPathComponent().path
    }

    func runScenario(
        _ s: ExecuteBenchScenario, adminURL: String, runner: LTRunner, wallet: BenchWallet, exchangeBinary: String,
        scratch: String
    ) throws -> ExecuteBenchResult {
        var result = ExecuteBenchResult(scenario: s)
        let dbName = "lt_bench_\(s.strategies)x\(s.signals)_h\(s.history)"
        let admin = try PostgresConnection(url: adminURL, applicationName: "lt-bench")
        try admin.runScript("SET client_min_messages = warning")
        try admin.runScript("DROP DATABASE IF EXISTS \(dbName)")
        try admin.runScript("CREATE DATABASE \(dbName)")
        defer { try? admin.runScript("DROP DATABASE IF EXISTS \(dbName)") }
        let url = Self.url(adminURL, database: dbName)

        let scenarioFile = scratch + "/scenario-\(dbName).json"
        try s.exchangeScenario(wallet: wallet).write(toFile: scenarioFile, atomically: true, encoding: .utf8)
        let exchange = try BenchExchange(binary: exchangeBinary, scenarioFile: scenarioFile, scratch: scratch)
        defer { exchange.stop() }
        let env = runner.environment(databaseURL: url, exchangeURL: exchange.url, walletsFile: wallet.walletsFile)

        let migrate = try runner.run(["migrate", "--dev-tables"], env: env)
        guard migrate.status == 0 else { throw BenchError("lt migrate failed (\(migrate.status)): \(migrate.stdout)") }

        let db = try PostgresConnection(url: url, applicationName: "lt-bench")
        var t = DispatchTime.now().uptimeNanoseconds
        try db.runScript(s.strategiesSQL)
        if s.history > 0 { try Self.seedHistory(s, db: db) }
        // Production tables are analysed by autovacuum; a freshly seeded one is not yet.
        try db.runScript("ANALYZE lt_strategies; ANALYZE ft_orders; ANALYZE lt_orders")
        result.seedMs = Self.ms(since: t)

        result.emptyBeforeMs = try runner.median(emptyRuns) { try runner.execute(env: env).wall }
        t = DispatchTime.now().uptimeNanoseconds
        try db.runScript(s.newSignalsSQL)
        result.signalSeedMs = Self.ms(since: t)

        try db.runScript("SELECT pg_stat_reset()")
        let run = try runner.execute(
            env: env, keepLog: "execute-\(dbName).log", extra: maxInFlight.map { ["--max-in-flight", "\($0)"] } ?? [])
        result.tableReads = try TableReads.since(reset: db)
        result.wallMs = run.wall
        result.summary = run.summary
        result.exitStatus = run.status
        result.emptyAfterMs = try runner.median(emptyRuns) { try runner.execute(env: env).wall }
        result.plan = try ExplainCheck.newSignals(db: db, scenario: s)
        return result
    }

    /// A million rows per table in seconds: the secondary indexes are dropped and rebuilt around the
    /// bulk INSERT … SELECT (one sort per index instead of a million inserts into each), and the
    /// foreign-key triggers are off for the session (every row points at a seeded strategy by
    /// construction). The rebuilt indexes are exactly the schema's (pg_get_indexdef).
    static func seedHistory(_ s: ExecuteBenchScenario, db: PostgresConnection) throws {
        try db.runScript("SET maintenance_work_mem = '512MB'; SET session_replication_role = replica")
        let definitions = try db.query(
            """
            SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
              FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
             WHERE t.relname IN ('ft_orders', 'lt_orders') AND NOT i.indisprimary AND NOT i.indisunique
            """
        ).compactMap { r -> (String, String)? in
            guard let name = try? r.text("name"), let def = try? r.text("def") else { return nil }
            return (name, def)
        }
        for (name, _) in definitions { try db.runScript("DROP INDEX \(name)") }
        try db.runScript(s.historyFTOrdersSQL)
        try db.runScript(s.historyLTOrdersSQL)
        for (_, def) in definitions { try db.runScript(def) }
        try db.runScript("SET session_replication_role = DEFAULT")
    }

    static func ms(since start: UInt64) -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 }

    /// The same server, another database: conninfo strings take a later `dbname`; URIs a new path.
    static func url(_ base: String, database: String) -> String {
        if base.hasPrefix("postgres://") || base.hasPrefix("postgresql://"), var c = URLComponents(string: base) {
            c.path = "/" + database
            return c.string ?? base
        }
        return base + " dbname=\(database)"
    }
}

/// Runs the real `lt` binary and reads its JSON summary.
struct LTRunner {
    let binary: String
    let scratch: String

    func environment(databaseURL: String, exchangeURL: String, walletsFile: String) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["DATABASE_URL"] = databaseURL
        env["LT_CLOB_URL"] = exchangeURL
        env["LT_GAMMA_URL"] = exchangeURL
        env["LT_DATA_API_URL"] = exchangeURL
        env["LT_POLYGON_RPC_URL"] = exchangeURL + "/rpc"
        env["LT_WALLETS_FILE"] = walletsFile
        env["LT_LIVE_TRADING"] = "1"
        env["LT_LOG_FORMAT"] = "json"
        // The exchange is on loopback: never through a proxy set for the machine.
        env["NO_PROXY"] = "127.0.0.1,localhost"
        env["no_proxy"] = "127.0.0.1,localhost"
        return env
    }

    func run(_ arguments: [String], env: [String: String], log: String? = nil) throws -> Spawn.Result {
        try Spawn.run(
            binary, arguments, environment: env, stdoutFile: scratch + "/lt.out",
            stderrFile: scratch + "/" + (log ?? "lt.log"))
    }

    struct Execution {
        var status: Int32
        var wall: Double
        var summary: [String: Any]
    }

    /// `lt execute --format json`, as cron runs it (logs at the default level, to a file).
    func execute(env: [String: String], keepLog: String? = nil, extra: [String] = []) throws -> Execution {
        let r = try run(["execute", "--format", "json"] + extra, env: env, log: keepLog)
        let line = r.stdout.split(separator: "\n").last.map(String.init) ?? ""
        let json = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
        if r.status != 0 && r.status != 1 {
            throw BenchError("lt execute exited \(r.status): \(line.prefix(400))")
        }
        return Execution(status: r.status, wall: r.milliseconds, summary: json)
    }

    func median(_ count: Int, _ sample: () throws -> Double) throws -> Double {
        var xs: [Double] = []
        for _ in 0..<count { xs.append(try sample()) }
        xs.sort()
        return xs.count % 2 == 1 ? xs[xs.count / 2] : (xs[xs.count / 2 - 1] + xs[xs.count / 2]) / 2
    }
}

/// A random throwaway EOA (never a configured key): its key file, the wallets file naming it
/// `main`, and L2 credentials the generated exchange scenario knows.
struct BenchWallet {
    let address: String
    let apiKey: String
    let secret: String
    let passphrase: String
    let walletsFile: String

    init(directory: String) throws {
        let keyBytes = try Crypto.randomBytes(count: 32)
        address = try PrivateKey(bytes: keyBytes).address.checksummed
        apiKey = UUID().uuidString.lowercased()
        secret = Data(try Crypto.randomBytes(count: 32)).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        passphrase = try Crypto.randomBytes(count: 32).map { String(format: "%02x", $0) }.joined()
        let keyFile = directory + "/bench.key"
        try keyBytes.map { String(format: "%02x", $0) }.joined().write(
            toFile: keyFile, atomically: true, encoding: .utf8)
        chmod(keyFile, 0o600)
        walletsFile = directory + "/wallets.json"
        let wallets = """
            {"wallets": {"main": {"key_file": "\(keyFile)", "signature_type": 0,
              "api_credentials": {"key": "\(apiKey)", "secret": "\(secret)", "passphrase": "\(passphrase)"}}}}
            """
        try wallets.write(toFile: walletsFile, atomically: true, encoding: .utf8)
        chmod(walletsFile, 0o600)
    }
}

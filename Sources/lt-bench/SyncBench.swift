import ArgumentParser
import Foundation
import LTCore
import LTHTTP
import LTPostgres

/// `lt-bench sync` (issue 10): N non-final orders reconciled by the real `lt sync-order-status`
/// against `lt-paper-exchange` and a throwaway Postgres, optionally over a large history. The orders
/// are made the way production makes them: `lt execute` posts them and the exchange fills them but
/// drops every answer (`drop_after_accept`), so each row is UNKNOWN until sync finds its trades.
/// Prints figures; asserts nothing (docs/benchmarks.md).
struct SyncBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "sync-order-status: wall time, venue reads (per wallet and page, not per order), db time, idle run.")

    @Option(help: "Strategies (each with --signals orders), comma-separated: one scenario each.")
    var strategies = "100"

    @Option(help: "Orders per strategy.")
    var signals = 10

    @Option(help: "Historical rows, comma-separated: each size seeds that many ft_orders AND lt_orders rows.")
    var history = "0,1000000"

    @Option(help: "Idle runs per idle figure (the median is printed).")
    var idleRuns = 7

    @Option(help: "Directory with the lt and lt-paper-exchange binaries (default: lt-bench's own).")
    var binDir: String?

    @Option(help: "Repository root, for scripts/pg-test-cluster.sh.")
    var repo = "."

    func run() throws {
        let execute = try ExecuteBench.parse([
            "--strategies", strategies, "--signals", String(signals), "--history", history, "--repo", repo,
        ])
        let bin = binDir ?? ExecuteBench.ownDirectory()
        let scratch = NSTemporaryDirectory() + "lt-bench-sync-\(getpid())"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
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
        let runner = LTRunner(binary: bin + "/lt", scratch: scratch)
        print("lt-bench sync: \(ProcessInfo.processInfo.activeProcessorCount) cores, binaries in \(bin)")
        var rows: [[String]] = [
            [
                "orders", "history", "sync ms", "ms/order", "db ms", "db calls", "venue reads", "visited", "filled",
                "idle ms",
            ]
        ]
        for n in execute.parsedList(strategies) ?? [] {
            for h in execute.parsedList(history) ?? [] {
                let s = ExecuteBenchScenario(strategies: n, signals: signals, history: h)
                print("\n== \(s.name)")
                fflush(nil)
                rows.append(
                    try runScenario(
                        s, adminURL: adminURL, runner: runner, wallet: wallet,
                        exchangeBinary: bin + "/lt-paper-exchange", scratch: scratch))
                fflush(nil)
            }
        }
        print("")
        let widths = rows[0].indices.map { i in rows.map { $0[i].count }.max() ?? 0 }
        for r in rows {
            print(
                r.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(
                    separator: "  "))
        }
        print("venue reads = HTTP calls of the measured run (trades pages per wallet + order lookups); idle = median")
    }

    func runScenario(
        _ s: ExecuteBenchScenario, adminURL: String, runner: LTRunner, wallet: BenchWallet, exchangeBinary: String,
        scratch: String
    ) throws -> [String] {
        let dbName = "lt_bench_sync_\(s.strategies)x\(s.signals)_h\(s.history)"
        let admin = try PostgresConnection(url: adminURL, applicationName: "lt-bench")
        try admin.runScript("SET client_min_messages = warning")
        try admin.runScript("DROP DATABASE IF EXISTS \(dbName)")
        try admin.runScript("CREATE DATABASE \(dbName)")
        defer { try? admin.runScript("DROP DATABASE IF EXISTS \(dbName)") }
        let url = ExecuteBench.url(adminURL, database: dbName)
        let scenarioFile = scratch + "/scenario-\(dbName).json"
        try s.exchangeScenario(wallet: wallet).write(toFile: scenarioFile, atomically: true, encoding: .utf8)
        let exchange = try BenchExchange(binary: exchangeBinary, scenarioFile: scenarioFile, scratch: scratch)
        defer { exchange.stop() }
        let env = runner.environment(databaseURL: url, exchangeURL: exchange.url, walletsFile: wallet.walletsFile)
        let migrate = try runner.run(["migrate", "--dev-tables"], env: env)
        guard migrate.status == 0 else { throw BenchError("lt migrate failed (\(migrate.status))") }
        let db = try PostgresConnection(url: url, applicationName: "lt-bench")
        try db.runScript(s.strategiesSQL)
        if s.history > 0 { try ExecuteBench.seedHistory(s, db: db) }
        try db.runScript("ANALYZE lt_strategies; ANALYZE ft_orders; ANALYZE lt_orders")

        // Every answer lost: each order is UNKNOWN after execute, filled at the exchange.
        let http = HTTPClient()
        func control(_ method: HTTPMethod, _ path: String, _ body: String) throws {
            _ = try http.send(HTTPRequest.json(method, exchange.url + path, body: body))
        }
        try control(
            .post, "/_control/faults", #"{"method":"POST","path":"/order","kind":"drop_after_accept","count":0}"#)
        try db.runScript(s.newSignalsSQL)
        _ = try runner.run(["execute", "--format", "json"], env: env, log: "execute-\(dbName).log")
        try control(.delete, "/_control/faults", "")
        // The trades confirm on the exchange's clock, so after one sync nothing is left to visit.
        try control(.post, "/_control/clock", #"{"advance_seconds": 60}"#)
        try db.runScript("ANALYZE lt_orders")

        let sync = try runner.run(["sync-order-status", "--format", "json"], env: env, log: "sync-\(dbName).log")
        let line = sync.stdout.split(separator: "\n").last.map(String.init) ?? ""
        let json = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
        let result = json["result"] as? [String: Any] ?? [:]
        let timings = result["timings"] as? [String: Any] ?? [:]
        func int(_ d: [String: Any], _ k: String) -> Int { (d[k] as? NSNumber)?.intValue ?? 0 }
        let orders = s.strategies * s.signals
        let idle = try runner.median(idleRuns) {
            try runner.run(["sync-order-status", "--format", "json"], env: env).milliseconds
        }
        print("sync exit \(sync.status): \(line.prefix(300))")
        return [
            String(orders), String(s.history), String(format: "%.0f", sync.milliseconds),
            String(format: "%.2f", sync.milliseconds / Double(max(1, orders))),
            String(format: "%.0f", Double(int(timings, "db_us")) / 1000), String(int(timings, "db_calls")),
            String(int(timings, "http_calls")), String(int(result, "visited")), String(int(result, "filled")),
            String(format: "%.0f", idle),
        ]
    }
}

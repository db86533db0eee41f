import Foundation
import LTCore
import LTHTTP
import LTPostgres

// Integration harness for `lt execute`: a private database in the `make test` cluster, a
// `lt-paper-exchange` subprocess, a wallets file with the reference test key, and the real `lt`
// binary run as a subprocess. Everything is torn down in deinit.

struct HarnessUnavailable: Error, CustomStringConvertible {
    var description: String
}

/// The documentation test key of tests/vectors (holds nothing anywhere) and its L2 credentials.
enum TestWallet {
    static let privateKey = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"
    static let address = "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23"
    static let apiKey = "11111111-2222-4333-8444-555555555555"
    static let secret = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
    static let passphrase = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"
    /// Strings that must never appear in any output.
    static let secrets = [String(privateKey.dropFirst(2)), secret, passphrase]
}

enum Market {
    static let condition = "0x5f65177b394277fd294cd75650044e32ba009a95022d88a0c1d565897d72f8f1"
    static let yes = "71321045679252212594626385532706912750332728571942532289631379312455583992563"
    static let no = "71321045679252212594626385532706912750332728571942532289631379312455583992564"
    static let closedCondition = "0x00000000000000000000000000000000000000000000000000000000000000c1"
    static let closedYes = "1001"
    static let closedNo = "1002"
}

final class DataBox: @unchecked Sendable {
    var data = Data()
}

struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String
    var output: String { stdout + stderr }
}

/// The executables `swift build` made sit next to `lt` (LT_BIN or beside the test bundle).
func productPath(_ name: String) throws -> String {
    let path = LTProcess.binary.deletingLastPathComponent().appendingPathComponent(name).path
    guard FileManager.default.isExecutableFile(atPath: path) else {
        throw HarnessUnavailable(description: "\(name) not found at \(path): build the package first")
    }
    return path
}

final class ExecuteHarness {
    /// The database in the shared cluster; nil when the test gave its own (a `PrivateCluster`'s).
    let testDatabase: TestDatabase?
    let dbURL: String
    private(set) var db: PostgresConnection
    let dir: URL
    let exchange: Process
    let exchangeURL: String
    let walletsFile: String
    let http = HTTPClient()
    /// Every stdout/stderr `lt` printed in this harness (for the no-secrets check).
    private(set) var allOutput = ""

    /// `databaseURL`: an already migrated database to use instead of a fresh one in the shared cluster.
    init(scenario: String = ExecuteHarness.defaultScenario(), databaseURL: String? = nil) throws {
        if let databaseURL {
            testDatabase = nil
            dbURL = databaseURL
            db = try PostgresConnection(url: databaseURL, applicationName: "lt-tests")
        } else {
            let created = try TestDatabase(migrated: true, devTables: true)
            testDatabase = created
            dbURL = created.url
            db = try created.connect()
        }

        dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("lt-exec-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let keyFile = dir.appendingPathComponent("key.hex").path
        try TestWallet.privateKey.write(toFile: keyFile, atomically: true, encoding: .utf8)
        chmod(keyFile, 0o600)
        walletsFile = dir.appendingPathComponent("wallets.json").path
        let wallets = """
            {"wallets": {"main": {"key_file": "\(keyFile)", "signature_type": 0,
              "api_credentials": {"key": "\(TestWallet.apiKey)", "secret": "\(TestWallet.secret)",
                                  "passphrase": "\(TestWallet.passphrase)"}}}}
            """
        try wallets.write(toFile: walletsFile, atomically: true, encoding: .utf8)
        chmod(walletsFile, 0o600)
        let scenarioFile = dir.appendingPathComponent("scenario.json").path
        try scenario.write(toFile: scenarioFile, atomically: true, encoding: .utf8)

        exchange = Process()
        exchange.executableURL = URL(fileURLWithPath: try productPath("lt-paper-exchange"))
        exchange.arguments = ["--scenario", scenarioFile, "--port", "0"]
        let out = Pipe()
        exchange.standardOutput = out
        exchange.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try exchange.run()
        // The first stdout line names the URL.
        var line = Data()
        while true {
            let byte = out.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data("\n".utf8) { break }
            line.append(byte)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let r = text.range(of: "http://") else {
            exchange.terminate()
            throw HarnessUnavailable(description: "lt-paper-exchange did not print its URL: \(text)")
        }
        exchangeURL = String(text[r.lowerBound...]).trimmingCharacters(in: .whitespaces)
    }

    deinit {
        if exchange.isRunning {
            exchange.terminate()
            exchange.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: dir)
    }

    // MARK: Fixtures

    static func defaultScenario(yesAsks: String = #"[{"price":"0.50","size":"100"},{"price":"0.51","size":"250"}]"#)
        -> String
    {
        """
        {"description": "execute tests", "chain_id": 137, "clock": {},
         "markets": [
          {"condition_id": "\(Market.condition)", "question": "Will the test market resolve YES?",
           "slug": "test-market", "tick_size": "0.01", "min_order_size": "5", "neg_risk": false,
           "outcomes": [{"outcome": "Yes", "token_id": "\(Market.yes)"}, {"outcome": "No", "token_id": "\(Market.no)"}]},
          {"condition_id": "\(Market.closedCondition)", "question": "Closed", "closed": true,
           "outcomes": [{"outcome": "Yes", "token_id": "\(Market.closedYes)"},
                        {"outcome": "No", "token_id": "\(Market.closedNo)"}]}
         ],
         "books": [
          {"token_id": "\(Market.yes)", "bids": [{"price": "0.48", "size": "100"}], "asks": \(yesAsks)},
          {"token_id": "\(Market.no)", "bids": [{"price": "0.45", "size": "100"}], "asks": [{"price": "0.52", "size": "100"}]}
         ],
         "wallets": [
          {"address": "\(TestWallet.address)", "signature_type": 0,
           "credentials": {"api_key": "\(TestWallet.apiKey)", "secret": "\(TestWallet.secret)",
                           "passphrase": "\(TestWallet.passphrase)"},
           "collateral": "10000"}
         ],
         "leaders": [], "events": []}
        """
    }

    func addStrategy(
        _ id: String, wallet ftWallet: String = "ftw1", mode: StrategyMode = .live, capital: String = "1000",
        extra: [String: String] = [:]
    ) throws {
        var columns: [String: String] = [
            "strategy_id": "'\(id)'", "ft_wallet_id": "'\(ftWallet)'", "wallet": "'main'",
            "mode": "'\(mode.rawValue)'", "initial_capital": capital, "available_cash": capital,
        ]
        columns.merge(extra) { _, new in new }
        let keys = columns.keys.sorted()
        try db.runScript(
            "INSERT INTO lt_strategies (\(keys.joined(separator: ", "))) VALUES (\(keys.map { columns[$0]! }.joined(separator: ", ")))"
        )
    }

    /// Inserts an FT signal; fields given as SQL literals (NULL allowed).
    func addSignal(
        _ orderID: String, wallet: String = "ftw1", ageSeconds: Int = 5, side: String = "'BUY'",
        condition: String = "'\(Market.condition)'", label: String = "'Yes'", tokenID: String = "NULL",
        price: String = "0.50", size: String = "15", orderTime: String? = nil
    ) throws {
        try db.runScript(
            """
            INSERT INTO ft_orders (order_id, wallet_id, order_time, side, condition_id, token_label, token_id,
                                   entry_price, size, trader_wallet, market_title)
            VALUES ('\(orderID)', '\(wallet)', \(orderTime ?? "now() - interval '\(ageSeconds) seconds'"), \(side), \(condition),
                    \(label), \(tokenID), \(price), \(size), '0x1111111111111111111111111111111111111111', 'Test')
            """)
    }

    // MARK: Running lt

    func ltProcess(_ args: [String], live: Bool = true, env extra: [String: String] = [:]) throws -> (
        Process, Pipe, Pipe
    ) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try productPath("lt"))
        p.arguments = args
        var env = ProcessInfo.processInfo.environment
        env["DATABASE_URL"] = dbURL
        env["LT_CLOB_URL"] = exchangeURL
        env["LT_GAMMA_URL"] = exchangeURL
        env["LT_DATA_API_URL"] = exchangeURL
        env["LT_WALLETS_FILE"] = walletsFile
        env["LT_LIVE_TRADING"] = live ? "1" : "0"
        env["LT_LOG_FORMAT"] = "json"
        for (k, v) in extra { env[k] = v }
        p.environment = env
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        return (p, out, err)
    }

    @discardableResult
    func lt(_ args: [String], live: Bool = true, env: [String: String] = [:]) throws -> ProcessResult {
        let (p, out, err) = try ltProcess(args, live: live, env: env)
        try p.run()
        // Read both pipes to the end before waiting (a full pipe would block the child).
        let box = DataBox()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            box.data = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        let stderrData = box.data
        p.waitUntilExit()
        let r = ProcessResult(
            status: p.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
            stderr: String(decoding: stderrData, as: UTF8.self))
        allOutput += r.output
        return r
    }

    /// Polls `condition` every 20 ms until it holds or `seconds` pass; answers whether it held.
    func waitUntil(seconds: Double = 4, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(20_000)
        }
        return condition()
    }

    func execute(_ extra: [String] = [], live: Bool = true, env: [String: String] = [:]) throws -> ProcessResult {
        try lt(["execute"] + extra, live: live, env: env)
    }

    // MARK: Exchange control

    @discardableResult
    func control(_ method: HTTPMethod, _ path: String, _ body: String? = nil) throws -> String {
        let req: HTTPRequest =
            body.map { .json(method, exchangeURL + path, body: $0) }
            ?? HTTPRequest(
                method: method, url: exchangeURL + path)
        let r = try http.send(req)
        guard r.isSuccess else { throw HarnessUnavailable(description: "control \(path): HTTP \(r.status) \(r.text)") }
        return r.text
    }

    func fault(_ json: String) throws { try control(.post, "/_control/faults", json) }

    /// The exchange's order log: one entry per POST /order it received.
    func orderLog() throws -> [[String: Any]] {
        let text = try control(.get, "/_control/orders")
        return (try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]]) ?? []
    }

    /// Requests the exchange received outside `/_control`, per "METHOD /path".
    func requestCounts() throws -> [String: Int] {
        let text = try control(.get, "/_control/requests")
        return (try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Int]) ?? [:]
    }

    /// A new session for the harness's reads (after the server was restarted under it).
    func reconnect() throws {
        db = try PostgresConnection(url: dbURL, applicationName: "lt-tests")
    }

    // MARK: Database reads

    struct OrderRow {
        var signalKey: String
        var status: String
        var skipReason: String?
        var orderHash: String?
        var requestedUSD: Fixed6?
        var executedUSD: Fixed6
        var executedShares: Fixed6
        var isShadow: Bool
        var orderType: String?
        var traceID: String?
        var latency: Int64?
        var error: String?
    }

    func orders(strategy: String? = nil) throws -> [String: OrderRow] {
        let rows = try db.query(
            """
            SELECT signal_key, status, skip_reason, order_hash, requested_usd, executed_usd, executed_shares,
                   is_shadow, order_type, trace_id, execution_latency_ms, error
              FROM lt_orders WHERE strategy_id = COALESCE(\(strategy), strategy_id)
            """)
        var out: [String: OrderRow] = [:]
        for r in rows {
            let key: String = try r.decode("signal_key")
            out[key] = OrderRow(
                signalKey: key, status: try r.decode("status"), skipReason: try r.text("skip_reason"),
                orderHash: try r.text("order_hash"), requestedUSD: try r.decode("requested_usd", as: Fixed6?.self),
                executedUSD: try r.decode("executed_usd"), executedShares: try r.decode("executed_shares"),
                isShadow: try r.decode("is_shadow"), orderType: try r.text("order_type"),
                traceID: try r.text("trace_id"), latency: try r.decode("execution_latency_ms", as: Int64?.self),
                error: try r.text("error"))
        }
        return out
    }

    struct Cash: Equatable {
        var available: Fixed6
        var locked: Fixed6
        var cooldown: Fixed6
        var initial: Fixed6
        var realized: Fixed6
        var dailySpent: Fixed6
        var invariantHolds: Bool { available + locked + cooldown == initial + realized }
    }

    func cash(_ strategy: String) throws -> Cash {
        guard
            let r = try db.queryFirst(
                """
                SELECT available_cash, locked_capital, cooldown_capital, initial_capital, realized_pnl, daily_spent_usd
                  FROM lt_strategies WHERE strategy_id = \(strategy)
                """)
        else { throw HarnessUnavailable(description: "no strategy \(strategy)") }
        return Cash(
            available: try r.decode("available_cash"), locked: try r.decode("locked_capital"),
            cooldown: try r.decode("cooldown_capital"), initial: try r.decode("initial_capital"),
            realized: try r.decode("realized_pnl"), dailySpent: try r.decode("daily_spent_usd"))
    }

    /// Sum of requested USD still locked by non-final orders plus cost basis of fills. A PARTIAL
    /// order (partly filled, still resting) keeps its whole lock until it is done (SyncReconcile).
    func lockedByRows(_ strategy: String) throws -> Fixed6 {
        let r = try db.queryFirst(
            """
            SELECT COALESCE(SUM(CASE WHEN status IN ('INTENT','SUBMITTED','UNKNOWN','PARTIAL')
                                     THEN requested_usd + expected_fee_usd
                                     ELSE cost_basis_remaining END), 0)::numeric(20,6)::text AS s
              FROM lt_orders WHERE strategy_id = \(strategy)
            """)
        return try Fixed6(parsing: try r?.text("s") ?? "0")
    }
}

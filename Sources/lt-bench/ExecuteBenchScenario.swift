import Foundation
import LTCore
import LTPostgres

/// One execute-bench scenario: its seed SQL (set-based, so a million rows take seconds) and the
/// paper-exchange scenario that can fill every order. Market k (one per signal index) has condition
/// `0xbe…k` and tokens 9000000000 + 2k (Yes) / + 1 (No); history uses 1,000 other markets.
struct ExecuteBenchScenario {
    var strategies: Int
    var signals: Int
    var history: Int

    var name: String {
        "\(strategies) strategies × \(signals) signals, "
            + (history == 0 ? "no history" : "\(history.formatted()) history rows in ft_orders and lt_orders")
    }

    static let signalUSD = 10
    static let leader = "0x1111111111111111111111111111111111111111"

    // The same ids in SQL and in the scenario JSON.
    static func strategySQL(_ n: String) -> String { "'bench-s' || lpad((\(n))::text, 6, '0')" }
    static func walletSQL(_ n: String) -> String { "'bench-w' || lpad((\(n))::text, 6, '0')" }
    static func condition(_ k: Int) -> String { "0xbe" + String(repeating: "0", count: 62 - hex(k).count) + hex(k) }
    static func hex(_ k: Int) -> String { String(k, radix: 16) }
    static func yesToken(_ k: Int) -> String { String(9_000_000_000 + 2 * k) }
    static func noToken(_ k: Int) -> String { String(9_000_000_000 + 2 * k + 1) }
    static let firstStrategy = "bench-s000000"
    static let firstWallet = "bench-w000000"

    /// Live strategies with room for every signal (a day-long signal age: the big runs outlast 300 s).
    var strategiesSQL: String {
        """
        INSERT INTO lt_strategies (strategy_id, ft_wallet_id, wallet, mode, initial_capital, available_cash,
                                   max_signal_age_seconds, max_slippage_bps)
        SELECT \(Self.strategySQL("g")), \(Self.walletSQL("g")), 'main', 'live', 100000, 100000, 86400, 300
          FROM generate_series(0, \(strategies - 1)) g
        """
    }

    /// M new BUY signals per strategy's FT wallet, seconds old, signal j on market j.
    var newSignalsSQL: String {
        """
        INSERT INTO ft_orders (order_id, wallet_id, order_time, side, condition_id, token_label, token_id,
                               entry_price, size, trader_wallet, market_title, market_slug, outcome)
        SELECT 'bench-n-' || s || '-' || j, \(Self.walletSQL("s")),
               now() - interval '20 seconds' + j * interval '1 millisecond', 'BUY',
               '0xbe' || lpad(to_hex(j), 62, '0'), 'Yes', (9000000000 + 2 * j)::text,
               0.50, \(Self.signalUSD), '\(Self.leader)', 'Bench market ' || j, 'bench-market-' || j, 'OPEN'
          FROM generate_series(0, \(strategies - 1)) s, generate_series(0, \(signals - 1)) j
        """
    }

    /// Old signals (2 hours to ~12 days back, outside the job's lookback), spread over the wallets.
    var historyFTOrdersSQL: String {
        """
        INSERT INTO ft_orders (order_id, wallet_id, order_time, side, condition_id, token_label, token_id,
                               entry_price, size, trader_wallet, market_title, market_slug, outcome, pnl)
        SELECT 'bench-h-' || g, \(Self.walletSQL("g % \(strategies)")),
               now() - interval '2 hours' - g * interval '1 second', 'BUY',
               '0xde' || lpad(to_hex(g % 1000), 62, '0'), 'Yes', (8000000000 + 2 * (g % 1000))::text,
               0.50, \(Self.signalUSD), '\(Self.leader)', 'Old market', 'old-market', 'CLOSED', 0
          FROM generate_series(1, \(history)) g
        """
    }

    /// lt's decisions on those signals: one row per (strategy, old signal), finished (filled and
    /// resolved, or skipped), as months of trading leave them.
    var historyLTOrdersSQL: String {
        """
        INSERT INTO lt_orders (strategy_id, signal_key, ft_order_id, ft_wallet_id, trader_wallet, signal_price,
                               signal_size_usd, signal_time, condition_id, token_id, token_label, side, order_type,
                               limit_price, requested_usd, requested_shares, order_hash, status, skip_reason,
                               executed_price, executed_usd, executed_shares, outcome, pnl, redemption_status,
                               run_id, created_at, submitted_at, filled_at, resolved_at, updated_at)
        SELECT \(Self.strategySQL("g % \(strategies)")), 'bench-h-' || g, 'bench-h-' || g,
               \(Self.walletSQL("g % \(strategies)")), '\(Self.leader)', 0.50, \(Self.signalUSD), t,
               '0xde' || lpad(to_hex(g % 1000), 62, '0'), (8000000000 + 2 * (g % 1000))::text, 'Yes', 'BUY',
               CASE WHEN skipped THEN NULL ELSE 'FOK' END, CASE WHEN skipped THEN NULL ELSE 0.51 END,
               CASE WHEN skipped THEN NULL ELSE 10 END, CASE WHEN skipped THEN NULL ELSE 19.6 END,
               CASE WHEN skipped THEN NULL ELSE '0x' || lpad(to_hex(g), 64, '0') END,
               CASE WHEN skipped THEN 'SKIPPED' ELSE 'FILLED' END,
               CASE WHEN skipped THEN 'STALE_SIGNAL' END,
               CASE WHEN skipped THEN NULL ELSE 0.50 END, CASE WHEN skipped THEN 0 ELSE 10 END,
               CASE WHEN skipped THEN 0 ELSE 20 END,
               CASE WHEN skipped THEN NULL WHEN g % 2 = 0 THEN 'WON' ELSE 'LOST' END,
               CASE WHEN skipped THEN NULL WHEN g % 2 = 0 THEN 10 ELSE -10 END,
               CASE WHEN skipped THEN 'NONE' WHEN g % 2 = 0 THEN 'REDEEMED' ELSE 'LOSS_CONFIRMED' END,
               'bench-history', t, t, t, t + interval '1 hour', t + interval '1 hour'
          FROM (SELECT g, g % 5 = 0 AS skipped, now() - interval '2 hours' - g * interval '1 second' AS t
                  FROM generate_series(1, \(history)) g) h
        """
    }

    /// Markets, deep books and a wallet that can pay for every order of the run.
    func exchangeScenario(wallet: BenchWallet) -> String {
        let askSize = strategies * 100 + 10_000
        let collateral = strategies * signals * Self.signalUSD * 2 + 1_000
        var markets: [String] = []
        var books: [String] = []
        for k in 0..<signals {
            markets.append(
                """
                {"condition_id": "\(Self.condition(k))", "question": "Bench market \(k)?", "slug": "bench-market-\(k)",
                 "tick_size": "0.01", "min_order_size": "5", "neg_risk": false, "end_date": "2027-12-31T00:00:00Z",
                 "outcomes": [{"outcome": "Yes", "token_id": "\(Self.yesToken(k))"},
                              {"outcome": "No", "token_id": "\(Self.noToken(k))"}]}
                """)
            books.append(
                """
                {"token_id": "\(Self.yesToken(k))", "bids": [{"price": "0.48", "size": "1000"}],
                 "asks": [{"price": "0.50", "size": "\(askSize)"}], "last_trade_price": "0.49"}
                """)
            books.append(
                """
                {"token_id": "\(Self.noToken(k))", "bids": [{"price": "0.49", "size": "1000"}],
                 "asks": [{"price": "0.52", "size": "1000"}]}
                """)
        }
        return """
            {"description": "lt-bench execute: \(name)", "chain_id": 137, "clock": {},
             "markets": [\(markets.joined(separator: ",\n"))],
             "books": [\(books.joined(separator: ",\n"))],
             "wallets": [{"address": "\(wallet.address)", "signature_type": 0,
                          "credentials": {"api_key": "\(wallet.apiKey)", "secret": "\(wallet.secret)",
                                          "passphrase": "\(wallet.passphrase)"},
                          "collateral": "\(collateral)"}],
             "leaders": [], "events": []}
            """
    }
}

/// EXPLAIN ANALYZE of the job's own new-signal query (ExecuteStore.newSignalsSQL), for one strategy.
enum ExplainCheck {
    struct Plan {
        var lines: [String]
        var indexes: [String]
        var seqScans: [String]
        var executionMs: String?

        var smallTables: Bool

        /// On a few hundred rows a sequential scan is the right plan; with history it must not be.
        var verdict: String {
            let history = seqScans.filter { $0 == "ft_orders" || $0 == "lt_orders" }
            if history.isEmpty { return "index scans only" }
            return (smallTables ? "seq scan (small tables) on " : "SEQ SCAN on ") + history.joined(separator: ", ")
        }
    }

    static func newSignals(db: PostgresConnection, scenario: ExecuteBenchScenario) throws -> Plan {
        let sql = ExecuteStore.newSignalsSQL(
            walletID: ExecuteBenchScenario.firstWallet, strategyID: ExecuteBenchScenario.firstStrategy,
            since: Date().addingTimeInterval(-3600), limit: 500)
        let lines = try db.query(SQL(unsafeRaw: "EXPLAIN (ANALYZE, COSTS OFF) ") + sql)
            .compactMap { try? $0.text("QUERY PLAN") }
        func captures(_ pattern: String) -> [String] {
            guard let re = try? NSRegularExpression(pattern: pattern) else { return [] }
            return lines.flatMap { line in
                re.matches(in: line, range: NSRange(line.startIndex..., in: line)).compactMap {
                    Range($0.range(at: 1), in: line).map { String(line[$0]) }
                }
            }
        }
        return Plan(
            lines: lines, indexes: Array(Set(captures(#"Index (?:Only )?Scan using (\S+)"#))).sorted(),
            seqScans: Array(Set(captures(#"Seq Scan on (\S+)"#))).sorted(),
            executionMs: captures(#"Execution Time: ([0-9.]+) ms"#).first, smallTables: scenario.history < 10_000)
    }
}

/// What one scenario measured, and the printed table.
struct ExecuteBenchResult {
    var scenario: ExecuteBenchScenario
    var seedMs = 0.0
    var signalSeedMs = 0.0
    var wallMs = 0.0
    var exitStatus: Int32 = 0
    var summary: [String: Any] = [:]
    var emptyBeforeMs = 0.0
    var emptyAfterMs = 0.0
    var plan: ExplainCheck.Plan?
    var tableReads: TableReads?

    var orders: Int { scenario.strategies * scenario.signals }
    var result: [String: Any] { summary["result"] as? [String: Any] ?? [:] }
    var timings: [String: Any] { result["timings"] as? [String: Any] ?? [:] }
    func count(_ key: String) -> Int { (result[key] as? NSNumber)?.intValue ?? 0 }
    /// A timing total in ms, nil when the binary did not report it.
    func timingMs(_ key: String) -> Double? { (timings[key + "_us"] as? NSNumber).map { $0.doubleValue / 1000 } }

    func printDetails() {
        let seeded = scenario.history > 0 ? " + \(scenario.history.formatted()) ft_orders + lt_orders rows" : ""
        print("seeded strategies\(seeded) in \(Int(seedMs)) ms; \(orders) new signals in \(Int(signalSeedMs)) ms")
        print("lt execute: \(Int(wallMs)) ms wall, exit \(exitStatus), status \((summary["status"] as? String) ?? "?")")
        print(
            "  signals seen \(count("signals_seen")), placed \(count("placed")), filled \(count("filled")), "
                + "rejected \(count("rejected")), failed \(count("failed")), unknown \(count("unknown")), "
                + "skipped \(count("skipped")) \(result["skipped_by_reason"].map { "\($0)" } ?? ""), "
                + "deferred \(count("deferred"))")
        if count("filled") != orders {
            print("  NOTE: \(orders) orders expected filled, \(count("filled")) were: see the kept log (--keep)")
        }
        if let db = timingMs("db"), let http = timingMs("http"), let sign = timingMs("signing") {
            let calls = { (k: String) in (timings[k + "_calls"] as? NSNumber)?.intValue ?? 0 }
            print(
                String(
                    format: "  database %.0f ms (%d calls), HTTP %.0f ms (%d calls), signing %.0f ms (%d), "
                        + "rest %.0f ms (process, connection, locks outside the ports, policies, logging)",
                    db, calls("db"), http, calls("http"), sign, calls("signing"), wallMs - db - http - sign))
        } else {
            print("  (no `timings` in the summary: this lt binary does not report the db/HTTP/signing split)")
        }
        print(
            String(
                format: "empty run (no new signals): %.1f ms before the signals, %.1f ms after the run",
                emptyBeforeMs, emptyAfterMs))
        if let tableReads { print(tableReads.text) }
        if let plan {
            print(
                "new-signal query plan (strategy \(ExecuteBenchScenario.firstStrategy)): \(plan.verdict), "
                    + "indexes \(plan.indexes.joined(separator: ", ")), execution \(plan.executionMs ?? "?") ms")
            for line in plan.lines where !line.contains("Planning") && !line.contains("Execution") {
                print("    " + line)
            }
        }
    }

    static func printTable(_ results: [ExecuteBenchResult], emptyRuns: Int, floorMs: Double) {
        let header = [
            "scenario", "N × M", "wall ms", "ms/signal", "db ms", "http ms", "sign ms", "rest ms", "filled",
            "empty ms", "empty after ms", "new-signal plan",
        ]
        var rows: [[String]] = []
        for r in results {
            func f(_ x: Double?) -> String { x.map { String(format: "%.0f", $0) } ?? "-" }
            let db = r.timingMs("db")
            let http = r.timingMs("http")
            let sign = r.timingMs("signing")
            let rest = db.flatMap { d in http.flatMap { h in sign.map { r.wallMs - d - h - $0 } } }
            rows.append([
                r.scenario.history == 0 ? "no history" : "\(r.scenario.history.formatted()) history",
                "\(r.scenario.strategies) × \(r.scenario.signals)", f(r.wallMs),
                String(format: "%.2f", r.wallMs / Double(max(r.orders, 1))), f(db), f(http), f(sign), f(rest),
                "\(r.count("filled"))/\(r.orders)", String(format: "%.1f", r.emptyBeforeMs),
                String(format: "%.1f", r.emptyAfterMs), r.plan?.verdict ?? "-",
            ])
        }
        let widths = header.indices.map { i in ([header[i]] + rows.map { $0[i] }).map(\.count).max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in
                i < 2 || i == cells.count - 1
                    ? c.padding(toLength: widths[i], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[i] - c.count) + c
            }.joined(separator: "  ")
        }
        print(line(header))
        print(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        for r in rows { print(line(r)) }
        print(
            String(
                format: """
                    empty ms: median of %d `lt execute` runs with no new signal, process start to exit \
                    (`lt --version` alone: %.1f ms); "after": the window then holds the run's decided signals.
                    """, emptyRuns, floorMs))
    }
}

/// Rows the run read from ft_orders and lt_orders, per access path (Postgres' statistics, reset just
/// before the run; the `lt` process flushes its counters when it exits). Catches every query of the
/// job, not just the one explained: a query whose cost grows with history shows up as an index or
/// sequential scan reading far more rows than the run has signals.
struct TableReads {
    var lines: [String]

    static func since(reset db: PostgresConnection) throws -> TableReads {
        try db.runScript("SELECT pg_stat_clear_snapshot()")
        let tables = try db.query(
            """
            SELECT relname, seq_scan, seq_tup_read, idx_scan, idx_tup_fetch FROM pg_stat_user_tables
             WHERE relname IN ('ft_orders', 'lt_orders') ORDER BY relname
            """)
        var lines: [String] = []
        for r in tables {
            let cells = ["relname", "seq_scan", "seq_tup_read", "idx_scan", "idx_tup_fetch"].map {
                ((try? r.text($0)) ?? nil) ?? "0"
            }
            lines.append(
                "\(cells[0]): \(cells[1]) seq scans reading \(cells[2]) rows, \(cells[3]) index scans fetching \(cells[4])"
            )
        }
        let indexes = try db.query(
            """
            SELECT indexrelname, idx_scan, idx_tup_read FROM pg_stat_user_indexes
             WHERE relname IN ('ft_orders', 'lt_orders') AND idx_scan > 0 ORDER BY idx_tup_read DESC
            """)
        for r in indexes {
            let cells = ["indexrelname", "idx_scan", "idx_tup_read"].map { ((try? r.text($0)) ?? nil) ?? "0" }
            lines.append("  \(cells[0]): \(cells[1]) scans, \(cells[2]) index entries read")
        }
        return TableReads(lines: lines)
    }

    var text: String { (["rows read during the run (pg_stat_user_tables/indexes):"] + lines).joined(separator: "\n") }
}

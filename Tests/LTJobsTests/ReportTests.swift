import Foundation
import LTCore
import LTPostgres
import Testing

/// `lt report` (issue 14 §4) against a hand-computed fixture in a real Postgres, run as the real
/// binary: exact figures, the JSON shape, the CSV header and rows, forced rows left out (also of
/// `lt status`' LT-vs-FT gap), and usage errors.
@Suite("lt report")
struct ReportTests {
    static let window = ["--since", "2026-11-24T00:00:00Z", "--until", "2026-11-25T00:00:00Z"]

    /// s1 copies leaders 0xA and 0xB; s2 has nothing. The figures each row contributes are in
    /// `figures()`'s comments.
    static func populate(_ db: PostgresConnection) throws {
        try db.runScript(
            """
            INSERT INTO lt_strategies (strategy_id, ft_wallet_id, wallet, initial_capital, available_cash)
            VALUES ('s1', 'w1', 'main', 1000, 1000), ('s2', 'w2', 'main', 500, 500);
            INSERT INTO ft_orders (order_id, wallet_id, order_time, side, outcome, pnl) VALUES
              ('ft-1', 'w1', '2026-11-24 09:59:00+00', 'BUY', 'WON', 20),
              ('ft-2', 'w1', '2026-11-24 10:59:00+00', 'BUY', 'LOST', -5),
              ('ft-8', 'w1', '2026-11-23 09:59:00+00', 'BUY', 'LOST', -2.5);
            INSERT INTO lt_orders (strategy_id, signal_key, ft_order_id, trader_wallet, side, status, skip_reason,
              signal_price, signal_size_usd, requested_usd, executed_price, executed_usd, executed_shares, fees_usd,
              execution_latency_ms, outcome, payout_per_share, pnl, redemption_status, created_at, resolved_at,
              filled_at, forced)
            VALUES
              ('s1', 'ft-1', 'ft-1', '0xA', 'BUY', 'FILLED', NULL, 0.50, 20, 10, 0.52, 10, 19.230769, 0.1, 800,
               'WON', 1, 9.130769, 'PENDING', '2026-11-24 10:00+00', '2026-11-24 20:00+00', '2026-11-24 10:00+00',
               false),
              ('s1', 'ft-2', 'ft-2', '0xA', 'BUY', 'SKIPPED', 'STALE_SIGNAL', 0.4, 10, NULL, NULL, 0, 0, 0, NULL,
               NULL, NULL, NULL, 'NONE', '2026-11-24 11:00+00', NULL, NULL, false),
              ('s1', 'ft-3', 'ft-3', '0xA', 'BUY', 'UNFILLED', NULL, 0.6, 10, 5, NULL, 0, 0, 0, 400,
               NULL, NULL, NULL, 'NONE', '2026-11-24 12:00+00', NULL, NULL, false),
              ('s1', 'ft-4', 'ft-4', '0xB', 'BUY', 'FILLED', NULL, 0.40, 40, 20, 0.39, 15, 38.461538, 0.2, 1200,
               'OPEN', NULL, NULL, 'NONE', '2026-11-24 13:00+00', NULL, '2026-11-24 13:00+00', false),
              ('s1', 'ft-5', 'ft-5', '0xB', 'BUY', 'SUBMITTED', NULL, 0.5, 8, 8, NULL, 0, 0, 0, 300,
               NULL, NULL, NULL, 'NONE', '2026-11-24 14:00+00', NULL, NULL, false),
              ('s1', 'exit:c:Yes:0xB:0', NULL, '0xB', 'SELL', 'FILLED', NULL, NULL, NULL, NULL, 0.45, 4.5, 10, 0.05,
               NULL, NULL, NULL, 0.3, 'NONE', '2026-11-24 15:00+00', NULL, '2026-11-24 15:00+00', false),
              ('s1', 'force:t1', NULL, NULL, 'BUY', 'FILLED', NULL, 0.5, NULL, 5, 0.5, 5, 10, 0.05, 100,
               'LOST', 0, -5.05, 'LOSS_CONFIRMED', '2026-11-24 16:00+00', '2026-11-24 17:00+00',
               '2026-11-24 16:00+00', true),
              ('s1', 'ft-8', 'ft-8', '0xA', 'BUY', 'FILLED', NULL, 0.5, 3, 3, 0.5, 3, 6, 0, 500,
               'LOST', 0, -3, 'LOSS_CONFIRMED', '2026-11-23 10:00+00', '2026-11-24 05:00+00', '2026-11-23 10:00+00',
               false),
              ('s1', 'ft-9', 'ft-9', '0xA', 'BUY', 'SKIPPED', 'PRICE_MOVED', 0.5, 3, NULL, NULL, 0, 0, 0, NULL,
               NULL, NULL, NULL, 'NONE', '2026-11-25 01:00+00', NULL, NULL, false);
            INSERT INTO lt_cooldown_queue (strategy_id, amount, available_at, lt_order_id)
              SELECT 's1', 19.230769, '2026-11-24 23:00+00', lt_order_id FROM lt_orders WHERE signal_key = 'ft-1';
            """)
    }

    static func fx(_ s: String) -> String { (try! Fixed6(parsing: s)).exactText }

    @Test("figures per strategy and leader equal the hand-computed ones; forced rows left out")
    func figures() throws {
        let t = try TestDatabase()
        try Self.populate(try t.connect())
        let r = try LTProcess.run(["report", "--format", "json"] + Self.window, environment: ["DATABASE_URL": t.url])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        let obj = try jsonObject(r.stdout)
        #expect(obj["status"] as? String == "ok" && obj["job"] as? String == "report")
        let result = try #require(obj["result"] as? [String: Any])
        let window = try #require(result["window"] as? [String: Any])
        #expect(window["since"] as? String == "2026-11-24T00:00:00.000000Z")
        #expect(window["until"] as? String == "2026-11-25T00:00:00.000000Z")
        let strategies = try #require(result["strategies"] as? [[String: Any]])
        #expect(strategies.map { $0["strategy_id"] as? String } == ["s1", "s2"])
        let s1 = strategies[0]
        #expect(s1["forced_orders"] as? Int == 1)
        let f = try #require(s1["figures"] as? [String: Any])
        // Decisions in the window: ft-1..ft-5 (BUY) and the exit; ft-8 (before) and ft-9 (after) not,
        // force:t1 never.
        #expect(f["signals_seen"] as? Int == 5)
        #expect(f["copied"] as? Int == 4)
        #expect(f["skipped"] as? Int == 1)
        #expect(f["skipped_by_reason"] as? [String: Int] == ["STALE_SIGNAL": 1])
        #expect(f["filled"] as? Int == 2)
        #expect(f["pending"] as? Int == 1)
        #expect(f["copy_rate_pct"] as? String == "80")
        #expect(f["fill_rate_pct"] as? String == "71.43")  // (10 + 0 + 15) / (10 + 5 + 20)
        let slip = try #require(f["slippage_bps"] as? [String: Any])
        #expect(slip["count"] as? Int == 2 && slip["p50"] as? String == "-250" && slip["p95"] as? String == "400")
        let lat = try #require(f["latency_ms"] as? [String: Any])
        #expect(lat["count"] as? Int == 4)
        #expect(lat["p50"] as? Int == 400 && lat["p95"] as? Int == 1200 && lat["p99"] as? Int == 1200)
        #expect(f["exits"] as? Int == 1 && f["exits_filled"] as? Int == 1)
        #expect(f["fees_usd"] as? String == "0.35")
        // ft-1 resolved 9.130769 + the exit 0.3 + ft-8 resolved in the window -3; force:t1 (-5.05) not.
        #expect(f["realized_pnl"] as? String == "6.430769")
        let g = try #require(f["ft_comparison"] as? [String: Any])
        // ft-1: lt 9.130769 vs ft 20 (sizing -10, slippage (19.230769 - 20) x 1, fees -0.1);
        // ft-2 skipped: FT lost 5; ft-8: lt -3 vs ft -2.5 (unexplained -0.5).
        #expect(g["compared_rows"] as? Int == 3)
        #expect(g["ft_unresolved_rows"] as? Int == 0)
        #expect(g["lt_pn_l"] as? String == "6.130769")
        #expect(g["ft_pn_l"] as? String == "12.5")
        #expect(g["gap"] as? String == "-6.369231")
        #expect(g["fees"] as? String == "-0.1")
        #expect(g["entry_slippage"] as? String == "-0.769231")
        #expect(g["sizing"] as? String == "-10")
        #expect(g["partial_fill"] as? String == "0")
        #expect(g["skipped"] as? String == "5")
        #expect(g["unexplained"] as? String == "-0.5")
        let backlog = try #require(f["redemption_backlog"] as? [String: Any])
        #expect(backlog["rows"] as? Int == 1 && backlog["payout_usd"] as? String == "19.230769")
        #expect(backlog["oldest_resolved_at"] as? String == "2026-11-24T20:00:00.000000Z")

        let leaders = try #require(s1["leaders"] as? [[String: Any]])
        #expect(leaders.map { $0["leader"] as? String } == ["0xA", "0xB"])
        let a = try #require(leaders[0]["figures"] as? [String: Any])
        #expect(a["signals_seen"] as? Int == 3 && a["copied"] as? Int == 2 && a["pending"] as? Int == 0)
        #expect(a["fill_rate_pct"] as? String == "66.67")
        #expect((a["latency_ms"] as? [String: Any])?["p50"] as? Int == 400)
        #expect((a["latency_ms"] as? [String: Any])?["p95"] as? Int == 800)
        #expect(a["fees_usd"] as? String == "0.1")
        #expect((a["ft_comparison"] as? [String: Any])?["gap"] as? String == "-6.369231")
        let b = try #require(leaders[1]["figures"] as? [String: Any])
        #expect(b["signals_seen"] as? Int == 2 && b["copied"] as? Int == 2 && b["pending"] as? Int == 1)
        #expect(b["fill_rate_pct"] as? String == "75")
        #expect((b["slippage_bps"] as? [String: Any])?["p50"] as? String == "-250")
        #expect((b["latency_ms"] as? [String: Any])?["p50"] as? Int == 300)
        #expect(b["fees_usd"] as? String == "0.25")
        #expect(b["exits"] as? Int == 1)

        let s2 = try #require(strategies[1]["figures"] as? [String: Any])
        #expect(s2["signals_seen"] as? Int == 0 && s2["fill_rate_pct"] == nil)
        #expect((strategies[1]["leaders"] as? [Any])?.isEmpty == true)

        // lt status compares the same rows over all history: the forced LOST row is not an
        // "unresolved by FT" row, and the gap is the same three rows.
        let status = try LTProcess.run(["status", "--format", "json"], environment: ["DATABASE_URL": t.url])
        let st = try #require(try jsonObject(status.stdout)["result"] as? [String: Any])
        let sg = try #require(((st["strategies"] as? [[String: Any]])?.first)?["ft_comparison"] as? [String: Any])
        #expect(sg["compared_rows"] as? Int == 3 && sg["ft_unresolved_rows"] as? Int == 0)
        #expect(sg["gap"] as? String == "-6.369231")
    }

    @Test("CSV: the header, then one line per strategy and per leader; text: a table")
    func csvAndText() throws {
        let t = try TestDatabase()
        try Self.populate(try t.connect())
        let env = ["DATABASE_URL": t.url]
        let csv = try LTProcess.run(["report", "--format", "csv"] + Self.window, environment: env)
        #expect(csv.status == 0, "\(csv.stderr)")
        let lines = csv.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == Report.Summary.csvHeader.joined(separator: ","))
        #expect(lines.count == 5)
        let header = Report.Summary.csvHeader
        let rows = lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(rows.allSatisfy { $0.count == header.count })
        func field(_ row: [String], _ name: String) -> String { row[header.firstIndex(of: name)!] }
        #expect(
            rows.map { "\(field($0, "scope")):\(field($0, "strategy_id")):\(field($0, "leader"))" } == [
                "strategy:s1:", "leader:s1:0xA", "leader:s1:0xB", "strategy:s2:",
            ])
        let s1 = rows[0]
        #expect(field(s1, "signals_seen") == "5" && field(s1, "fill_rate_pct") == "71.43")
        #expect(field(s1, "slippage_bps_p50") == "-250" && field(s1, "latency_ms_p99") == "1200")
        #expect(field(s1, "realized_pnl_usd") == "6.430769" && field(s1, "gap_usd") == "-6.369231")
        #expect(field(s1, "skipped_by_reason") == "STALE_SIGNAL 1" && field(s1, "forced_orders") == "1")
        #expect(field(s1, "redemption_backlog_usd") == "19.230769")
        #expect(field(rows[3], "fill_rate_pct") == "" && field(rows[3], "signals_seen") == "0")

        let text = try LTProcess.run(["report"] + Self.window, environment: env)
        #expect(text.status == 0)
        let tl = text.stdout.split(separator: "\n").map(String.init)
        #expect(tl.contains { $0.hasPrefix("STRATEGY / LEADER") })
        let row = try #require(tl.first { $0.hasPrefix("s1 ") })
        #expect(row.contains("71.43") && row.contains("-250.00/400.00") && row.contains("400/1200/1200"))
        #expect(tl.contains { $0.hasPrefix("  0xA ") } && tl.contains { $0.hasPrefix("  0xB ") })
        #expect(text.stdout.contains("s1 LT vs FT: lt 6.13 ft 12.50 gap -6.37"))
        #expect(text.stdout.contains("s1: 1 forced orders (lt force) left out of these figures"))
    }

    @Test("--window, --strategy; bad windows are usage errors (64)")
    func windowsAndUsage() throws {
        let t = try TestDatabase()
        try Self.populate(try t.connect())
        let env = ["DATABASE_URL": t.url]
        // 7 days ending 2026-11-25: ft-8 (created 11-23) is a decision of this window too.
        let week = try LTProcess.run(
            ["report", "--format", "json", "--until", "2026-11-25T00:00:00Z", "--window", "7d", "--strategy", "s1"],
            environment: env)
        #expect(week.status == 0, "\(week.stderr)")
        let result = try #require(try jsonObject(week.stdout)["result"] as? [String: Any])
        let strategies = try #require(result["strategies"] as? [[String: Any]])
        #expect(strategies.count == 1)
        #expect((strategies[0]["figures"] as? [String: Any])?["signals_seen"] as? Int == 6)
        for bad in [
            ["--window", "7w"], ["--since", "yesterday"], Self.window + ["--window", "1d"],
            ["--since", "2026-11-25T00:00:00Z", "--until", "2026-11-24T00:00:00Z"], ["--format", "xml"],
        ] {
            let r = try LTProcess.run(["report"] + bad, environment: env)
            #expect(r.status == 64, "\(bad): \(r.stdout)\(r.stderr)")
        }
    }
}

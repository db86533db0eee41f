import Foundation
import LTCore
import LTPostgres
import Testing

@Suite("lt status")
struct StatusTests {
    @Test("empty database: text says so, JSON has no strategies, exit 0")
    func empty() throws {
        let t = try TestDatabase()
        let text = try LTProcess.run(["status"], environment: ["DATABASE_URL": t.url])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("no strategies"))
        let json = try LTProcess.run(["status", "--format", "json"], environment: ["DATABASE_URL": t.url])
        #expect(json.status == 0)
        let obj = try jsonObject(json.stdout)
        #expect(obj["status"] as? String == "ok")
        let result = try #require(obj["result"] as? [String: Any])
        #expect((result["strategies"] as? [Any])?.isEmpty == true)
        #expect((result["issues"] as? [Any])?.isEmpty == true)
    }

    /// Two strategies; s1 has an open position, orders today and yesterday, and a cooldown row.
    static func populate(_ db: PostgresConnection) throws {
        try db.runScript(
            """
            INSERT INTO lt_strategies (strategy_id, ft_wallet_id, wallet, mode, trading_state, initial_capital,
              available_cash, locked_capital, cooldown_capital, realized_pnl, daily_spent_usd,
              circuit_breaker_active, circuit_breaker_reason)
            VALUES ('s1', 'w1', 'main', 'live', 'ACTIVE', 1000, 900.5, 80, 25, 5.5, 80, false, NULL),
                   ('s2', 'w2', 'main', 'shadow', 'HALTED', 500, 500, 0, 0, 0, 0, true, 'DRAWDOWN: 30% >= 20%');
            INSERT INTO lt_orders (strategy_id, signal_key, side, status, outcome, shares_remaining, executed_shares,
              created_at)
            VALUES ('s1', 'ft-1', 'BUY', 'FILLED', 'OPEN', 100, 100, '2026-11-24 10:00:00+00'),
                   ('s1', 'ft-2', 'BUY', 'FILLED', 'OPEN', 50, 50, '2026-11-24 11:00:00+00'),
                   ('s1', 'ft-3', 'BUY', 'SUBMITTED', NULL, 0, 0, '2026-11-24 12:00:00+00'),
                   ('s1', 'ft-0', 'BUY', 'FILLED', 'WON', 0, 10, '2026-11-23 23:59:59+00');
            INSERT INTO lt_orders (strategy_id, signal_key, side, status, skip_reason, created_at)
            VALUES ('s1', 'ft-4', 'BUY', 'SKIPPED', 'stale signal', '2026-11-24 13:00:00+00');
            INSERT INTO lt_cooldown_queue (strategy_id, amount, available_at)
            VALUES ('s1', 25, '2026-11-24 15:00:00+00'), ('s1', 9, '2026-11-24 01:00:00+00');
            UPDATE lt_cooldown_queue SET released_at = '2026-11-24 01:00:00+00' WHERE amount = 9;
            """)
    }

    @Test("populated database: every strategy with buckets, risk, open positions and today's orders")
    func populated() throws {
        let t = try TestDatabase()
        let db = try t.connect()
        try Self.populate(db)
        let env = ["DATABASE_URL": t.url]
        let now = "2026-11-24T14:00:00Z"

        let json = try LTProcess.run(["status", "--format", "json", "--now", now], environment: env)
        #expect(json.status == 0, "\(json.stderr)")
        let result = try #require(try jsonObject(json.stdout)["result"] as? [String: Any])
        let strategies = try #require(result["strategies"] as? [[String: Any]])
        #expect(strategies.map { $0["strategy_id"] as? String } == ["s1", "s2"])
        let s1 = strategies[0]
        #expect(s1["mode"] as? String == "live")
        #expect(s1["available_cash"] as? String == "900.5")
        #expect(s1["locked_capital"] as? String == "80")
        #expect(s1["cooldown_capital"] as? String == "25")
        #expect(s1["open_positions"] as? Int == 2)
        #expect(s1["orders_today"] as? [String: Int] == ["FILLED": 2, "SUBMITTED": 1, "SKIPPED": 1])
        let s2 = strategies[1]
        #expect(s2["trading_state"] as? String == "HALTED")
        #expect(s2["circuit_breaker_active"] as? Bool == true)
        #expect((result["issues"] as? [Any])?.isEmpty == true)

        let text = try LTProcess.run(["status", "--now", now], environment: env)
        #expect(text.status == 0)
        let lines = text.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("STRATEGY") == true)
        let row1 = try #require(lines.first { $0.hasPrefix("s1 ") })
        #expect(row1.contains("live") && row1.contains("900.50") && row1.contains("FILLED 2, SKIPPED 1, SUBMITTED 1"))
        let row2 = try #require(lines.first { $0.hasPrefix("s2 ") })
        #expect(row2.contains("HALTED") && row2.contains("BREAKER DRAWDOWN"))
        #expect(text.stdout.contains("invariants: ok"))
    }

    @Test("a cooldown bucket that disagrees with the queue is reported and exits 1")
    func invariantOff() throws {
        let t = try TestDatabase()
        let db = try t.connect()
        try Self.populate(db)
        // Drop the unreleased queue row: cooldown_capital (25) no longer matches the queue (0).
        try db.execute("DELETE FROM lt_cooldown_queue WHERE released_at IS NULL")
        let r = try LTProcess.run(["status"], environment: ["DATABASE_URL": t.url])
        #expect(r.status == 1)
        #expect(
            r.stdout.contains("INVARIANT BROKEN: s1: cooldown_capital 25.000000 != unreleased cooldown queue 0.000000"))
        let j = try LTProcess.run(["status", "--format", "json"], environment: ["DATABASE_URL": t.url])
        let obj = try jsonObject(j.stdout)
        #expect(obj["status"] as? String == "failed")
        #expect(((obj["result"] as? [String: Any])?["issues"] as? [String])?.count == 1)
    }
}

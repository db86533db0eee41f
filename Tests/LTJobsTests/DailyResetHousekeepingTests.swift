import Foundation
import LTCore
import LTPostgres
import Testing

@Suite("housekeeping: overdue reset and matured cooldowns")
struct DailyResetHousekeepingTests {
    @Test("matured cooldown rows move to available cash once; unmatured ones stay; the invariant holds")
    func cooldownRelease() throws {
        let t = try TestDatabase()
        let db = try t.connect()
        try db.runScript(
            """
            INSERT INTO lt_strategies (strategy_id, ft_wallet_id, wallet, initial_capital, available_cash,
              cooldown_capital, realized_pnl, last_reset_date)
            VALUES ('s1', 'w', 'main', 100, 70, 35.5, 5.5, '2026-11-24');
            INSERT INTO lt_cooldown_queue (strategy_id, amount, available_at) VALUES
              ('s1', 10.25, '2026-11-24 09:00:00+00'), ('s1', 20.25, '2026-11-24 10:00:00+00'),
              ('s1', 5, '2026-11-24 13:00:00+00');
            """)
        let clock = try #require(FixedClock(iso8601: "2026-11-24T10:00:00Z"))
        let ctx = JobContext(job: "execute", runID: "test", database: db, clock: clock)
        let first = try Housekeeping.run(ctx, ledger: LedgerStore(database: db))
        #expect(first.cooldownsReleased.released == ["s1": try Fixed6(parsing: "30.5")])
        #expect(first.dailyReset.reset.isEmpty)
        let again = try Housekeeping.run(ctx, ledger: LedgerStore(database: db))
        #expect(again.cooldownsReleased.released.isEmpty)
        let row = try #require(try db.queryFirst("SELECT available_cash, cooldown_capital FROM lt_strategies"))
        #expect(try row.decode("available_cash", as: Fixed6.self) == (try Fixed6(parsing: "100.5")))
        #expect(try row.decode("cooldown_capital", as: Fixed6.self) == Fixed6(5))
        // The remaining bucket equals the unreleased queue: lt status sees no broken invariant.
        let status = try StatusReport.run(ctx, store: StatusStore(database: db))
        #expect(status.issues.isEmpty)
    }
}

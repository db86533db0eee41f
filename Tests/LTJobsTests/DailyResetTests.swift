import Foundation
import LTCore
import LTPostgres
import Testing

@Suite("daily-reset")
struct DailyResetTests {
    static let day = UTCDay(year: 2026, month: 11, day: 23)

    /// Three strategies reset on `day` with spent/loss counters and breakers set.
    static func seed(_ db: PostgresConnection) throws {
        for (id, reason) in [("a", "DAILY_LOSS: 60 >= 50"), ("b", "DRAWDOWN: 25% >= 20%"), ("c", nil)] {
            try db.execute(
                """
                INSERT INTO lt_strategies (strategy_id, ft_wallet_id, wallet, initial_capital, available_cash,
                  daily_spent_usd, daily_loss_usd, circuit_breaker_active, circuit_breaker_reason, last_reset_date)
                VALUES (\(id), 'w', 'main', \(Fixed6(100)), \(Fixed6(100)), \(Fixed6(40)), \(Fixed6(7)),
                  \(reason != nil), \(reason), \(day))
                """)
        }
    }

    static func state(_ db: PostgresConnection) throws -> [String] {
        try db.query(
            """
            SELECT strategy_id || ' ' || daily_spent_usd || ' ' || daily_loss_usd || ' ' || circuit_breaker_active
              || ' ' || coalesce(circuit_breaker_reason, '-') || ' ' || last_reset_date AS s
            FROM lt_strategies ORDER BY strategy_id
            """
        ) { row throws(RowDecodingError) in try row.decode("s", as: String.self) }
    }

    func context(_ db: PostgresConnection, _ instant: String) throws -> JobContext {
        let clock = try #require(FixedClock(iso8601: instant))
        return JobContext(job: "daily-reset", runID: "test", database: db, clock: clock)
    }

    @Test("23:59:59Z changes nothing; 00:00:00Z resets once; a second run is a no-op")
    func boundary() throws {
        let t = try TestDatabase()
        let db = try t.connect()
        try Self.seed(db)
        let before = try Self.state(db)

        let late = try DailyReset.run(context(db, "2026-11-23T23:59:59.999999Z"), ledger: LedgerStore(database: db))
        #expect(late.reset.isEmpty && late.alreadyCurrent == 3)
        #expect(try Self.state(db) == before)

        let midnight = try DailyReset.run(context(db, "2026-11-24T00:00:00Z"), ledger: LedgerStore(database: db))
        #expect(midnight.day == UTCDay(year: 2026, month: 11, day: 24))
        #expect(midnight.reset == ["a", "b", "c"])
        #expect(midnight.breakersCleared == ["a"])
        let after = try Self.state(db)
        #expect(
            after == [
                "a 0.000000 0.000000 false - 2026-11-24",
                // The drawdown breaker stays until an operator resumes the strategy.
                "b 0.000000 0.000000 true DRAWDOWN: 25% >= 20% 2026-11-24",
                "c 0.000000 0.000000 false - 2026-11-24",
            ])

        let again = try DailyReset.run(context(db, "2026-11-24T00:00:01Z"), ledger: LedgerStore(database: db))
        #expect(again.reset.isEmpty && again.alreadyCurrent == 3)
        #expect(try Self.state(db) == after)
    }

    @Test("a strategy never reset (NULL date) is reset; counters spent later the same day survive a rerun")
    func neverReset() throws {
        let t = try TestDatabase()
        let db = try t.connect()
        try db.execute(
            """
            INSERT INTO lt_strategies (strategy_id, ft_wallet_id, wallet, initial_capital, available_cash, daily_spent_usd)
            VALUES ('n', 'w', 'main', 10, 10, 3)
            """)
        let first = try DailyReset.run(context(db, "2026-11-24T12:00:00Z"), ledger: LedgerStore(database: db))
        #expect(first.reset == ["n"])
        try db.execute("UPDATE lt_strategies SET daily_spent_usd = 5")
        _ = try DailyReset.run(context(db, "2026-11-24T18:00:00Z"), ledger: LedgerStore(database: db))
        let spent = try db.queryFirst("SELECT daily_spent_usd FROM lt_strategies")?.decode(
            "daily_spent_usd", as: Fixed6.self)
        #expect(spent == Fixed6(5))
    }

    @Test("two concurrent lt daily-reset processes: each strategy is reset exactly once, both exit 0")
    func concurrentProcesses() throws {
        let t = try TestDatabase()
        let db = try t.connect()
        try Self.seed(db)
        let env = ["DATABASE_URL": t.url, "LT_LOG_FORMAT": "json"]
        let args = ["daily-reset", "--now", "2026-11-24T00:00:00Z", "--format", "json"]
        let p1 = try LTProcess(args, environment: env)
        let p2 = try LTProcess(args, environment: env)
        let results = [p1.wait(), p2.wait()]
        var resetIDs: [String] = []
        for r in results {
            #expect(r.status == 0, "stderr: \(r.stderr)")
            let summary = try jsonObject(r.stdout)
            let result = try #require(summary["result"] as? [String: Any])
            if summary["status"] as? String == "skipped" {
                #expect(r.stderr.contains("job lock held"))
            } else {
                resetIDs += result["reset"] as? [String] ?? []
            }
        }
        #expect(resetIDs.sorted() == ["a", "b", "c"])
        #expect(try Self.state(db).allSatisfy { $0.hasSuffix("2026-11-24") })
    }

    @Test("while another session holds the job lock, lt daily-reset names the holder, changes nothing, exits 0")
    func lockHeld() throws {
        let t = try TestDatabase()
        let db = try t.connect()
        try Self.seed(db)
        let holder = try t.connect(applicationName: "lt daily-reset other-run")
        #expect(try holder.tryJobLock("daily-reset") == .acquired)
        let before = try Self.state(db)
        let r = try LTProcess.run(
            ["daily-reset", "--now", "2026-11-24T00:00:00Z", "--format", "json"],
            environment: ["DATABASE_URL": t.url, "LT_LOG_FORMAT": "json"])
        #expect(r.status == 0)
        let summary = try jsonObject(r.stdout)
        #expect(summary["status"] as? String == "skipped")
        #expect(r.stderr.contains("\"holder_pid\":\(holder.backendPID)"))
        #expect(r.stderr.contains("other-run"))
        #expect(try Self.state(db) == before)
        // Once released, the next run does the work.
        try holder.releaseJobLock("daily-reset")
        let r2 = try LTProcess.run(
            ["daily-reset", "--now", "2026-11-24T00:00:00Z"], environment: ["DATABASE_URL": t.url])
        #expect(r2.status == 0)
        #expect(r2.stdout.contains("3 reset"))
    }
}

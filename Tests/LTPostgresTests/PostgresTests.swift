import Foundation
import LTCore
import LTPostgres
import Testing

@Suite("Postgres layer against a real server")
struct PostgresTests {
    @Test("Fixed6 survives a NUMERIC(20,6) round-trip at the edges")
    func numericRoundTrip() throws {
        let t = try TestDatabase(migrated: false, devTables: false)
        let db = try t.connect()
        try db.runScript("CREATE TABLE money (id int PRIMARY KEY, v NUMERIC(20,6) NOT NULL)")
        let values: [Fixed6] = [
            .zero, Fixed6(micros: 1), Fixed6(micros: -1), try Fixed6(parsing: "0.5"),
            try Fixed6(parsing: "-123.456789"), try Fixed6(parsing: "99999999.999999"),
            .max, .min,
        ]
        for (i, v) in values.enumerated() {
            try db.execute("INSERT INTO money (id, v) VALUES (\(i), \(v))")
        }
        let back = try db.query("SELECT v FROM money ORDER BY id") { row throws(RowDecodingError) in
            try row.decode("v", as: Fixed6.self)
        }
        #expect(back == values)
        // Postgres stores exactly what was sent: its own text equals exactText.
        let texts = try db.query("SELECT v::text AS t FROM money ORDER BY id") { row throws(RowDecodingError) in
            try row.decode("t", as: String.self)
        }
        #expect(texts == values.map(\.exactText))
    }

    @Test("money arithmetic in Postgres and in Fixed6 agree")
    func moneyArithmetic() throws {
        let t = try TestDatabase(migrated: false, devTables: false)
        let db = try t.connect()
        let a = try Fixed6(parsing: "1000.000001")
        let b = try Fixed6(parsing: "0.999999")
        let c = try Fixed6(parsing: "-2000.5")
        let row = try #require(
            try db.queryFirst(
                """
                SELECT (\(a)::numeric(20,6) + \(b)::numeric(20,6) + \(c)::numeric(20,6))::numeric(20,6) AS sum,
                       (\(a)::numeric(20,6) * \(b)::numeric(20,6))::numeric(20,6) AS product
                """))
        #expect(try row.decode("sum", as: Fixed6.self) == a + b + c)
        #expect(try row.decode("sum", as: Fixed6.self) == (try Fixed6(parsing: "-999.5")))
        // Postgres rounds half away from zero when casting back to 6 places.
        #expect(try row.decode("product", as: Fixed6.self) == a.multiplied(by: b, rounding: .halfUp))
        // A value with more digits than NUMERIC(20,6) allows is refused by the database, not truncated.
        #expect(throws: DatabaseError.self) {
            try db.query("SELECT \("123456789012345.5")::numeric(20,6) AS v")
        }
    }

    @Test("a value with quotes, semicolons and $1 is stored and read back verbatim")
    func noInjection() throws {
        let t = try TestDatabase()
        let db = try t.connect()
        let nasty = "Robert'); DROP TABLE lt_strategies; -- $1 $2 \"q\" \\ \n ''; SELECT 1;"
        try db.execute(
            """
            INSERT INTO lt_strategies (strategy_id, user_id, ft_wallet_id, wallet, initial_capital, available_cash)
            VALUES (\(nasty), \(nasty), \("w"), \("main"), \(Fixed6(100)), \(Fixed6(100)))
            """)
        let row = try #require(
            try db.queryFirst("SELECT strategy_id, user_id FROM lt_strategies WHERE strategy_id = \(nasty)"))
        #expect(try row.decode("strategy_id", as: String.self) == nasty)
        #expect(try row.decode("user_id", as: String.self) == nasty)
        let count = try db.queryFirst("SELECT count(*) AS n FROM lt_strategies")?.decode("n", as: Int.self)
        #expect(count == 1)
        // The statement text carries placeholders only.
        let sql: SQL = "SELECT \(nasty)"
        #expect(sql.rendered.text == "SELECT $1")
        #expect(sql.rendered.parameters == [nasty])
    }

    @Test("migrate twice leaves an identical schema and applies nothing the second time")
    func migrateTwice() throws {
        let t = try TestDatabase(migrated: false, devTables: false)
        let db = try t.connect()
        #expect(try Migrator.currentVersion(db) == 0)
        let first = try Migrator.migrate(db)
        #expect(first.fromVersion == 0 && first.toVersion == Migrator.latestVersion && !first.applied.isEmpty)
        let before = try schemaSnapshot(db)
        let second = try Migrator.migrate(db)
        #expect(second.applied.isEmpty && second.fromVersion == Migrator.latestVersion)
        #expect(try schemaSnapshot(db) == before)
        // design §2's three tables plus two that belong to no decision row (docs/architecture.md,
        // "Schema"): the alert outbox (sql/008), operator capital movements (sql/010) and redeem's adapter approvals, one row
        // per (holder, adapter) (sql/011). The version lives in a comment, not a table of its own.
        let tables = try db.query(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1"
        ) { row throws(RowDecodingError) in try row.decode("table_name", as: String.self) }
        #expect(
            tables == [
                "lt_alert_outbox", "lt_capital_movements", "lt_chain_approvals", "lt_cooldown_queue", "lt_orders",
                "lt_strategies",
            ])
        // Re-running the script itself is harmless too (every statement is IF NOT EXISTS).
        for file in Migrator.embeddedFiles where file.path.hasPrefix("sql/0") { try db.runScript(file.sql) }
        #expect(try schemaSnapshot(db) == before)
    }

    @Test("the database refuses an UPDATE that breaks the capital invariant")
    func capitalInvariant() throws {
        let t = try TestDatabase()
        let db = try t.connect()
        try insertStrategy(db, id: "s1", capital: 100)
        do {
            try db.execute("UPDATE lt_strategies SET available_cash = available_cash + 1 WHERE strategy_id = 's1'")
            Issue.record("the invariant-breaking update was accepted")
        } catch {
            #expect(error.isCheckViolation)
            #expect(error.constraint == "lt_strategies_capital_invariant")
        }
        // Moving cash between buckets keeps the sum: allowed.
        try db.execute(
            """
            UPDATE lt_strategies SET available_cash = available_cash - \(Fixed6(40)),
              locked_capital = locked_capital + \(Fixed6(40)) WHERE strategy_id = 's1'
            """)
        // A negative bucket is refused even when the sum holds.
        #expect {
            try db.execute(
                """
                UPDATE lt_strategies SET available_cash = available_cash + 50, locked_capital = locked_capital - 50
                WHERE strategy_id = 's1'
                """)
        } throws: { ($0 as? DatabaseError)?.constraint == "lt_strategies_buckets_nonnegative" }
        let row = try #require(try db.queryFirst("SELECT available_cash, locked_capital FROM lt_strategies"))
        #expect(try row.decode("available_cash", as: Fixed6.self) == Fixed6(60))
        #expect(try row.decode("locked_capital", as: Fixed6.self) == Fixed6(40))
    }

    @Test("schema constraints: allowed states, unique signal per strategy, foreign keys")
    func constraints() throws {
        let t = try TestDatabase()
        let db = try t.connect()
        try insertStrategy(db, id: "s1", capital: 10)
        #expect { try db.execute("UPDATE lt_strategies SET trading_state = 'PAUSED'") } throws: {
            ($0 as? DatabaseError)?.constraint == "lt_strategies_trading_state_check"
        }
        let insert: (String, String) -> SQL = { strategy, key in
            "INSERT INTO lt_orders (strategy_id, signal_key, side, status, skip_reason) VALUES (\(strategy), \(key), 'BUY', 'SKIPPED', 'stale')"
        }
        try db.execute(insert("s1", "ft-1"))
        #expect { try db.execute(insert("s1", "ft-1")) } throws: { ($0 as? DatabaseError)?.isUniqueViolation == true }
        #expect { try db.execute(insert("nope", "ft-2")) } throws: { ($0 as? DatabaseError)?.sqlState == "23503" }
        #expect {
            try db.execute(
                "INSERT INTO lt_orders (strategy_id, signal_key, side, status) VALUES ('s1', 'x', 'BUY', 'DONE')")
        } throws: { ($0 as? DatabaseError)?.constraint == "lt_orders_status_check" }
        #expect {
            try db.execute(
                "INSERT INTO lt_orders (strategy_id, signal_key, side, status) VALUES ('s1', 'y', 'BUY', 'SKIPPED')")
        } throws: { ($0 as? DatabaseError)?.constraint == "lt_orders_skip_reason_check" }
        // Every status of the Swift vocabulary is accepted by the schema.
        for (i, s) in OrderStatus.allCases.enumerated() {
            try db.execute(
                "INSERT INTO lt_orders (strategy_id, signal_key, side, status, skip_reason) VALUES ('s1', \("v\(i)"), \(Side.sell), \(s), 'r')"
            )
        }
    }

    @Test("transactions commit, roll back on throw, and nest with savepoints")
    func transactions() throws {
        struct Boom: Error {}
        let t = try TestDatabase(migrated: false, devTables: false)
        let db = try t.connect()
        try db.runScript("CREATE TABLE t (v int)")
        try db.transaction { try db.execute("INSERT INTO t VALUES (1)") }
        #expect(throws: Boom.self) {
            try db.transaction {
                try db.execute("INSERT INTO t VALUES (2)")
                throw Boom()
            }
        }
        try db.transaction {
            try db.execute("INSERT INTO t VALUES (3)")
            _ = try? db.transaction {
                try db.execute("INSERT INTO t VALUES (4)")
                throw Boom()
            }
        }
        let vs = try db.query("SELECT v FROM t ORDER BY v") { row throws(RowDecodingError) in
            try row.decode("v", as: Int.self)
        }
        #expect(vs == [1, 3])
    }

    @Test("job lock: try-semantics, the holder is named, release frees it")
    func jobLock() throws {
        let t = try TestDatabase(migrated: false, devTables: false)
        let a = try t.connect(applicationName: "lt holder-a")
        let b = try t.connect()
        #expect(try a.tryJobLock("daily-reset") == .acquired)
        guard case .held(let holder?) = try b.tryJobLock("daily-reset") else {
            Issue.record("second connection got the lock")
            return
        }
        #expect(holder.pid == a.backendPID)
        #expect(holder.applicationName == "lt holder-a")
        // Another job's lock is independent.
        #expect(try b.tryJobLock("execute") == .acquired)
        try a.releaseJobLock("daily-reset")
        #expect(try b.tryJobLock("daily-reset") == .acquired)
    }

    @Test("per-strategy lock serialises transactions on one strategy only")
    func strategyLock() throws {
        let t = try TestDatabase(migrated: false, devTables: false)
        let a = try t.connect()
        let b = try t.connect()
        try a.transaction {
            try a.lockStrategy("s1")
            // The lock request travels with the transaction's next statement.
            try a.execute("SELECT 1")
            // b cannot take s1 (probe without blocking) but can take s2.
            let s1 = AdvisoryLockKey.strategy("s1")
            let s2 = AdvisoryLockKey.strategy("s2")
            #expect(
                try b.queryFirst("SELECT pg_try_advisory_xact_lock(\(s1)) AS ok")?.decode("ok", as: Bool.self) == false)
            #expect(
                try b.queryFirst("SELECT pg_try_advisory_xact_lock(\(s2)) AS ok")?.decode("ok", as: Bool.self) == true)
        }
        // Released at commit.
        let s1 = AdvisoryLockKey.strategy("s1")
        #expect(try b.queryFirst("SELECT pg_try_advisory_xact_lock(\(s1)) AS ok")?.decode("ok", as: Bool.self) == true)
    }

    @Test("typed decoding names the column; timestamps and dates round-trip in UTC")
    func decoding() throws {
        let t = try TestDatabase(migrated: false, devTables: false)
        let db = try t.connect()
        let instant = try #require(UTCTimestamp.parse("2026-11-23T23:59:59.123456Z"))
        let row = try #require(
            try db.queryFirst(
                "SELECT \(instant)::timestamptz AS ts, \(UTCDay(year: 2026, month: 2, day: 28))::date AS d, NULL::text AS n, 'x' AS s"
            ))
        #expect(try row.decode("ts", as: Date.self) == instant)
        #expect(try row.decode("d", as: UTCDay.self) == UTCDay(year: 2026, month: 2, day: 28))
        #expect(try row.decode("n", as: String?.self) == nil)
        #expect { try row.decode("n", as: String.self) } throws: { ($0 as? RowDecodingError)?.column == "n" }
        #expect { try row.decode("s", as: Int.self) } throws: { ($0 as? RowDecodingError)?.column == "s" }
        #expect { try row.decode("missing", as: String.self) } throws: {
            ($0 as? RowDecodingError)?.column == "missing"
        }
    }

    @Test("connection errors name host and database, never the password")
    func connectionErrors() throws {
        let secret = "s3cr3t-pw-\(UUID().uuidString.prefix(8))"
        let urls = [
            "postgresql://lt:\(secret)@/ltdb?host=/nonexistent-lt-dir&connect_timeout=2",
            "host=/nonexistent-lt-dir dbname=ltdb user=lt password=\(secret) connect_timeout=2",
        ]
        for url in urls {
            do {
                _ = try PostgresConnection(url: url)
                Issue.record("connected to a nonexistent server")
            } catch {
                #expect(error.kind == .connection)
                #expect(error.message.contains("ltdb"))
                #expect(error.message.contains("/nonexistent-lt-dir"))
                #expect(!error.message.contains(secret))
            }
        }
        do {
            _ = try PostgresConnection(url: "postgresql://lt:\(secret)@host/db?no_such_param=1")
            Issue.record("accepted a malformed URL")
        } catch {
            #expect(error.kind == .configuration)
            #expect(!error.message.contains(secret))
        }
        // A bad password is reported without echoing it (trust auth ignores it, so use a bad user).
        let t = try TestDatabase(migrated: false, devTables: false)
        do {
            _ = try PostgresConnection(url: t.url + " user=no_such_role password=\(secret)")
            Issue.record("connected as a missing role")
        } catch {
            #expect(error.kind == .connection)
            #expect(!error.message.contains(secret))
        }
    }

    @Test("redactDatabaseURL hides passwords in URIs and conninfo")
    func redaction() {
        #expect(
            redactDatabaseURL("postgresql://lt:pa:ss@db.example:5432/lt") == "postgresql://lt:***@db.example:5432/lt")
        #expect(
            redactDatabaseURL("postgres://u@h/db?password=abc&sslmode=require")
                == "postgres://u@h/db?password=***&sslmode=require")
        #expect(redactDatabaseURL("host=h password='a b\\' c' dbname=x") == "host=h password=*** dbname=x")
        #expect(redactDatabaseURL("host=h password = abc dbname=x") == "host=h password=*** dbname=x")
        #expect(redactDatabaseURL("host=h dbname=x") == "host=h dbname=x")
    }

    @Test("the schema embedded in the binary matches sql/")
    func embeddedSQLIsCurrent() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        for file in Migrator.embeddedFiles {
            let onDisk = try String(contentsOf: root.appendingPathComponent(file.path), encoding: .utf8)
            #expect(onDisk == file.sql + "\n", "\(file.path) changed: run `make embed-sql`")
        }
    }
}

func insertStrategy(_ db: PostgresConnection, id: String, capital: Int) throws {
    try db.execute(
        """
        INSERT INTO lt_strategies (strategy_id, ft_wallet_id, wallet, initial_capital, available_cash)
        VALUES (\(id), \("w-" + id), 'main', \(Fixed6(capital)), \(Fixed6(capital)))
        """)
}

/// Everything `migrate` defines, as comparable text.
func schemaSnapshot(_ db: PostgresConnection) throws -> [String] {
    let queries: [SQL] = [
        """
        SELECT table_name || '.' || column_name || ' ' || data_type || coalesce('(' || numeric_precision || ','
          || numeric_scale || ')', '') || ' ' || is_nullable || ' ' || coalesce(column_default, '') AS x
        FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1
        """,
        "SELECT conname || ' ' || pg_get_constraintdef(oid) AS x FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1",
        "SELECT indexdef AS x FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1",
        "SELECT coalesce(obj_description('lt_strategies'::regclass, 'pg_class'), '') AS x",
    ]
    var out: [String] = []
    for q in queries {
        out += try db.query(q) { row throws(RowDecodingError) in try row.decode("x", as: String.self) }
    }
    return out
}

import Foundation
import LTCore
import LTPostgres
import Testing

/// The connection's round-trip savers (issue 15 item 3): statements deferred to go with the next
/// one (BEGIN, SET LOCAL, the strategy lock), batches in one pipeline, prepared statements.
@Suite("Postgres round trips: deferred statements, batches, prepared statements")
struct RoundTripTests {
    struct Boom: Error {}

    /// This session's protocol-level prepared statements (`from_sql = false`) that read table p
    /// (this probe is itself prepared on its second run, so it counts only the statements under test).
    func preparedCount(_ db: PostgresConnection) throws -> Int {
        try #require(
            try db.queryFirst(
                "SELECT count(*) AS n FROM pg_prepared_statements WHERE NOT from_sql AND statement LIKE \("%FROM p WHERE k%")"
            )?.decode("n", as: Int.self))
    }

    /// SAVEPOINT outside a transaction block is refused with 25P01 (inside an aborted one: 25P02).
    func expectNoTransaction(_ db: PostgresConnection) throws {
        let e = #expect(throws: DatabaseError.self) { try db.runScript("SAVEPOINT probe") }
        #expect(e?.sqlState == "25P01")
    }

    @Test("a statement is prepared on its second run and then answers every run with its own parameters")
    func prepared() throws {
        let t = try TestDatabase(migrated: false, devTables: false)
        let db = try t.connect()
        try db.runScript("CREATE TABLE p (k int PRIMARY KEY, v text)")
        try db.execute("INSERT INTO p SELECT g, 'v' || g FROM generate_series(1, 5) g")
        let before = try preparedCount(db)
        func read(_ k: Int) throws -> String? {
            try db.queryFirst("SELECT v FROM p WHERE k = \(k)")?.decode("v", as: String?.self)
        }
        #expect(try read(1) == "v1")
        #expect(try preparedCount(db) == before)  // a one-off statement is not prepared
        #expect(try read(2) == "v2")
        let after = try preparedCount(db)
        #expect(after > before)
        #expect(try read(3) == "v3")
        #expect(try read(9) == nil)
        #expect(try preparedCount(db) == after)  // prepared once per text
        // A prepared statement's error is still the statement's error, and the session goes on.
        try db.execute("INSERT INTO p VALUES (\(6), \("a"))")
        try db.execute("INSERT INTO p VALUES (\(7), \("b"))")
        let duplicate = #expect(throws: DatabaseError.self) { try db.execute("INSERT INTO p VALUES (\(7), \("c"))") }
        #expect(duplicate?.sqlState == "23505")
        #expect(try read(7) == "b")
    }

    @Test("a batch answers each statement in order; its first error stops the rest and rolls back the transaction")
    func batch() throws {
        let t = try TestDatabase(migrated: false, devTables: false)
        let db = try t.connect()
        try db.runScript("CREATE TABLE b (v int PRIMARY KEY)")
        let rows = try db.queryBatch([
            "SELECT 1 AS x", "SELECT \(2) AS x UNION ALL SELECT 3", "INSERT INTO b VALUES (1)",
        ])
        #expect(try rows.map { try $0.map { try $0.decode("x", as: Int.self) } }.prefix(2) == [[1], [2, 3]])
        #expect(rows[2].isEmpty)
        let failed = #expect(throws: DatabaseError.self) {
            try db.transaction {
                _ = try db.queryBatch([
                    "INSERT INTO b VALUES (2)", "INSERT INTO b VALUES (1)", "INSERT INTO b VALUES (3)",
                ])
            }
        }
        #expect(failed?.sqlState == "23505")
        #expect(failed?.statement?.contains("VALUES (1)") == true)
        // Nothing of the failed transaction stayed; the connection left pipeline mode and no
        // transaction is open.
        let vs = try db.query("SELECT v FROM b ORDER BY v") { r throws(RowDecodingError) in
            try r.decode("v", as: Int.self)
        }
        #expect(vs == [1])
        try expectNoTransaction(db)
    }

    @Test("every answer is freed: deferred statements', batches', a failed batch's and a script's leave none behind")
    func answersAreFreed() throws {
        let t = try TestDatabase(migrated: false, devTables: false)
        let db = try t.connect()
        db.countResults()
        try db.runScript("CREATE TABLE f (v int PRIMARY KEY)")
        for i in 0..<50 {
            // BEGIN, SET LOCAL and the lock travel deferred with the SELECT: answers nobody reads.
            try db.transaction {
                try db.requireDurableCommit()
                try db.lockStrategy("s\(i % 7)")
                _ = try db.queryFirst("SELECT \(i) AS i")
                _ = try db.queryBatch(["SELECT 1 AS one", "INSERT INTO f VALUES (\(i))"])
            }
        }
        _ = try? db.transaction { _ = try db.queryBatch(["INSERT INTO f VALUES (1000)", "INSERT INTO f VALUES (1)"]) }
        try db.holdRunLock("run-f")
        try db.execute("INSERT INTO f VALUES (2000)")
        #expect(db.liveResults == 0)
    }

    @Test("the run lock goes out with the session's next statement, is held before it runs and survives its ROLLBACK")
    func runLockTravelsWithTheNextStatement() throws {
        let t = try TestDatabase(migrated: false, devTables: false)
        let a = try t.connect()
        let b = try t.connect()
        try a.runScript("CREATE TABLE r (v int)")
        try a.holdRunLock("run-a")
        #expect(try a.isRunAlive("run-a"))  // its own run, whatever the server has seen so far
        // The statement that carries the lock already sees it held by its own session.
        #expect(try a.lockHolder(key: AdvisoryLockKey.run("run-a"))?.pid == a.backendPID)
        #expect(try b.isRunAlive("run-a"))
        // A transaction that rolls back does not take the session lock with it.
        #expect(throws: Boom.self) {
            try a.transaction {
                try a.execute("INSERT INTO r VALUES (1)")
                throw Boom()
            }
        }
        #expect(try b.isRunAlive("run-a"))
        // Deferred to a transaction's first statement, it is held even when that transaction fails.
        let c = try t.connect()
        try c.holdRunLock("run-c")
        #expect(throws: DatabaseError.self) {
            try c.transaction { try c.execute("INSERT INTO r VALUES ('x')") }
        }
        #expect(try b.isRunAlive("run-c"))
        // A transaction that throws before sending anything drops its own deferred statements, not
        // the lock queued before it: the next statement still takes it.
        let d = try t.connect()
        try d.holdRunLock("run-d")
        #expect(throws: Boom.self) { try d.transaction { throw Boom() } }
        _ = try d.query("SELECT 1 AS one")
        #expect(try d.lockHolder(key: AdvisoryLockKey.run("run-d"))?.pid == d.backendPID)
        #expect(try b.isRunAlive("run-gone") == false)
    }

    @Test("deferred BEGIN, SET LOCAL and lock go out with the next statement and take effect in its transaction")
    func deferred() throws {
        let t = try TestDatabase(migrated: false, devTables: false)
        let a = try t.connect()
        let b = try t.connect()
        try a.runScript("SET synchronous_commit = off")
        let key = AdvisoryLockKey.strategy("s1")
        try a.transaction {
            try a.requireDurableCommit()
            try a.lockStrategy("s1")
            let row = try #require(
                try a.queryFirst(
                    "SELECT current_setting('synchronous_commit') AS sc"))
            #expect(try row.decode("sc", as: String.self) == "on")
            #expect(
                try b.queryFirst("SELECT pg_try_advisory_xact_lock(\(key)) AS ok")?.decode("ok", as: Bool.self) == false
            )
        }
        // SET LOCAL ended with the transaction; the lock was released at COMMIT.
        #expect(
            try a.queryFirst("SELECT current_setting('synchronous_commit') AS sc")?.decode("sc", as: String.self)
                == "off")
        #expect(try b.queryFirst("SELECT pg_try_advisory_xact_lock(\(key)) AS ok")?.decode("ok", as: Bool.self) == true)
        // A transaction whose body throws before any statement sends nothing; the session is clean.
        #expect(throws: Boom.self) {
            try a.transaction {
                try a.lockStrategy("s1")
                throw Boom()
            }
        }
        try expectNoTransaction(a)
        // A savepoint that failed after reaching the server rolls back to itself; the outer commits.
        try a.runScript("CREATE TABLE d (v int)")
        try a.transaction {
            try a.execute("INSERT INTO d VALUES (1)")
            _ = try? a.transaction {
                try a.lockStrategy("s2")
                try a.execute("INSERT INTO d VALUES (2)")
                try a.execute("INSERT INTO d VALUES ('x')")
            }
            _ = try? a.transaction {
                try a.lockStrategy("s3")
                throw Boom()
            }
            try a.execute("INSERT INTO d VALUES (3)")
        }
        let vs = try a.query("SELECT v FROM d ORDER BY v") { r throws(RowDecodingError) in
            try r.decode("v", as: Int.self)
        }
        #expect(vs == [1, 3])
    }
}

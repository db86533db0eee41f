import CLibPQ
import Foundation
import Glibc
import LTCore

/// One libpq connection: the `Database` port over Postgres. Blocking calls, text-format parameters
/// (`PQexecParams`), used from one thread; `deinit` closes it, which also releases session locks.
public final class PostgresConnection: Database {
    let conn: OpaquePointer
    /// Where this connection goes, for messages: host, port and database, never the password.
    public let target: ConnectionTarget
    var savepointDepth = 0
    /// The run whose liveness lock this session holds.
    var heldRunID: String?

    /// Connects with `DATABASE_URL`, a libpq URI (`postgresql://user@host:5432/db?sslmode=require`)
    /// or conninfo string (`host=/tmp/pg dbname=lt`). A malformed string is `.configuration` (exit
    /// 78); a server that cannot be reached is `.connection` (exit 69). `connect_timeout` defaults
    /// to 10 s unless the string sets it. The session runs in UTC with ISO dates, which the row
    /// decoders rely on.
    public init(url: String, applicationName: String = "lt") throws(DatabaseError) {
        let parsed = try ConnectionTarget(parsing: url)
        // Keywords are processed in order and `dbname` is expanded in place, so settings the URL
        // makes itself override the defaults listed before it.
        let keywords = ["connect_timeout", "fallback_application_name", "dbname"]
        let values = ["10", applicationName, url]
        let c: OpaquePointer? = withCStringArray(keywords) { k in
            withCStringArray(values) { v in PQconnectdbParams(k, v, 1) }
        }
        guard let c else { throw DatabaseError(.connection, "out of memory creating a database connection") }
        // Names from the connection object itself (what libpq resolved), no password among them.
        let resolved = ConnectionTarget(
            host: PQhost(c).map { String(cString: $0) } ?? parsed.host,
            port: PQport(c).map { String(cString: $0) } ?? parsed.port,
            database: PQdb(c).map { String(cString: $0) } ?? parsed.database,
            user: PQuser(c).map { String(cString: $0) } ?? parsed.user,
            password: parsed.password)
        if PQstatus(c) != CONNECTION_OK {
            let reason = resolved.scrub(Self.errorText(c))
            PQfinish(c)
            // libpq checks option values (port, sslmode, …) only when connecting: a bad one is the
            // operator's setting to fix (78), not an unreachable server (69). ConnectionTarget
            // catches the common ones first; this covers the rest of libpq's option vocabulary.
            let kind: DatabaseError.Kind = Self.isOptionValueError(reason) ? .configuration : .connection
            throw DatabaseError(kind, "cannot connect to \(resolved): \(reason)")
        }
        conn = c
        target = resolved
        try runScript("SET TIME ZONE 'UTC'; SET datestyle = 'ISO, YMD'; SET intervalstyle = 'iso_8601'")
    }

    deinit { PQfinish(conn) }

    /// The backend process id (appears in `pg_locks` and in lock-holder messages).
    public var backendPID: Int { Int(PQbackendPID(conn)) }

    // MARK: Database

    public func query(_ sql: SQL) throws(DatabaseError) -> [Row] {
        let (text, parameters) = sql.rendered
        let result: OpaquePointer? = withOptionalCStringArray(parameters) { params in
            PQexecParams(conn, text, Int32(parameters.count), nil, params, nil, nil, 0)
        }
        defer { PQclear(result) }
        try check(result, statement: text)
        return Self.rows(result!)
    }

    @discardableResult
    public func execute(_ sql: SQL) throws(DatabaseError) -> Int {
        let (text, parameters) = sql.rendered
        let result: OpaquePointer? = withOptionalCStringArray(parameters) { params in
            PQexecParams(conn, text, Int32(parameters.count), nil, params, nil, nil, 0)
        }
        defer { PQclear(result) }
        try check(result, statement: text)
        return Int(String(cString: PQcmdTuples(result))) ?? 0
    }

    @discardableResult
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        let depth = savepointDepth
        try runScript(depth == 0 ? "BEGIN" : "SAVEPOINT lt_sp_\(depth)")
        savepointDepth += 1
        defer { savepointDepth = depth }
        let value: T
        do {
            value = try body()
        } catch {
            // The original error matters more than a failed rollback (which a dead connection causes).
            _ = try? runScript(depth == 0 ? "ROLLBACK" : "ROLLBACK TO SAVEPOINT lt_sp_\(depth)")
            throw error
        }
        try runScript(depth == 0 ? "COMMIT" : "RELEASE SAVEPOINT lt_sp_\(depth)")
        return value
    }

    public func tryJobLock(_ job: String) throws(DatabaseError) -> JobLockResult {
        let key = AdvisoryLockKey.job(job)
        let got = try queryFirst("SELECT pg_try_advisory_lock(\(key)) AS ok")?.decodeOrThrow("ok", as: Bool.self)
        if got == true { return .acquired }
        return .held(by: try lockHolder(key: key))
    }

    public func waitJobLock(_ job: String, upTo wait: Duration) throws(DatabaseError) -> JobLockResult {
        let key = AdvisoryLockKey.job(job)
        // A blocking pg_advisory_lock bounded by lock_timeout takes the lock the instant its holder
        // lets go (no polling gap between two followers); the session value is put back after.
        let ms = max(1, Int((wait / .milliseconds(1)).rounded(.up)))
        try execute("SELECT set_config('lock_timeout', \(String(ms)), false)")
        defer { _ = try? runScript("RESET lock_timeout") }
        do throws(DatabaseError) {
            try execute("SELECT pg_advisory_lock(\(key))")
            return .acquired
        } catch {
            guard error.sqlState == "55P03" else { throw error }  // lock_not_available: the wait ran out
            return .held(by: try lockHolder(key: key))
        }
    }

    public func releaseJobLock(_ job: String) throws(DatabaseError) {
        try execute("SELECT pg_advisory_unlock(\(AdvisoryLockKey.job(job)))")
    }

    public func lockStrategy(_ strategyID: String) throws(DatabaseError) {
        try execute("SELECT pg_advisory_xact_lock(\(AdvisoryLockKey.strategy(strategyID)))")
    }

    public func holdRunLock(_ runID: String) throws(DatabaseError) {
        // Run ids are unique, so nobody else ever asks for this key while the run lives.
        try execute("SELECT pg_advisory_lock(\(AdvisoryLockKey.run(runID)))")
        heldRunID = runID
    }

    public func isRunAlive(_ runID: String) throws(DatabaseError) -> Bool {
        // Session advisory locks are re-entrant: trying our own would succeed.
        if runID == heldRunID { return true }
        let key = AdvisoryLockKey.run(runID)
        let got = try queryFirst("SELECT pg_try_advisory_lock(\(key)) AS ok")?.decodeOrThrow("ok", as: Bool.self)
        guard got == true else { return true }
        // Dead: the lock was free. Give it back at once; a dead run never asks for it again.
        try execute("SELECT pg_advisory_unlock(\(key))")
        return false
    }

    /// Who holds the session-level advisory lock `key` in this database (nil if it was just released).
    /// A bigint key shows in `pg_locks` as classid = high 32 bits, objid = low 32 bits, objsubid = 1.
    public func lockHolder(key: Int64) throws(DatabaseError) -> LockHolder? {
        let bits = UInt64(bitPattern: key)
        let hi = String(bits >> 32)
        let lo = String(bits & 0xffff_ffff)
        let row = try queryFirst(
            """
            SELECT l.pid, a.application_name, a.client_addr::text AS client_addr, a.backend_start
            FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
              AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND l.classid = \(hi)::oid AND l.objid = \(lo)::oid
            LIMIT 1
            """)
        guard let row else { return nil }
        do {
            return LockHolder(
                pid: try row.decode("pid", as: Int.self),
                applicationName: try row.decode("application_name", as: String?.self),
                clientAddress: try row.decode("client_addr", as: String?.self),
                backendStart: try row.decode("backend_start", as: String?.self))
        } catch {
            throw DatabaseError(.decoding, "lock holder: \(error)")
        }
    }

    // MARK: Notifications

    /// `LISTEN channel` on this session. Channels are lt's own constants, quoted as identifiers.
    public func listen(_ channel: String) throws(DatabaseError) {
        guard let quoted = PQescapeIdentifier(conn, channel, channel.utf8.count) else {
            throw DatabaseError(.query, "cannot quote channel name: \(Self.errorText(conn))")
        }
        defer { PQfreemem(quoted) }
        try runScript("LISTEN " + String(cString: quoted))
    }

    /// Blocks until a notification for a channel this session listens to arrives, or `timeout`
    /// passes (poll(2) on the connection's socket). Consumes every pending notification and answers
    /// whether there was one. A connection that broke meanwhile is `.connection` (exit 69).
    public func waitForNotification(timeout: Duration) throws(DatabaseError) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while true {
            // Notifications that arrived during earlier queries already sit in libpq's queue.
            guard PQconsumeInput(conn) == 1, PQstatus(conn) == CONNECTION_OK else { throw lostConnection() }
            var notified = false
            while let n = PQnotifies(conn) {
                notified = true
                PQfreemem(n)
            }
            if notified { return true }
            let remaining = deadline - ContinuousClock.now
            if remaining <= .zero { return false }
            let socket = PQsocket(conn)
            guard socket >= 0 else { throw lostConnection() }
            var fd = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            let ms = Int32(clamping: Int((remaining / .milliseconds(1)).rounded(.up)))
            if Glibc.poll(&fd, 1, ms) < 0 && errno != EINTR { throw lostConnection() }
        }
    }

    func lostConnection() -> DatabaseError {
        DatabaseError(.connection, "lost connection to \(target): \(target.scrub(Self.errorText(conn)))")
    }

    // MARK: Scripts

    /// Runs SQL text with no parameters, possibly several statements (`PQexec`): migrations and
    /// session settings only. Nothing from outside the program may reach `script`.
    public func runScript(_ script: String) throws(DatabaseError) {
        let result = PQexec(conn, script)
        defer { PQclear(result) }
        try check(result, statement: String(script.prefix(80)))
    }

    // MARK: Internals

    func check(_ result: OpaquePointer?, statement: String) throws(DatabaseError) {
        let status = result.map { PQresultStatus($0) } ?? PGRES_FATAL_ERROR
        if status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY { return }
        if PQstatus(conn) != CONNECTION_OK {
            throw DatabaseError(.connection, "lost connection to \(target): \(target.scrub(Self.errorText(conn)))")
        }
        func field(_ code: UInt8) -> String? {
            guard let result, let p = PQresultErrorField(result, Int32(code)) else { return nil }
            return String(cString: p)
        }
        let primary = field(UInt8(ascii: "M")) ?? target.scrub(Self.errorText(conn))
        let state = field(UInt8(ascii: "C"))
        // A server crash-restart can leave PQstatus OK on the failed result ("server closed the
        // connection unexpectedly", found by the restart test): an error libpq made itself (no SQLSTATE)
        // or a connection/shutdown SQLSTATE means the database is unavailable, not a failed query.
        if state.map(Self.isConnectionState) ?? true {
            throw DatabaseError(.connection, "lost connection to \(target): \(target.scrub(Self.errorText(conn)))")
        }
        let constraint = field(UInt8(ascii: "n"))
        let oneLine = statement.replacingOccurrences(of: "\n", with: " ")
        // A missing lt_ table means this database was never migrated: a setup step, not a failed query.
        if state == "42P01", primary.contains("\"lt_") {
            throw DatabaseError(
                .configuration, "schema not found: run `lt migrate` (\(primary))", sqlState: state, statement: oneLine)
        }
        var message = primary
        if let state { message += " (SQLSTATE \(state)" + (constraint.map { ", constraint \($0)" } ?? "") + ")" }
        // The statement travels separately (logged at debug level), never inside the message.
        throw DatabaseError(.query, message, sqlState: state, constraint: constraint, statement: oneLine)
    }

    /// libpq's own complaints about a connection option's value, e.g. `invalid port number: "x"`,
    /// `invalid sslmode value: "bogus"`, `invalid integer value "x" for connection option "port"`.
    static func isOptionValueError(_ text: String) -> Bool {
        text.hasPrefix("invalid ")
            && (text.contains(" value") || text.contains("port number") || text.contains("connection option"))
    }

    /// Class 08 (connection exception), 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now.
    static func isConnectionState(_ state: String) -> Bool {
        state.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(state)
    }

    static func errorText(_ c: OpaquePointer) -> String {
        guard let p = PQerrorMessage(c) else { return "unknown error" }
        let s = String(cString: p).trimmingCharacters(in: .whitespacesAndNewlines)
        return s.replacingOccurrences(of: "\n", with: "; ")
    }

    static func rows(_ result: OpaquePointer) -> [Row] {
        let n = Int(PQntuples(result))
        let f = Int(PQnfields(result))
        guard f > 0 else { return [] }
        let columns = (0..<f).map { String(cString: PQfname(result, Int32($0))) }
        let index = Dictionary(columns.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        var rows: [Row] = []
        rows.reserveCapacity(n)
        for r in 0..<Int32(n) {
            var values: [String?] = []
            values.reserveCapacity(f)
            for c in 0..<Int32(f) {
                values.append(PQgetisnull(result, r, c) == 1 ? nil : String(cString: PQgetvalue(result, r, c)))
            }
            rows.append(Row(columns: columns, values: values, index: index))
        }
        return rows
    }
}

extension Row {
    func decodeOrThrow<T: SQLDecodable>(_ column: String, as type: T.Type) throws(DatabaseError) -> T {
        do {
            return try decode(column, as: type)
        } catch {
            throw DatabaseError(.decoding, error.description)
        }
    }
}

/// Calls `body` with a NULL-terminated array of C strings that live for the call.
func withCStringArray<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    withOptionalCStringArray(strings.map { Optional($0) }, body)
}

/// Calls `body` with an array of C strings (NULL entries for nil, one NULL after the last) that
/// live for the call.
func withOptionalCStringArray<R>(_ strings: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let copies: [UnsafeMutablePointer<CChar>?] = strings.map { $0.map { strdup($0)! } }
    defer { copies.forEach { free($0) } }
    var pointers: [UnsafePointer<CChar>?] = copies.map { $0.map { UnsafePointer($0) } }
    pointers.append(nil)
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}

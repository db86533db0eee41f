import CLibPQ
import Foundation
import Glibc
import LTCore

/// One libpq connection: the `Database` port over Postgres. Blocking calls, text-format parameters
/// (`PQexecParams`, `PQexecPrepared`, pipeline mode), used from one thread; `deinit` closes it,
/// which also releases session locks.
public final class PostgresConnection: Database {
    let conn: OpaquePointer
    /// Where this connection goes, for messages: host, port and database, never the password.
    public let target: ConnectionTarget
    var savepointDepth = 0
    /// The run whose liveness lock this session holds.
    var heldRunID: String?
    /// Statements held back to go out with the next one, in the same round trip (libpq pipeline
    /// mode): a transaction's BEGIN or SAVEPOINT, its SET LOCAL and strategy lock, whose only answer
    /// is "done". Their errors surface at that next statement, which then does not run.
    var deferred: [Statement] = []
    /// This session's server-side prepared statements, by SQL text. A text run a second time is
    /// prepared (in the same round trip as that run) and from then on only bound and executed: no
    /// parse per call (plans stay custom, see `init`). A one-off statement costs nothing more.
    var prepared: [String: String] = [:]
    /// Texts run once so far, without being prepared.
    var seenOnce: Set<String> = []
    /// Names are never reused within a session, even for a prepare the server refused.
    var preparedNames = 0
    /// The outermost transaction committed early (`queryAndCommit`): its body must send nothing more.
    var committedEarly = false
    /// Bounds on both (statement texts are the program's own, so these are never reached in practice).
    static let maxPrepared = 512
    static let maxSeen = 4096

    /// One statement's text (`$n` placeholders) and its parameters.
    struct Statement {
        var text: String
        var parameters: [String?] = []
    }

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
        // Prepared statements keep their parse, never a generic plan: a generic plan is costed on
        // the statistics of the moment (a young table looks empty) and stayed a sequential scan of
        // lt_orders for a whole run in the bench; a custom plan sees each call's values.
        try runScript(
            "SET TIME ZONE 'UTC'; SET datestyle = 'ISO, YMD'; SET intervalstyle = 'iso_8601'; "
                + "SET plan_cache_mode = force_custom_plan")
    }

    deinit {
        PQfinish(conn)
        resultCount?.deallocate()
    }

    /// Answers (`PGresult`s) this session received and has not freed yet, counted from the first
    /// `countResults()` on (libpq's result events); nil before. Every answer lt does not hand to a
    /// caller must be freed as soon as it is read, or each transaction leaks it: tests hold that.
    public var liveResults: Int? { resultCount?.pointee }
    var resultCount: UnsafeMutablePointer<Int>?

    /// Starts counting `liveResults` (a test's probe: it adds a callback to every answer).
    public func countResults() {
        guard resultCount == nil else { return }
        let counter = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        counter.initialize(to: 0)
        guard PQregisterEventProc(conn, countResultEvents, "lt result count", counter) == 1 else {
            counter.deallocate()
            return
        }
        resultCount = counter
    }

    /// The backend process id (appears in `pg_locks` and in lock-holder messages).
    public var backendPID: Int { Int(PQbackendPID(conn)) }

    // MARK: Database

    public func query(_ sql: SQL) throws(DatabaseError) -> [Row] {
        let result = try run([Statement(sql)])[0]
        defer { PQclear(result) }
        return Self.rows(result)
    }

    /// Several statements in one round trip (pipeline mode), answered in order. The first error
    /// stops the rest (they do not run) and is thrown.
    public func queryBatch(_ statements: [SQL]) throws(DatabaseError) -> [[Row]] {
        let results = try run(statements.map(Statement.init))
        defer { results.forEach { PQclear($0) } }
        return results.map(Self.rows)
    }

    /// In the outermost transaction, the COMMIT goes out in the same round trip as `statements`.
    public func queryAndCommit(_ statements: [SQL]) throws(DatabaseError) -> [[Row]] {
        guard savepointDepth == 1 else { return try queryBatch(statements) }
        let results = try run(statements.map(Statement.init) + [Statement(text: "COMMIT")])
        committedEarly = true
        defer { results.forEach { PQclear($0) } }
        return results.dropLast().map(Self.rows)
    }

    @discardableResult
    public func execute(_ sql: SQL) throws(DatabaseError) -> Int {
        let result = try run([Statement(sql)])[0]
        defer { PQclear(result) }
        return Int(String(cString: PQcmdTuples(result))) ?? 0
    }

    @discardableResult
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        let depth = savepointDepth
        let begin = Statement(text: depth == 0 ? "BEGIN" : "SAVEPOINT lt_sp_\(depth)")
        // Sent with the transaction's first statement: no round trip of its own.
        deferred.append(begin)
        savepointDepth += 1
        defer {
            savepointDepth = depth
            if depth == 0 { committedEarly = false }
        }
        let value: T
        do {
            value = try body()
        } catch {
            if let i = deferred.lastIndex(where: { $0.text == begin.text }) {
                // Nothing of this (sub)transaction reached the server: nothing to roll back.
                deferred.removeSubrange(i...)
            } else {
                // The original error matters more than a failed rollback (which a dead connection causes).
                _ = try? run([Statement(text: depth == 0 ? "ROLLBACK" : "ROLLBACK TO SAVEPOINT lt_sp_\(depth)")])
                    .forEach { PQclear($0) }
            }
            throw error
        }
        if committedEarly {
            return value  // committed with its last statements
        } else if deferred.last?.text == begin.text {
            deferred.removeLast()  // an empty (sub)transaction: nothing to send
        } else {
            try run([Statement(text: depth == 0 ? "COMMIT" : "RELEASE SAVEPOINT lt_sp_\(depth)")]).forEach {
                PQclear($0)
            }
        }
        return value
    }

    /// In a transaction, sent with its next statement (the COMMIT at the latest): the transaction
    /// then commits with `synchronous_commit = on`.
    public func requireDurableCommit() throws(DatabaseError) {
        let set = Statement(text: "SET LOCAL synchronous_commit = on")
        if savepointDepth > 0 { deferred.append(set) } else { try run([set]).forEach { PQclear($0) } }
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

    /// In a transaction the lock request goes out with the transaction's next statement (one round
    /// trip for both), which runs once the lock is held; outside one it is taken at once.
    public func lockStrategy(_ strategyID: String) throws(DatabaseError) {
        let lock = Statement(SQL("SELECT pg_advisory_xact_lock(\(AdvisoryLockKey.strategy(strategyID)))"))
        if savepointDepth > 0 { deferred.append(lock) } else { try run([lock]).forEach { PQclear($0) } }
    }

    /// The request goes out with this session's next statement, in the same round trip and before
    /// it (an idle cron tick saves a round trip: it travels with the job lock). Nothing this run
    /// writes can reach the server before it, and a session-level advisory lock, unlike the
    /// transaction it may arrive in, survives a ROLLBACK.
    public func holdRunLock(_ runID: String) throws(DatabaseError) {
        // Run ids are unique, so nobody else ever asks for this key while the run lives: the
        // blocking form never waits.
        deferred.append(Statement(SQL("SELECT pg_advisory_lock(\(AdvisoryLockKey.run(runID)))")))
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
        // The simple query protocol has no pipeline: what waits to be sent goes first.
        if !deferred.isEmpty { try run([]).forEach { PQclear($0) } }
        let result = PQexec(conn, script)
        defer { PQclear(result) }
        try check(result, statement: String(script.prefix(80)))
    }

    // MARK: Statements

    /// Runs the deferred statements, then `statements`, and returns the results of `statements`
    /// (each checked; the caller clears them). One statement alone is one `PQexecParams` or
    /// `PQexecPrepared`; anything more goes out in one pipeline (one round trip, one sync).
    func run(_ statements: [Statement]) throws(DatabaseError) -> [OpaquePointer] {
        if committedEarly && savepointDepth > 0 {
            // Would run outside the transaction it was written for: a programming error.
            throw DatabaseError(.query, "statement after its transaction committed (queryAndCommit)")
        }
        var steps: [Step] = []
        for s in deferred + statements { plan(s, into: &steps) }
        deferred = []
        if steps.isEmpty { return [] }
        if steps.count == 1, statements.count == 1, case .execute(let s, let name) = steps[0] {
            let result: OpaquePointer? = withOptionalCStringArray(s.parameters) { params in
                if let name {
                    return PQexecPrepared(conn, name, Int32(s.parameters.count), params, nil, nil, 0)
                }
                return PQexecParams(conn, s.text, Int32(s.parameters.count), nil, params, nil, nil, 0)
            }
            do throws(DatabaseError) {
                try check(result, statement: s.text)
            } catch {
                PQclear(result)
                throw error
            }
            return [result!]
        }
        let results = try pipeline(steps)
        // The deferred statements' answers ("done": BEGIN, SET LOCAL, a lock) are nobody's to
        // read; they are freed here, or every transaction would leak them.
        results.dropLast(statements.count).forEach { PQclear($0) }
        return Array(results.suffix(statements.count))
    }

    /// One step of a round trip: prepare a text under a name, or execute a statement (by its
    /// prepared name, or as an unnamed one).
    enum Step {
        case prepare(Statement, name: String)
        case execute(Statement, name: String?)
    }

    /// The steps that run `s`: by name once prepared; prepared with its second run.
    func plan(_ s: Statement, into steps: inout [Step]) {
        if let name = prepared[s.text] {
            steps.append(.execute(s, name: name))
        } else if seenOnce.contains(s.text) && prepared.count < Self.maxPrepared {
            // Named now; `pipeline` keeps the name only once the server accepted it.
            preparedNames += 1
            let name = "lt_\(preparedNames)"
            prepared[s.text] = name
            steps.append(.prepare(s, name: name))
            steps.append(.execute(s, name: name))
        } else {
            if seenOnce.count < Self.maxSeen { seenOnce.insert(s.text) }
            steps.append(.execute(s, name: nil))
        }
    }

    /// Sends every step, one sync, then reads every answer. Returns the execute steps' results in
    /// order, or throws the first error (the steps after it were not run).
    func pipeline(_ steps: [Step]) throws(DatabaseError) -> [OpaquePointer] {
        guard PQenterPipelineMode(conn) == 1 else { throw lostConnection() }
        var sent = 0
        for step in steps {
            let ok: Int32
            switch step {
            case .prepare(let s, let name):
                ok = PQsendPrepare(conn, name, s.text, Int32(s.parameters.count), nil)
            case .execute(let s, let name):
                ok = withOptionalCStringArray(s.parameters) { params in
                    if let name {
                        return PQsendQueryPrepared(conn, name, Int32(s.parameters.count), params, nil, nil, 0)
                    }
                    return PQsendQueryParams(conn, s.text, Int32(s.parameters.count), nil, params, nil, nil, 0)
                }
            }
            if ok != 1 { break }
            sent += 1
        }
        guard sent == steps.count, PQpipelineSync(conn) == 1 else {
            forgetPrepared(steps)
            throw lostConnection()
        }
        var results: [OpaquePointer?] = []
        for _ in steps {
            results.append(PQgetResult(conn))
            // Each step's answer ends with a NULL.
            while let extra = PQgetResult(conn) { PQclear(extra) }
        }
        let sync = PQgetResult(conn)
        let synced = sync.map { PQresultStatus($0) == PGRES_PIPELINE_SYNC } ?? false
        PQclear(sync)
        if !synced || PQexitPipelineMode(conn) != 1 {
            results.forEach { PQclear($0) }
            forgetPrepared(steps)
            throw lostConnection()
        }
        var failure: DatabaseError? = nil
        for (step, result) in zip(steps, results) {
            let status = result.map { PQresultStatus($0) } ?? PGRES_FATAL_ERROR
            let failed = status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY
            if case .prepare(let s, _) = step, failed { prepared[s.text] = nil }
            guard failed, failure == nil, status != PGRES_PIPELINE_ABORTED else { continue }
            switch step {
            case .prepare(let s, _), .execute(let s, _):
                do throws(DatabaseError) {
                    try check(result, statement: s.text)
                } catch {
                    failure = error
                }
            }
        }
        if let failure {
            results.forEach { PQclear($0) }
            throw failure
        }
        var out: [OpaquePointer] = []
        for (step, result) in zip(steps, results) {
            if case .execute = step { out.append(result!) } else { PQclear(result) }
        }
        return out
    }

    /// A round trip that broke off: names it was about to create may not exist.
    func forgetPrepared(_ steps: [Step]) {
        for case .prepare(let s, _) in steps { prepared[s.text] = nil }
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

extension PostgresConnection.Statement {
    init(_ sql: SQL) {
        let (text, parameters) = sql.rendered
        self.init(text: text, parameters: parameters)
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

/// libpq's event callback behind `PostgresConnection.countResults()`: +1 for each answer libpq
/// creates for the session, −1 for each one freed.
private func countResultEvents(
    _ event: PGEventId, _ info: UnsafeMutableRawPointer?, _ counter: UnsafeMutableRawPointer?
) -> Int32 {
    guard let count = counter?.assumingMemoryBound(to: Int.self) else { return 1 }
    switch event {
    case PGEVT_RESULTCREATE, PGEVT_RESULTCOPY: count.pointee += 1
    case PGEVT_RESULTDESTROY: count.pointee -= 1
    default: break
    }
    return 1
}

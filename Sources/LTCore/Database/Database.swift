/// The database port. Jobs in LTCore talk to Postgres only through this protocol; `LTPostgres`
/// implements it with libpq. Calls block (jobs are synchronous, design decision): one connection per
/// run, used from one thread, so implementations are classes and not `Sendable`.
public protocol Database: AnyObject {
    /// Runs one statement and returns its rows (empty for statements without a result).
    func query(_ sql: SQL) throws(DatabaseError) -> [Row]

    /// Runs one statement and returns the number of rows it affected.
    @discardableResult
    func execute(_ sql: SQL) throws(DatabaseError) -> Int

    /// Runs `body` in a transaction: COMMIT when it returns, ROLLBACK when it throws (the error is
    /// rethrown unchanged). Nested calls run inside the outer transaction.
    @discardableResult
    func transaction<T>(_ body: () throws -> T) throws -> T

    /// Takes the session-level job lock for `job` if it is free (`pg_try_advisory_lock`). Returns
    /// `.acquired`, or `.held(by:)` naming the backend that has it.
    func tryJobLock(_ job: String) throws(DatabaseError) -> JobLockResult

    /// Like `tryJobLock`, but waits up to `wait` for a holder to let go (`--lock-wait`), so a
    /// follower that starts while the previous one finishes takes over without a gap.
    func waitJobLock(_ job: String, upTo wait: Duration) throws(DatabaseError) -> JobLockResult

    /// Releases a job lock taken by `tryJobLock` (closing the connection releases it too).
    func releaseJobLock(_ job: String) throws(DatabaseError)

    /// Takes the per-strategy lock for this transaction (`pg_advisory_xact_lock`); it is released
    /// at COMMIT/ROLLBACK. Call it inside `transaction` before changing a strategy's cash. The
    /// request may travel with the transaction's next statement (one round trip for both): that
    /// statement, and everything after it, runs once the lock is held.
    func lockStrategy(_ strategyID: String) throws(DatabaseError)

    /// Makes this transaction's COMMIT durable whatever the server default (`synchronous_commit =
    /// on` for it): design §4 "durability before side effects". Call it inside `transaction`.
    func requireDurableCommit() throws(DatabaseError)

    /// Runs independent statements in order and returns each one's rows; an implementation may
    /// send them in one round trip. The first error stops the rest and is thrown.
    func queryBatch(_ statements: [SQL]) throws(DatabaseError) -> [[Row]]

    /// Like `queryBatch`, as the last statements of the current transaction: the outermost
    /// transaction commits with them (an implementation may send the COMMIT in the same round trip)
    /// and nothing else may run in it afterwards. Nested in another transaction, they just run.
    func queryAndCommit(_ statements: [SQL]) throws(DatabaseError) -> [[Row]]

    /// Run liveness (design §4): takes the session lock named by `runID` and holds it until the
    /// connection closes, so that other runs can tell this run is alive. The request may travel with
    /// the session's next statement (one round trip for both); it is held before that statement runs,
    /// so before anything this run writes.
    func holdRunLock(_ runID: String) throws(DatabaseError)

    /// Whether the run `runID` is alive: its lock is held by some session. A run whose lock can be
    /// taken is dead (a crashed process's connection is gone, and its locks with it) — the only
    /// proof on which a row it left INTENT/UNKNOWN may be treated as abandoned.
    func isRunAlive(_ runID: String) throws(DatabaseError) -> Bool
}

extension Database {
    /// Without a wait-capable implementation, a single try.
    public func waitJobLock(_ job: String, upTo wait: Duration) throws(DatabaseError) -> JobLockResult {
        try tryJobLock(job)
    }

    public func requireDurableCommit() throws(DatabaseError) { try execute("SET LOCAL synchronous_commit = on") }

    /// One statement after the other.
    public func queryBatch(_ statements: [SQL]) throws(DatabaseError) -> [[Row]] {
        var out: [[Row]] = []
        for s in statements { out.append(try query(s)) }
        return out
    }

    /// A batch; the enclosing `transaction` commits when its body returns.
    public func queryAndCommit(_ statements: [SQL]) throws(DatabaseError) -> [[Row]] { try queryBatch(statements) }

    /// The first row, or nil.
    public func queryFirst(_ sql: SQL) throws(DatabaseError) -> Row? { try query(sql).first }

    /// Decodes every row with `decode` (typed errors surface as `DatabaseError.decoding`).
    public func query<T>(_ sql: SQL, _ decode: (Row) throws(RowDecodingError) -> T) throws(DatabaseError) -> [T] {
        try query(sql).decoded(of: sql, decode)
    }
}

extension [Row] {
    /// `query`'s decoding, also for the rows of one statement of a `queryBatch`.
    public func decoded<T>(of sql: SQL, _ decode: (Row) throws(RowDecodingError) -> T) throws(DatabaseError) -> [T] {
        var out: [T] = []
        out.reserveCapacity(count)
        for row in self {
            do {
                out.append(try decode(row))
            } catch {
                throw DatabaseError(.decoding, "\(error)", statement: sql.description)
            }
        }
        return out
    }
}

/// Outcome of `tryJobLock`.
public enum JobLockResult: Sendable, Equatable {
    case acquired
    case held(by: LockHolder?)
}

/// The backend holding an advisory lock, from `pg_locks` joined with `pg_stat_activity`.
public struct LockHolder: Sendable, Equatable, CustomStringConvertible {
    public var pid: Int
    public var applicationName: String?
    public var clientAddress: String?
    public var backendStart: String?

    public init(pid: Int, applicationName: String? = nil, clientAddress: String? = nil, backendStart: String? = nil) {
        self.pid = pid
        self.applicationName = applicationName
        self.clientAddress = clientAddress
        self.backendStart = backendStart
    }

    public var description: String {
        var s = "pid \(pid)"
        if let a = applicationName, !a.isEmpty { s += " (\(a))" }
        if let c = clientAddress, !c.isEmpty { s += " from \(c)" }
        if let b = backendStart { s += " since \(b)" }
        return s
    }
}

/// Advisory-lock keys. A key is the FNV-1a 64-bit hash of a namespaced name, read as a signed
/// bigint: `lt:job:<job>` for job locks, `lt:strategy:<strategy_id>` for per-strategy locks,
/// `lt:run:<run_id>` for run liveness,
/// `lt:migrate` for migrations. Stable across builds, processes and hosts (unlike `hashValue`), so
/// every `lt` binary agrees on them; the prefix keeps them clear of other applications' locks.
public enum AdvisoryLockKey {
    public static func job(_ job: String) -> Int64 { fnv1a64("lt:job:" + job) }
    public static func strategy(_ id: String) -> Int64 { fnv1a64("lt:strategy:" + id) }
    public static let migrate: Int64 = fnv1a64("lt:migrate")
    public static func run(_ runID: String) -> Int64 { fnv1a64("lt:run:" + runID) }

    public static func fnv1a64(_ text: String) -> Int64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01b3
        }
        return Int64(bitPattern: h)
    }
}

/// Errors from the database boundary. Messages name host, port and database, never the password.
public struct DatabaseError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The server cannot be reached or the connection broke (exit 69).
        case connection
        /// The connection string is malformed (exit 78).
        case configuration
        /// The server rejected a statement (constraint violation, syntax, …).
        case query
        /// A row could not be decoded into the expected Swift type.
        case decoding
    }

    public var kind: Kind
    public var message: String
    /// The five-character SQLSTATE, when the server sent one (e.g. `23514` check_violation).
    public var sqlState: String?
    /// The violated constraint's name, when the server sent one.
    public var constraint: String?
    /// The statement that failed. Not part of `message`: an operator needs what went wrong and on
    /// which strategy or signal, not a page of SQL; the runner logs it at debug level.
    public var statement: String?

    public init(
        _ kind: Kind, _ message: String, sqlState: String? = nil, constraint: String? = nil, statement: String? = nil
    ) {
        self.kind = kind
        self.message = message
        self.sqlState = sqlState
        self.constraint = constraint
        self.statement = statement
    }

    /// SQLSTATE 42P01 undefined_table on one of lt's own tables: the database was never migrated.
    public var isMissingSchema: Bool { kind == .configuration && sqlState == "42P01" }

    public var description: String { message }

    public var isUniqueViolation: Bool { sqlState == "23505" }
    public var isCheckViolation: Bool { sqlState == "23514" }
}

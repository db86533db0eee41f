import LTCore

/// Applies the schema in sql/ (embedded in the binary). Idempotent: one transaction under the
/// `lt:migrate` advisory lock, so concurrent runs queue up; migrations newer than the recorded
/// version run in order; a database already at the latest version is left untouched. The version
/// is recorded as the comment on `lt_strategies` (`lt schema v1`), so the version needs no table of its own.
public enum Migrator {
    public struct Outcome: Sendable, Equatable, Codable {
        public var fromVersion: Int
        public var toVersion: Int
        /// File names of the migrations this run applied (empty: nothing to do).
        public var applied: [String]
    }

    public static var latestVersion: Int { EmbeddedSQL.migrations.map(\.version).max() ?? 0 }

    /// The recorded schema version; 0 when lt's tables do not exist yet.
    public static func currentVersion(_ db: PostgresConnection) throws(DatabaseError) -> Int {
        let row = try db.queryFirst(
            "SELECT obj_description(to_regclass('lt_strategies'), 'pg_class') AS comment, "
                + "to_regclass('lt_strategies') IS NOT NULL AS exists")
        guard let row, try row.decodeOrThrow("exists", as: Bool.self) else { return 0 }
        let comment = (try? row.decode("comment", as: String?.self)) ?? nil
        guard let comment, comment.hasPrefix("lt schema v"), let v = Int(comment.dropFirst("lt schema v".count))
        else {
            throw DatabaseError(
                .query,
                "lt_strategies exists but carries no 'lt schema vN' comment: not created by lt migrate; refusing to guess"
            )
        }
        return v
    }

    /// Brings the database to the latest version.
    public static func migrate(_ db: PostgresConnection) throws -> Outcome {
        try db.transaction {
            try db.execute("SELECT pg_advisory_xact_lock(\(AdvisoryLockKey.migrate))")
            let from = try currentVersion(db)
            if from > latestVersion {
                throw DatabaseError(
                    .query, "database schema is v\(from), newer than this lt binary (v\(latestVersion)): upgrade lt")
            }
            var applied: [String] = []
            for m in EmbeddedSQL.migrations where m.version > from {
                try db.runScript(m.sql)
                let now = try currentVersion(db)
                guard now == m.version else {
                    throw DatabaseError(.query, "\(m.file) did not record schema version \(m.version) (found \(now))")
                }
                applied.append(m.file)
            }
            return Outcome(fromVersion: from, toVersion: max(from, latestVersion), applied: applied)
        }
    }

    /// Creates the FT input tables (`ft_orders`, `ft_wallets`) of sql/dev. Development and tests only:
    /// in production the FT system owns them.
    public static func installDevTables(_ db: PostgresConnection) throws {
        try db.transaction {
            for t in EmbeddedSQL.devTables { try db.runScript(t.sql) }
        }
    }

    /// The embedded scripts, for the staleness test and `lt migrate --print`.
    public static var embeddedFiles: [(path: String, sql: String)] {
        EmbeddedSQL.migrations.map { ("sql/" + $0.file, $0.sql) }
            + EmbeddedSQL.devTables.map { ("sql/dev/" + $0.file, $0.sql) }
    }
}
